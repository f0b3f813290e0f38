// The span-by-span diff the generated tests carry (src/fixtures/genShapeDiff.ts): the JavaScript and the
// Python copy, taken from generated tests, give the same lines for the same change — a rename, a missing
// and an unexpected subtree, a changed status and attribute, a longer loop — and nothing for no change.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { generateFixture } = require('../../out/src/fixtures/generate.js');
const { importTraceFile } = require('../../out/src/fixtures/detect.js');

const data = importTraceFile(fs.readFileSync(path.join(__dirname, '..', 'fixtures-data', 'otlp-array.json'))).data;
const row = (depth, name, kind = 'INTERNAL', status = 'UNSET', attributes = {}) => ({ depth, name, kind, status, attributes });
const EXPECTED = [
  row(0, 'GET', 'SERVER', 'UNSET', { 'http.route': '/orders' }),
  row(1, 'auth'),
  row(1, 'fetch item', 'CLIENT'),
  row(1, 'fetch item', 'CLIENT'),
  row(1, 'render'),
  row(2, 'template'),
  row(1, 'cache', 'CLIENT'),
  row(2, 'redis GET', 'CLIENT'),
];
const RECORDED = [
  row(0, 'GET', 'SERVER', 'ERROR', { 'http.route': '/orders/:id' }),
  row(1, 'auth'),
  row(1, 'fetch item', 'CLIENT'),
  row(1, 'fetch item', 'CLIENT'),
  row(1, 'fetch item', 'CLIENT'),
  row(1, 'render page'),
  row(2, 'template'),
  row(1, 'audit', 'PRODUCER'),
];
const WANT = [
  'status: GET: UNSET → ERROR',
  'attribute: GET: http.route "/orders" → "/orders/:id"',
  'missing: GET > cache [CLIENT] (and 1 span below it)',
  'unexpected: GET > fetch item [CLIENT]',
  'unexpected: GET > audit [PRODUCER]',
  'renamed: GET > render page (expected "render")',
];

function jsShapeDiff() {
  const src = generateFixture(data, { format: 'jest', language: 'js' }).text;
  const start = src.indexOf('function shapeDiff');
  const body = src.slice(start, src.indexOf('\n}\n', start) + 3);
  return new Function(`${body}; return shapeDiff;`)();
}

test('the JavaScript shapeDiff names every change, and nothing when the shapes are equal', () => {
  const shapeDiff = jsShapeDiff();
  assert.deepEqual(shapeDiff(EXPECTED, RECORDED).sort(), [...WANT].sort());
  assert.deepEqual(shapeDiff(EXPECTED, EXPECTED), []);
});

test('the Python _shape_diff gives the same lines', (t) => {
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (probe.error) return t.skip('python3 is not installed');
  const src = generateFixture(data, { format: 'pytest' }).text;
  const start = src.indexOf('def _shape_diff');
  const fn = src.slice(start, src.indexOf('\ndef test_produces', start));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-shapediff-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'run.py'), `import json, sys\n${fn}\nargs = json.load(sys.stdin)\nprint(json.dumps(_shape_diff(args[0], args[1])))\n`);
  const r = spawnSync('python3', ['run.py'], { cwd: dir, input: JSON.stringify([EXPECTED, RECORDED]), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).sort(), [...WANT].sort());
});
