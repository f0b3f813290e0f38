// Span text cannot smuggle anything into a generated file. A corpus of hostile names (line breaks of every
// language, control characters, comment and string terminators, YAML syntax, invisible characters) goes
// into span names, attribute keys and values, the service name, the request method and path, and the
// origin; each output is then read by a real parser for its language — the `yaml` package (YAML 1.2) and
// PyYAML (1.1) when installed, Python's own `ast`, the TypeScript compiler — and must have exactly the
// structure of the same file generated from harmless names, with every value read back unchanged.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const vm = require('node:vm');
const { spawnSync } = require('node:child_process');
const YAML = require('yaml');
const ts = require('typescript');

const root = path.join(__dirname, '..', '..');
const { generateFixture } = require(path.join(root, 'out/src/fixtures/generate.js'));

const HOSTILE = [
  'NEL\u0085type: Hijacked',
  'line\u2028separator',
  'paragraph\u2029separator',
  'nul\u0000byte',
  'del\u007fchar',
  'c1\u0080\u009b[31mred',
  'esc\u001b[2Jclear',
  'cr\rlf\nnext: line',
  'tab\there',
  '*/ globalThis.pwned = 1; /*',
  '"""\nimport os\nos.system("id")\n"""',
  "'''",
  'back\\slash\\',
  'quote" + "',
  '${env:HOME}',
  '`${process.exit(1)}`',
  'key: value',
  '- item',
  '&anchor',
  '*alias',
  '!!python/object:os.system',
  '{flow: map}',
  '[flow, seq]',
  '# not a comment',
  '%YAML 1.2',
  '@at',
  '| literal',
  '> folded',
  '~',
  'null',
  'yes',
  ' leading space',
  'trailing space ',
  'lone \ud800 high',
  'lone \udfff low',
  'emoji 😀 astral',
  'bidi \u202e evil \u202c \u2066x\u2069',
  '\ufeffbom',
  'non\ufffe\uffffchars',
  'arabic mark \u061c',
];

/** what a parser reads back: a lone surrogate cannot be written as UTF-8 in YAML, so it is U+FFFD there */
const wellFormed = (s) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const id = (i) => (i + 1).toString(16).padStart(16, '0');

/** A SERVER root serving `method path`, one child per name, each with a hostile key and value. */
function trace(names, method, urlPath, service) {
  const spans = [
    {
      traceId: TRACE, spanId: id(0), name: names[0], kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000',
      attributes: [
        { key: 'http.request.method', value: { stringValue: method } },
        { key: 'url.path', value: { stringValue: urlPath } },
        { key: 'x-auth\ntoken', value: { stringValue: 'hunter2-secret-value' } },
      ],
    },
  ];
  names.forEach((name, i) => {
    spans.push({
      traceId: TRACE, spanId: id(i + 1), parentSpanId: id(0), name, kind: 1,
      startTimeUnixNano: String(1700000000000000000n + BigInt(i + 1) * 1000n), endTimeUnixNano: String(1700000000000000000n + BigInt(i + 2) * 1000n),
      attributes: [{ key: `k.${name}`, value: { stringValue: name } }, { key: 'list', value: { arrayValue: { values: [{ stringValue: name }] } } }],
    });
  });
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] }] };
}

const hostileMethod = 'GET\u0085url: http://evil.example/\n      headers: []';
const hostilePath = '/x"\n      url: http://evil.example/\u2028\u0085';
const hostileService = 'svc\u0000nul\u007fdel\u009bc1\u0085# more\nEVIL: 1\u2028*/ pwned() /*"""';
const hostileOrigin = 'trace\u0085type: Hijacked\u0000\r\n*/ pwned(); /*"""\\';
const benignNames = HOSTILE.map((_, i) => `name${i}`);

function outputs(names, method, urlPath, service, origin) {
  const data = trace(names, method, urlPath, service);
  const o = { keepAttributes: ['*'], origin };
  return {
    tracetest: generateFixture(data, { ...o, format: 'tracetest' }).text,
    pytest: generateFixture(data, { ...o, format: 'pytest' }).text,
    ts: generateFixture(data, { ...o, format: 'vitest', language: 'ts' }).text,
    js: generateFixture(data, { ...o, format: 'jest', language: 'js' }).text,
    json: generateFixture(data, { ...o, format: 'otlp-json' }).text,
  };
}
const hostile = outputs(HOSTILE, hostileMethod, hostilePath, hostileService, hostileOrigin);
const benign = outputs(benignNames, 'GET', '/x', 'svc', 'trace');

// raw characters no generated file may hold (tab and LF are the only controls written)
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

test('no generated file holds a raw control, line-separator or invisible character', () => {
  for (const [format, text] of Object.entries(hostile)) {
    const m = INVISIBLE.exec(text.replace(/\t/g, ' '));
    assert.equal(m, null, `${format}: U+${m && m[0].codePointAt(0).toString(16).padStart(4, '0')} at ${m && JSON.stringify(text.slice(m.index - 40, m.index + 10))}`);
  }
});

/** keys of every mapping, recursively: the structure of a YAML document */
function yamlStructure(v) {
  if (Array.isArray(v)) return v.map(yamlStructure);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, yamlStructure(x)]));
  return typeof v;
}

test('Tracetest YAML: a YAML 1.2 parser reads the structure of the harmless file and every value unchanged', () => {
  const doc = YAML.parseDocument(hostile.tracetest, { version: '1.2', uniqueKeys: true });
  assert.deepEqual(doc.errors, []);
  assert.deepEqual(doc.warnings, []);
  const v = doc.toJS();
  assert.deepEqual(yamlStructure(v), yamlStructure(YAML.parse(benign.tracetest)), 'the same keys, lists and scalar types');
  assert.equal(v.type, 'Test');
  assert.equal(v.spec.trigger.httpRequest.method, hostileMethod.toUpperCase(), 'the method is one quoted value');
  assert.equal(v.spec.trigger.httpRequest.url, `\${env:BASE_URL}${hostilePath}`);
  const specNames = v.spec.specs.map((s) => s.name);
  for (const name of HOSTILE) assert.ok(specNames.includes(`${wellFormed(HOSTILE[0])} > ${wellFormed(name)}`), JSON.stringify(name));
  // the header comment stayed a comment, on as many lines as the harmless one's
  const lines = hostile.tracetest.split('\n');
  assert.equal(lines.indexOf('type: Test'), benign.tracetest.split('\n').indexOf('type: Test'));
  for (const line of lines.slice(0, lines.indexOf('type: Test'))) assert.match(line, /^# /);
  assert.match(lines[0], /^# Tracetest test generated by Trace Explorer from trace type: Hijacked /);
});

test('Tracetest YAML: PyYAML (YAML 1.1, where NEL and U+2028 break lines) reads it the same', (t) => {
  const r = spawnSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'], { input: hostile.tracetest, encoding: 'utf8' });
  if (/No module named 'yaml'/.test(r.stderr)) {
    t.skip('PyYAML is not installed');
    return;
  }
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), YAML.parse(hostile.tracetest));
});

test("pytest: Python's own parser reads the harmless module's structure and every name unchanged", () => {
  const script = [
    'import ast, json, sys',
    'tree = ast.parse(sys.stdin.buffer.read())',
    'doc = ast.get_docstring(tree)',
    'def describe(node):',
    '    if isinstance(node, (ast.FunctionDef, ast.ClassDef)): return node.__class__.__name__ + " " + node.name',
    '    if isinstance(node, ast.Assign): return "assign " + ",".join(ast.unparse(t) for t in node.targets)',
    '    return node.__class__.__name__',
    'values = {}',
    'for node in tree.body:',
    '    if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) in ("EXPECTED", "BUDGETS"):',
    '        values[ast.unparse(node.targets[0])] = ast.literal_eval(node.value)',
    'print(json.dumps({"doc": doc, "body": [describe(n) for n in tree.body], "values": values}))',
  ].join('\n');
  const read = (text) => {
    const r = spawnSync('python3', ['-c', script], { input: text, encoding: 'utf8' });
    assert.equal(r.error, undefined, 'python3 is needed');
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const h = read(hostile.pytest);
  const b = read(benign.pytest);
  assert.deepEqual(h.body, b.body, 'the same top-level statements');
  assert.equal(h.doc.split('\n').length, b.doc.split('\n').length, 'the docstring kept its lines');
  const names = h.values.EXPECTED.map((r) => r.name);
  assert.deepEqual(names.slice(1), HOSTILE, 'every name reads back unchanged');
  assert.deepEqual(Object.keys(h.values.EXPECTED[1].attributes).sort(), ['k.' + HOSTILE[0], 'list'].sort());
  assert.equal(h.values.EXPECTED[0].depth, 0);
});

for (const lang of ['ts', 'js']) {
  test(`${lang === 'ts' ? 'Vitest TypeScript' : 'Jest JavaScript'}: the TypeScript compiler reads the harmless file's structure and every name unchanged`, () => {
    const read = (text) => {
      const sf = ts.createSourceFile(`t.test.${lang}`, text, ts.ScriptTarget.Latest, true, lang === 'ts' ? ts.ScriptKind.TS : ts.ScriptKind.JS);
      const diagnostics = sf.parseDiagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      const comments = (ts.getLeadingCommentRanges(text, 0) ?? []).map((c) => text.slice(c.pos, c.end));
      let expected;
      const body = sf.statements.map((st) => {
        if (ts.isVariableStatement(st)) {
          const d = st.declarationList.declarations[0];
          if (d.name.getText(sf) === 'expected') expected = JSON.parse(vm.runInNewContext(`JSON.stringify(${d.initializer.getText(sf)})`));
          return `var ${d.name.getText(sf)}`;
        }
        if (ts.isFunctionDeclaration(st) || ts.isInterfaceDeclaration(st)) return `${ts.SyntaxKind[st.kind]} ${st.name.text}`;
        return ts.SyntaxKind[st.kind];
      });
      return { diagnostics, comments, body, expected };
    };
    const h = read(hostile[lang]);
    const b = read(benign[lang]);
    assert.deepEqual(h.diagnostics, []);
    assert.deepEqual(h.body, b.body, 'the same top-level statements');
    assert.equal(h.comments.length, b.comments.length, 'the header comment kept its lines');
    for (const c of h.comments) assert.ok(c.startsWith('//') && !c.includes('\n'), c);
    assert.deepEqual(h.expected.map((r) => r.name).slice(1), HOSTILE, 'every name reads back unchanged');
    assert.equal(h.expected[1].attributes[`k.${HOSTILE[0]}`], HOSTILE[0]);
  });
}

test('a secret whose key holds a line break is still redacted', () => {
  for (const [format, text] of Object.entries(hostile)) assert.ok(!text.includes('hunter2'), format);
});

test('OTLP JSON fixture: JSON.parse reads every name back unchanged', () => {
  const spans = JSON.parse(hostile.json).resourceSpans[0].scopeSpans[0].spans;
  assert.deepEqual(spans.map((s) => s.name).slice(1).sort(), [...HOSTILE].sort());
});
