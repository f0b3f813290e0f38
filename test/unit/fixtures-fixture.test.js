// The deterministic OTLP JSON fixture and every generated format: round trip, determinism (also across
// arrival orders), redaction of planted secrets, volatile attributes, options.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const { importTraceFile } = require(path.join(root, 'out/src/fixtures/detect.js'));
const { generateFixture, FIXTURE_FORMATS } = require(path.join(root, 'out/src/fixtures/generate.js'));
const { buildFixture } = require(path.join(root, 'out/src/fixtures/fixture.js'));
const { writeOtlpProto } = require(path.join(root, 'out/src/fixtures/otlpProto.js'));
const { decodeTracesObject } = require(path.join(root, 'out/src/otlp/jsonDecode.js'));
const { EpochNs } = require(path.join(root, 'out/src/model/time.js'));

const file = (name) => importTraceFile(fs.readFileSync(path.join(root, 'test/fixtures-data', name))).data;

/** every output we generate, for one input */
function allOutputs(data, options = {}) {
  const out = [];
  for (const format of FIXTURE_FORMATS) {
    for (const language of format === 'vitest' || format === 'jest' ? ['ts', 'js'] : [undefined]) {
      out.push({ label: `${format}${language ? `/${language}` : ''}`, text: generateFixture(data, { ...options, format, language }).text });
    }
  }
  return out;
}

/** A trace as a comparable tree: names, kinds, status, attributes, events, durations, offsets from the trace start. */
function view(data) {
  const spans = [];
  for (const rs of data.resourceSpans) {
    for (const ss of rs.scopeSpans) for (const s of ss.spans) spans.push({ s, service: rs.resource?.attributes.find((a) => a.key === 'service.name')?.value.stringValue, scope: ss.scope?.name });
  }
  const t0 = spans.reduce((m, { s }) => (BigInt(s.startTimeUnixNano) < m ? BigInt(s.startTimeUnixNano) : m), BigInt(spans[0].s.startTimeUnixNano));
  const byId = new Map(spans.map((x) => [x.s.spanId, x]));
  const node = (x) => ({
    name: x.s.name,
    kind: x.s.kind,
    service: x.service,
    scope: x.scope,
    status: x.s.status ?? null,
    attributes: Object.fromEntries(x.s.attributes.map((a) => [a.key, a.value])),
    events: (x.s.events ?? []).map((e) => ({ name: e.name, at: (BigInt(e.timeUnixNano) - t0).toString(), attributes: e.attributes.length })),
    links: (x.s.links ?? []).length,
    offset: (BigInt(x.s.startTimeUnixNano) - t0).toString(),
    duration: (BigInt(x.s.endTimeUnixNano) - BigInt(x.s.startTimeUnixNano)).toString(),
    parentOutside: !!x.s.parentSpanId && !byId.has(x.s.parentSpanId),
    children: spans
      .filter((c) => c.s.parentSpanId === x.s.spanId && c !== x)
      .map(node)
      .sort((a, b) => (a.offset === b.offset ? (a.name < b.name ? -1 : 1) : BigInt(a.offset) < BigInt(b.offset) ? -1 : 1)),
  });
  return spans
    .filter((x) => !x.s.parentSpanId || !byId.has(x.s.parentSpanId))
    .map(node)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

const defaults = require(path.join(root, 'out/src/fixtures/defaults.js'));
const isVolatile = defaults.keyMatcher(defaults.DEFAULT_VOLATILE_ATTRIBUTES);

/** Leaves out, on both sides, the attributes the fixture sanitised (volatile or holding a redaction). */
function dropSanitised(original, fixture) {
  assert.equal(original.length, fixture.length, 'same number of spans at this level');
  for (let i = 0; i < fixture.length; i++) {
    for (const [k, v] of Object.entries(fixture[i].attributes)) {
      if (isVolatile(k) || JSON.stringify(v).includes('REDACTED')) {
        assert.ok(k in original[i].attributes, `${k} was in the original`);
        delete fixture[i].attributes[k];
        delete original[i].attributes[k];
      }
    }
    dropSanitised(original[i].children, fixture[i].children);
  }
}

for (const name of ['otlp-uppercase-orphan.json', 'jaeger-ui-download.json', 'zipkin-v2.json', 'tempo-batches.json', 'collector-file-exporter.jsonl']) {
  test(`round trip ${name}: trace → OTLP JSON fixture → open → the same trace`, () => {
    const original = file(name);
    const fixtureText = generateFixture(original, { format: 'otlp-json' }).text;
    const reopened = importTraceFile(fixtureText);
    assert.equal(reopened.format, 'otlp-json');
    assert.deepEqual(reopened.warnings, []);
    const a = view(original);
    const b = view(reopened.data);
    dropSanitised(a, b);
    assert.deepEqual(b, a, 'structure, names, kinds, status, kept attributes, events, offsets and durations');
    // the same attribute keys survive (sanitised ones keep their key)
    const keys = (v) => v.flatMap((n) => [Object.keys(n.attributes).sort().join(','), ...keys(n.children)]);
    assert.deepEqual(keys(view(reopened.data)), keys(view(original)));
    // other OTLP readers: the receiver's decoder takes every span, and it encodes as protobuf
    const batch = decodeTracesObject(JSON.parse(fixtureText), new EpochNs(1704067200));
    assert.equal(batch.rejected, 0, batch.rejectReasons.join('; '));
    assert.equal(batch.spans.length, reopened.spanCount);
    assert.ok(writeOtlpProto(reopened.data).length > 0);
  });
}

test('the fixture renumbers ids in a stable order and rebases time to 2024-01-01T00:00:00Z', () => {
  const f = buildFixture(file('otlp-uppercase-orphan.json'));
  const spans = f.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  assert.deepEqual(spans.map((s) => [s.name, s.traceId, s.spanId, s.parentSpanId]), [
    ['POST /checkout', '00000000000000000000000000000001', '0000000000000001', '0000000000000003'],
    ['INSERT shop.orders', '00000000000000000000000000000001', '0000000000000002', '0000000000000001'],
  ]);
  assert.equal(spans[0].startTimeUnixNano, '1704067200000000000');
  assert.equal(spans[0].endTimeUnixNano, '1704067200064197532', 'the duration is exact to the nanosecond');
  assert.equal(spans[1].startTimeUnixNano, '1704067200006543211');
  const abs = buildFixture(file('otlp-uppercase-orphan.json'), { timestamps: 'absolute' });
  assert.equal(abs.resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano, '1732262400123456789');
});

test('volatile attributes are normalised by default, dropped on request, and configurable', () => {
  const data = file('otlp-uppercase-orphan.json');
  const res = (f) => Object.fromEntries(f.resourceSpans[0].resource.attributes.map((a) => [a.key, a.value]));
  const n = buildFixture(data);
  assert.deepEqual(res(n)['host.name'], { stringValue: '<volatile>' });
  assert.deepEqual(res(n)['process.pid'], { intValue: '0' });
  assert.deepEqual(res(n)['service.name'], { stringValue: 'checkout' });
  const d = buildFixture(data, { volatileMode: 'drop' });
  assert.equal(res(d)['host.name'], undefined);
  const custom = buildFixture(data, { volatileAttributes: ['telemetry.sdk.*'] });
  assert.deepEqual(res(custom)['host.name'], { stringValue: 'dev-laptop-7' }, 'the setting replaces the default list');
  assert.deepEqual(res(custom)['telemetry.sdk.language'], { stringValue: '<volatile>' });
  const span = n.resourceSpans[0].scopeSpans[0].spans[0];
  assert.deepEqual(span.attributes.find((a) => a.key === 'user_agent.original').value, { stringValue: '<volatile>' });
});

function shuffled(data, seed) {
  // another arrival order: every span in its own batch, batches in a seeded random order, attributes reversed
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const batches = [];
  for (const rs of data.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        batches.push({
          resource: { attributes: [...(rs.resource?.attributes ?? [])].reverse() },
          scopeSpans: [{ scope: ss.scope, spans: [{ ...s, attributes: [...s.attributes].reverse() }] }],
          ...(rs.schemaUrl ? { schemaUrl: rs.schemaUrl } : {}),
        });
      }
    }
  }
  for (let i = batches.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [batches[i], batches[j]] = [batches[j], batches[i]];
  }
  return { resourceSpans: batches };
}

test('determinism: the same trace twice, and in other arrival orders, gives byte-identical output in every format', () => {
  for (const name of ['jaeger-ui-download.json', 'zipkin-v2.json', 'otlp-array.json', 'collector-file-exporter.jsonl']) {
    const first = allOutputs(file(name));
    const again = allOutputs(file(name));
    assert.deepEqual(again, first, `${name}: twice`);
    for (const seed of [1, 7, 42]) {
      const reordered = shuffled(file(name), seed);
      // the reordering really is different input
      assert.notDeepEqual(JSON.stringify(reordered), JSON.stringify(file(name)));
      const other = allOutputs(reordered);
      for (let i = 0; i < first.length; i++) assert.equal(other[i].text, first[i].text, `${name} seed ${seed}: ${first[i].label}`);
    }
  }
});

test('determinism holds through a different importer: the Jaeger trace re-imported from its own fixture', () => {
  const data = file('jaeger-ui-download.json');
  const once = generateFixture(data, { format: 'otlp-json' }).text;
  const twice = generateFixture(importTraceFile(once).data, { format: 'otlp-json' }).text;
  assert.equal(twice, once, 'a fixture is a fixed point');
});

const SECRETS = {
  bearer: 'sEcReT-b3arer-t0ken-1234',
  cookie: 'c00kie-s3cret-value',
  setCookie: 's3t-c00kie-value',
  password: 'hunter2-planted-pw',
  urlPassword: 'url-pa55w0rd',
  queryToken: 'qry-t0ken-998877',
  apiKey: 'ak-planted-4455667788',
  connPassword: 'c0nn-str-pw',
  sqlPassword: 'sql-pw-planted',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  aws: 'AKIAIOSFODNN7EXAMPLE',
  github: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  custom: 'ACME-778899',
  customKey: 'internal-sauce-value',
  nested: 'nested-kv-secret',
  linkSecret: 'link-t0ken-abc',
  statusPw: 'status-pw-42',
  nameToken: 'name-t0ken-xyz',
  dsn: 'dsn-pw-planted',
  pem: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
};

function plantedTrace() {
  const kv = (key, v) => ({ key, value: typeof v === 'string' ? { stringValue: v } : v });
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', 'api'), kv('deployment.db_password', SECRETS.password)] },
        scopeSpans: [
          {
            scope: { name: 'http', attributes: [kv('scope.api_key', SECRETS.apiKey)] },
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: '00000000000000a1',
                name: `GET /reset?token=${SECRETS.nameToken}`,
                kind: 2,
                startTimeUnixNano: '1732262400000000000',
                endTimeUnixNano: '1732262400050000000',
                attributes: [
                  kv('http.request.method', 'GET'),
                  kv('http.route', '/reset'),
                  kv('url.path', '/reset'),
                  kv('url.query', `token=${SECRETS.queryToken}&lang=en`),
                  kv('url.full', `https://admin:${SECRETS.urlPassword}@api.example.com/reset?token=${SECRETS.queryToken}`),
                  kv('http.request.header.authorization', { arrayValue: { values: [{ stringValue: `Bearer ${SECRETS.bearer}` }] } }),
                  kv('http.request.header.cookie', { arrayValue: { values: [{ stringValue: `session=${SECRETS.cookie}; theme=dark` }] } }),
                  kv('http.response.header.set-cookie', `sid=${SECRETS.setCookie}; HttpOnly`),
                  kv('app.user.password', SECRETS.password),
                  kv('app.jwt_claims', `user=1; raw=${SECRETS.jwt}`),
                  kv('app.internal', SECRETS.customKey),
                  kv('app.ticket', `see ${SECRETS.custom}`),
                  kv('app.options', { kvlistValue: { values: [kv('plain', 'x'), kv('client_secret', SECRETS.nested)] } }),
                  kv('sentry.dsn', `https://pub:${SECRETS.dsn}@o1.ingest.example/1`),
                  kv('gen_ai.usage.input_tokens', { intValue: '1234' }),
                  kv('tls.client.material', `-----BEGIN PRIVATE KEY-----\n${SECRETS.pem}\n-----END PRIVATE KEY-----`),
                ],
                events: [
                  {
                    timeUnixNano: '1732262400010000000',
                    name: 'exception',
                    attributes: [
                      kv('exception.message', `auth failed for header Authorization: Bearer ${SECRETS.bearer} (key ${SECRETS.aws})`),
                      kv('exception.stacktrace', `Error: boom with ${SECRETS.github}\n    at handler (/app/src/reset.js:10:5)`),
                    ],
                  },
                ],
                links: [{ traceId: '1af7651916cd43dd8448eb211c80319c', spanId: '00000000000000b1', attributes: [kv('link.token', SECRETS.linkSecret)] }],
                status: { code: 2, message: `login failed: password=${SECRETS.statusPw}` },
              },
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: '00000000000000a2',
                parentSpanId: '00000000000000a1',
                name: 'ALTER ROLE',
                kind: 3,
                startTimeUnixNano: '1732262400020000000',
                endTimeUnixNano: '1732262400030000000',
                attributes: [
                  kv('db.system.name', 'postgresql'),
                  kv('db.operation.name', 'ALTER'),
                  kv('db.query.text', `ALTER ROLE app WITH LOGIN PASSWORD '${SECRETS.sqlPassword}'`),
                  kv('db.connection_string', `Server=db;User Id=app;Password=${SECRETS.connPassword};`),
                  kv('server.address', `postgres://app:${SECRETS.connPassword}@db:5432/shop`),
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

test('redaction: planted secrets never appear in any output format', () => {
  const options = { redactPatterns: ['ACME-[0-9]{6}'], redactAttributes: [...require(path.join(root, 'out/src/fixtures/defaults.js')).DEFAULT_REDACT_ATTRIBUTES, 'app.internal'] };
  const outputs = allOutputs(plantedTrace(), options);
  assert.equal(outputs.length, 7);
  for (const { label, text } of outputs) {
    for (const [what, secret] of Object.entries(SECRETS)) {
      assert.ok(!text.includes(secret), `${label} leaks ${what} (${secret})`);
    }
  }
  // and what stays is still useful
  const fixture = JSON.parse(outputs[0].text);
  const span = fixture.resourceSpans[0].scopeSpans[0].spans[0];
  const a = Object.fromEntries(span.attributes.map((x) => [x.key, x.value]));
  assert.deepEqual(a['http.request.header.authorization'], { arrayValue: { values: [{ stringValue: 'REDACTED' }] } });
  assert.equal(a['url.full'].stringValue, 'https://admin:REDACTED@api.example.com/reset?token=REDACTED');
  assert.equal(a['url.query'].stringValue, 'token=REDACTED&lang=en');
  assert.deepEqual(a['gen_ai.usage.input_tokens'], { intValue: '1234' }, 'token counts are numbers, not secrets');
  assert.equal(a['app.ticket'].stringValue, 'see REDACTED', "the user's own pattern applies");
  assert.equal(span.name, 'GET /reset?token=REDACTED');
  assert.equal(span.status.message, 'login failed: password=REDACTED');
  const alter = fixture.resourceSpans[0].scopeSpans[0].spans[1];
  assert.equal(alter.attributes.find((x) => x.key === 'db.query.text').value.stringValue, "ALTER ROLE app WITH LOGIN PASSWORD 'REDACTED'");
  assert.match(outputs.find((o) => o.label === 'tracetest').text, /url: "\$\{env:BASE_URL\}\/reset\?token=REDACTED&lang=en"/);
});

test('an invalid user pattern is reported, not thrown, and the rest still applies', () => {
  const bad = [];
  const f = buildFixture(plantedTrace(), { redactPatterns: ['([unclosed'], onInvalidPattern: (p, e) => bad.push([p, e]) });
  assert.equal(bad.length, 1);
  assert.equal(bad[0][0], '([unclosed');
  assert.ok(!JSON.stringify(f).includes(SECRETS.password));
});

test('subtree and single-trace selection; a trace that is not there gets a clear message', () => {
  const data = file('jaeger-ui-download.json');
  const sub = generateFixture(data, { format: 'otlp-json', spanId: '53b6b7d4b8d0a9c1' });
  const spans = JSON.parse(sub.text).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  assert.deepEqual(spans.map((s) => s.name).sort(), ['Driver::findNearest', 'GetDriver']);
  assert.equal(sub.fileName, 'driver-findnearest-subtree.otlp.json');
  assert.throws(() => generateFixture(data, { format: 'vitest', traceId: 'ffffffffffffffffffffffffffffffff' }), /trace ffffffffffffffffffffffffffffffff is not in the input \(it holds 1 trace: 00000000000000006b221d5bc9e6496c\)/);
  assert.throws(() => generateFixture(data, { format: 'vitest', traceId: 'nope' }), /trace id "nope" is not a 32-digit hex id/);
  const two = { resourceSpans: [...file('otlp-array.json').resourceSpans, ...file('zipkin-single-span.json').resourceSpans] };
  const one = generateFixture(two, { format: 'otlp-json', traceId: '5AF7183FB1D4CF5F5AF7183FB1D4CF5F' });
  assert.equal(JSON.parse(one.text).resourceSpans.length, 1, 'ids are accepted in upper case too');
  const both = JSON.parse(generateFixture(two, { format: 'otlp-json' }).text);
  assert.deepEqual([...new Set(both.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.traceId))))].sort(), [
    '00000000000000000000000000000001',
    '00000000000000000000000000000002',
  ]);
});

test('generated tests assert names, kinds, structure, status and kept attributes only', () => {
  const data = file('jaeger-ui-download.json');
  const text = generateFixture(data, { format: 'vitest', language: 'js', keepAttributes: ['http.method', 'db.system', 'param.*'] }).text;
  assert.match(text, /name: "HTTP GET \/dispatch",\n\s+kind: "SERVER",\n\s+status: "UNSET",\n\s+attributes: \{\n\s+"http.method": "GET",\n\s+\},/);
  assert.match(text, /"param.driverID": "T751767C"/, 'wildcard keep patterns select attributes');
  assert.match(text, /name: "GetDriver",\n\s+kind: "CLIENT",\n\s+status: "ERROR"/);
  assert.ok(!text.includes('sampler.type'), 'attributes outside the keep list are not asserted');
  assert.ok(!text.includes('hotrod-7c9d'), 'resource details are not asserted');
  const noBudgets = generateFixture(data, { format: 'vitest', durationBudgets: false }).text;
  assert.ok(!noBudgets.includes('budgets'));
  const tt = generateFixture(data, { format: 'tracetest' }).text;
  assert.match(tt, /selector: "span\[name=\\"HTTP GET \/dispatch\\"\] span\[name=\\"HTTP GET\\"\] span\[name=\\"HTTP GET \/customer\\"\] span\[name=\\"SQL SELECT\\"\]"/);
  assert.match(tt, /trigger:\n    type: http\n    httpRequest:\n      method: "GET"\n      url: "\$\{env:BASE_URL\}\/dispatch\?customer=123&nonse=0.43"/);
  assert.match(tt, /- attr:tracetest\.span\.duration < \d+ms/);
});

test('the generated pytest module is valid Python and the Tracetest definition valid YAML', (t) => {
  const { spawnSync } = require('node:child_process');
  const os = require('node:os');
  const data = file('jaeger-ui-download.json');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-gen-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const py = path.join(dir, 'test_trace.py');
  fs.writeFileSync(py, generateFixture(data, { format: 'pytest' }).text);
  const compiled = spawnSync('python3', ['-m', 'py_compile', py], { encoding: 'utf8' });
  assert.equal(compiled.error, undefined, 'python3 is needed to check the generated pytest module');
  assert.equal(compiled.status, 0, compiled.stderr);
  const yml = path.join(dir, 'test.yaml');
  fs.writeFileSync(yml, generateFixture(data, { format: 'tracetest' }).text);
  const parsed = spawnSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', yml], { encoding: 'utf8' });
  if (/No module named 'yaml'/.test(parsed.stderr)) {
    t.skip('PyYAML is not installed: the Tracetest YAML was not parsed');
    return;
  }
  assert.equal(parsed.status, 0, parsed.stderr);
  const doc = JSON.parse(parsed.stdout);
  assert.equal(doc.type, 'Test');
  assert.equal(doc.spec.trigger.type, 'http');
  assert.equal(doc.spec.trigger.httpRequest.url, '${env:BASE_URL}/dispatch?customer=123&nonse=0.43');
  assert.equal(doc.spec.specs[0].selector, 'span[name="HTTP GET /dispatch"]');
  assert.deepEqual(doc.spec.specs[0].assertions.slice(0, 3), [
    'attr:tracetest.selected_spans.count = 1',
    'attr:http.method = "GET"',
    'attr:http.status_code = 200',
  ]);
});
