// Deep traces: a parent chain of any depth goes through every importer and every generator without
// recursion on the data (no stack overflow), and every generated output grows linearly with the depth.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const { importTraceFile } = require(path.join(root, 'out/src/fixtures/detect.js'));
const { generateFixture, FIXTURE_FORMATS } = require(path.join(root, 'out/src/fixtures/generate.js'));
const { writeOtlpProto } = require(path.join(root, 'out/src/fixtures/otlpProto.js'));

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const spanHex = (i) => (i + 1).toString(16).padStart(16, '0');
const T0 = 1_700_000_000_000_000_000n;

/**
 * One trace: a SERVER root serving GET /deep, then `depth - 1` spans each the child of the one before;
 * each span starts a tick after its parent and ends a tick before it.
 */
function otlpChain(depth, tickNs = 1000n) {
  const spans = [];
  for (let i = 0; i < depth; i++) {
    spans.push({
      traceId: TRACE,
      spanId: spanHex(i),
      ...(i ? { parentSpanId: spanHex(i - 1) } : {}),
      name: `op-${i % 7}`,
      kind: i === 0 ? 2 : 1,
      startTimeUnixNano: (T0 + BigInt(i) * tickNs).toString(),
      endTimeUnixNano: (T0 + BigInt(2 * depth - i) * tickNs).toString(),
      attributes: i === 0
        ? [{ key: 'http.request.method', value: { stringValue: 'GET' } }, { key: 'url.path', value: { stringValue: '/deep' } }]
        : [{ key: 'db.system', value: { stringValue: 'postgresql' } }],
    });
  }
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'deep' } }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] };
}

function jaegerChain(depth) {
  const spans = [];
  for (let i = 0; i < depth; i++) {
    spans.push({
      traceID: TRACE,
      spanID: spanHex(i),
      operationName: `op-${i % 7}`,
      references: i ? [{ refType: 'CHILD_OF', traceID: TRACE, spanID: spanHex(i - 1) }] : [],
      startTime: 1_700_000_000_000_000 + i,
      duration: 2 * depth - 2 * i,
      tags: [],
      logs: [],
      processID: 'p1',
    });
  }
  return { data: [{ traceID: TRACE, spans, processes: { p1: { serviceName: 'deep', tags: [] } } }] };
}

function zipkinChain(depth) {
  const spans = [];
  for (let i = 0; i < depth; i++) {
    spans.push({
      traceId: TRACE,
      id: spanHex(i),
      ...(i ? { parentId: spanHex(i - 1) } : {}),
      name: `op-${i % 7}`,
      // every tenth span has no timestamp: it is placed at its (timed) ancestors' start
      ...(i % 10 === 9 ? {} : { timestamp: 1_700_000_000_000_000 + i, duration: 2 * depth - 2 * i }),
      localEndpoint: { serviceName: 'deep' },
    });
  }
  return spans;
}

/** every output we generate, for one input */
function allOutputs(data) {
  const out = [];
  for (const format of FIXTURE_FORMATS) {
    for (const language of format === 'vitest' || format === 'jest' ? ['ts', 'js'] : [undefined]) {
      out.push({ label: `${format}${language ? `/${language}` : ''}`, text: generateFixture(data, { format, language }).text });
    }
  }
  return out;
}

const DEEP = 100_000;

test(`a ${DEEP.toLocaleString('en')}-level parent chain goes through every importer without overflowing the stack`, () => {
  const otlp = otlpChain(DEEP);
  const inputs = [
    ['OTLP JSON', JSON.stringify(otlp), 'otlp-json'],
    ['OTLP protobuf', writeOtlpProto(otlp), 'otlp-proto'],
    ['Jaeger JSON', JSON.stringify(jaegerChain(DEEP)), 'jaeger-json'],
    ['Zipkin JSON', JSON.stringify(zipkinChain(DEEP)), 'zipkin-json'],
  ];
  for (const [label, bytes, format] of inputs) {
    const r = importTraceFile(bytes);
    assert.equal(r.format, format, label);
    assert.equal(r.spanCount, DEEP, label);
    const spans = r.data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    const last = spans.find((s) => s.spanId === spanHex(DEEP - 1));
    assert.equal(last.parentSpanId, spanHex(DEEP - 2), `${label}: the chain is kept`);
    if (format === 'zipkin-json') {
      const untimed = spans.find((s) => s.spanId === spanHex(DEEP - 1));
      const parent = spans.find((s) => s.spanId === spanHex(DEEP - 2));
      assert.equal(untimed.startTimeUnixNano, parent.startTimeUnixNano, 'a span without timing starts with its parent');
    }
  }
});

test(`a ${DEEP.toLocaleString('en')}-level parent chain goes through every generator without overflowing the stack`, () => {
  const data = importTraceFile(JSON.stringify(otlpChain(DEEP))).data;
  for (const { label, text } of allOutputs(data)) {
    if (label === 'otlp-json') assert.ok(text.includes(`"spanId": "${spanHex(DEEP - 1)}"`), 'the deepest span is in the fixture');
    else if (label === 'tracetest') {
      // seven names repeat down the chain: one spec per place, each counting every span there
      const counts = [...text.matchAll(/selected_spans\.count = (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
      assert.equal(counts, DEEP, label);
    } else assert.ok(text.includes(`depth: ${DEEP - 1},`) || text.includes(`"depth": ${DEEP - 1},`), `${label}: the deepest span is in the test`);
  }
});

test('every generated output grows linearly with the depth of the trace', () => {
  const small = 1_000;
  const big = 8_000;
  const a = allOutputs(importTraceFile(JSON.stringify(otlpChain(small))).data);
  const b = allOutputs(importTraceFile(JSON.stringify(otlpChain(big))).data);
  for (let i = 0; i < a.length; i++) {
    const ratio = b[i].text.length / a[i].text.length;
    // 8x the spans: a linear output is at most ~8x bigger (numbers get a digit longer); quadratic would be ~64x
    assert.ok(ratio < 9, `${a[i].label}: ${a[i].text.length} → ${b[i].text.length} bytes (${ratio.toFixed(1)}x for 8x the spans)`);
  }
});

test('a wide trace: 10,000 Zipkin shared client/server pairs are split, each server half under its client half', () => {
  const spans = [{ traceId: TRACE, id: 'a'.repeat(16), name: 'root', kind: 'SERVER', timestamp: 1_700_000_000_000_000, duration: 100, localEndpoint: { serviceName: 'front' } }];
  for (let i = 0; i < 10_000; i++) {
    const id = spanHex(i);
    spans.push({ traceId: TRACE, id, parentId: 'a'.repeat(16), name: `call ${i}`, kind: 'CLIENT', timestamp: 1_700_000_000_000_001, duration: 10, localEndpoint: { serviceName: 'front' } });
    spans.push({ traceId: TRACE, id, parentId: 'a'.repeat(16), name: `serve ${i}`, kind: 'SERVER', timestamp: 1_700_000_000_000_002, duration: 8, localEndpoint: { serviceName: 'back' }, shared: true });
  }
  const r = importTraceFile(JSON.stringify(spans));
  assert.equal(r.spanCount, 20_001);
  const all = r.data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  assert.equal(new Set(all.map((s) => s.spanId)).size, 20_001, 'every span has its own id');
  const serve = all.find((s) => s.name === 'serve 7');
  assert.equal(serve.parentSpanId, spanHex(7), 'the server half is the child of its client half');
});

// The generated tests themselves must run at any depth: their helpers loop instead of recursing (Python's
// recursion limit is 1,000 frames). Each is run against spans rebuilt from its own expected rows, once as
// recorded (green) and once with a deep span renamed (red).
const RUN_DEPTH = 5_000;

test(`the generated pytest module runs at ${RUN_DEPTH.toLocaleString('en')} levels (stand-in SDK modules, real Python)`, (t) => {
  const fs = require('node:fs');
  const os = require('node:os');
  const { spawnSync } = require('node:child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-deep-py-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const files = {
    'pytest.py': 'def fixture(*args, **kwargs):\n    return lambda f: f\n',
    'opentelemetry/__init__.py': '',
    'opentelemetry/trace.py': '_provider = None\ndef get_tracer_provider():\n    return _provider\ndef set_tracer_provider(p):\n    global _provider\n    _provider = p\n',
    'opentelemetry/sdk/__init__.py': '',
    'opentelemetry/sdk/trace/__init__.py': 'class TracerProvider:\n    def add_span_processor(self, p):\n        pass\n    def force_flush(self):\n        pass\n',
    'opentelemetry/sdk/trace/export/__init__.py': 'class SimpleSpanProcessor:\n    def __init__(self, exporter):\n        pass\n',
    'opentelemetry/sdk/trace/export/in_memory_span_exporter.py': 'class InMemorySpanExporter:\n    def clear(self):\n        pass\n',
    'test_deep.py': generateFixture(otlpChain(RUN_DEPTH), { format: 'pytest' }).text,
    'harness.py': [
      'import sys, types',
      'import test_deep as gen',
      'def ns(**kw):',
      '    return types.SimpleNamespace(**kw)',
      'def spans(rename=None):',
      '    out, open_ = [], []',
      '    for i, row in enumerate(gen.EXPECTED):',
      '        del open_[row["depth"]:]',
      '        parent = ns(span_id=open_[-1]) if open_ else None',
      '        name = "renamed" if i == rename else row["name"]',
      '        out.append(ns(name=name, kind=ns(name=row["kind"]), status=ns(status_code=ns(name=row["status"])),',
      '                      attributes=dict(row["attributes"]), context=ns(span_id=i + 1), parent=parent,',
      '                      start_time=0, end_time=1_000_000))',
      '        open_.append(i + 1)',
      '    return list(reversed(out))  # finished spans arrive children first',
      'gen.test_produces_the_recorded_spans(spans())',
      'gen.test_stays_within_loose_duration_budgets(spans())',
      'try:',
      `    gen.test_produces_the_recorded_spans(spans(rename=${RUN_DEPTH - 10}))`,
      '    print("renamed: passed")',
      'except AssertionError:',
      '    print("renamed: failed")',
      'print("ok", sys.getrecursionlimit())',
    ].join('\n'),
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const r = spawnSync('python3', ['harness.py'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.error, undefined, 'python3 is needed to run the generated module');
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.match(r.stdout, /renamed: failed/, 'a renamed deep span fails the shape test');
  assert.match(r.stdout, /^ok 1000$/m, 'under the default recursion limit');
});

test(`the generated Jest (JS) test runs at ${RUN_DEPTH.toLocaleString('en')} levels with the real OpenTelemetry SDK`, async () => {
  const api = require('@opentelemetry/api');
  // recorded durations of many seconds: the budgets hold however slowly this machine builds 5,000 spans
  const generated = generateFixture(otlpChain(RUN_DEPTH, 1_000_000_000n), { format: 'jest', language: 'js' }).text;
  const start = generated.indexOf('// >>> code under test');
  const end = generated.indexOf('// <<< code under test');
  // the code under test: the recorded chain again, built with the SDK's tracer (one span open per level)
  const exercise = [
    'async function exercise() {',
    "  const tracer = trace.getTracer('deep');",
    '  const open = [];',
    '  for (const row of expected) {',
    '    for (const s of open.splice(row.depth)) s.end();',
    '    const parent = open.length ? trace.setSpan(context.active(), open[open.length - 1]) : context.active();',
    `    const name = open.length === ${RUN_DEPTH - 10} && globalThis.__renameDeep ? 'renamed' : row.name;`,
    '    open.push(tracer.startSpan(name, { kind: KINDS.indexOf(row.kind), attributes: row.attributes }, parent));',
    '  }',
    '  for (const s of open.reverse()) s.end();',
    '}',
    '',
  ].join('\n');
  const code = generated.slice(0, start) + exercise + generated.slice(end);
  const run = async (renameDeep) => {
    globalThis.__renameDeep = renameDeep;
    const tests = [];
    const afterAll = [];
    const expect = (actual) => ({ toEqual: (wanted) => assert.deepStrictEqual(actual, wanted) });
    new Function('require', 'describe', 'it', 'expect', 'afterAll', code)(
      require,
      (_name, body) => body(),
      (name, body) => tests.push({ name, body }),
      expect,
      (fn) => afterAll.push(fn),
    );
    const results = [];
    try {
      for (const t of tests) {
        try {
          await t.body();
          results.push(`${t.name}: passed`);
        } catch (e) {
          // a changed shape fails with the span-by-span diff (src/fixtures/genShapeDiff.ts) as its message
          const diffed = /^the trace's shape changed/.test(e?.message ?? '');
          if (!(e instanceof assert.AssertionError) && !diffed) throw e;
          results.push(`${t.name}: failed${diffed ? `: ${e.message.split('\n')[1].trim()}` : ''}`);
        }
      }
    } finally {
      for (const fn of afterAll) await fn();
      delete globalThis.__renameDeep;
    }
    return results;
  };
  assert.deepEqual(await run(false), ['produces the recorded spans (names, kinds, parents, status, attributes): passed', 'stays within loose duration budgets: passed']);
  assert.deepEqual(await run(true), [
    // the span renamed 10 levels from the bottom, named by the last levels of its path (names are op-<depth % 7>)
    `produces the recorded spans (names, kinds, parents, status, attributes): failed: renamed: op-${(RUN_DEPTH - 13) % 7} > op-${(RUN_DEPTH - 12) % 7} > op-${(RUN_DEPTH - 11) % 7} > renamed (expected "op-${(RUN_DEPTH - 10) % 7}")`,
    'stays within loose duration budgets: passed',
  ]);
  assert.equal(api.trace.getTracerProvider().constructor.name, 'ProxyTracerProvider', 'the generated test left no global provider behind');
});

test(`an attribute value nested ${DEEP.toLocaleString('en')} levels deep is cut at 64 levels with a note; every generator works`, () => {
  const { MAX_VALUE_DEPTH } = require(path.join(root, 'out/src/fixtures/otlpJsonImport.js'));
  const data = otlpChain(2);
  const nested = `${'{"arrayValue":{"values":['.repeat(DEEP)}{"stringValue":"x"}${']}}'.repeat(DEEP)}`;
  const text = JSON.stringify(data).replace('{"stringValue":"postgresql"}', nested);
  const r = importTraceFile(text);
  assert.equal(r.spanCount, 2);
  assert.ok(r.warnings.includes(`an attribute value nested deeper than ${MAX_VALUE_DEPTH} levels was cut at that depth`), r.warnings.join('\n'));
  let v = r.data.resourceSpans[0].scopeSpans[0].spans[1].attributes[0].value;
  let levels = 0;
  while (v.arrayValue) {
    v = v.arrayValue.values[0];
    levels++;
  }
  assert.equal(levels, MAX_VALUE_DEPTH);
  assert.match(v.stringValue, /nested deeper than 64 levels was cut/);
  for (const { label, text: out } of allOutputs(r.data)) assert.ok(out.length > 0, label);
});

test(`a file of ${DEEP.toLocaleString('en')} nested JSON arrays gets the one-line "not a trace file" message`, () => {
  const { TraceFileError } = require(path.join(root, 'out/src/fixtures/importResult.js'));
  assert.throws(
    () => importTraceFile(`${'['.repeat(DEEP)}1${']'.repeat(DEEP)}`),
    (e) => e instanceof TraceFileError && /found 100000 nested JSON arrays whose innermost first element is a JSON number/.test(e.message),
  );
});
