// `trace-explorer locate`: path mappings from --map, ambiguity without them, argument and file errors —
// through runLocate and once through the bin, as users run it.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { runLocate } = require('../../out/src/cli/locate.js');

const T = '5b8aa5a2d2c872e8321cf37308d69df2';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'te-locate-'));
const ws = path.join(tmp, 'ws');
for (const rel of ['api/src/orders.ts', 'worker/src/orders.ts']) {
  fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
  fs.writeFileSync(path.join(ws, rel), 'export function create() {}\n'.repeat(20));
}
const traceFile = path.join(tmp, 'trace.json');
const span = (id, name, attrs) => ({ traceId: T, spanId: id, name, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000001000000', attributes: attrs });
fs.writeFileSync(traceFile, JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] }, scopeSpans: [{ scope: { name: 's' }, spans: [
  span('1111111111111111', 'create order', [{ key: 'code.file.path', value: { stringValue: '/srv/app/src/orders.ts' } }, { key: 'code.line.number', value: { intValue: '7' } }]),
  span('2222222222222222', 'no signal', []),
] }] }] }));

const run = async (argv) => {
  const out = [];
  const err = [];
  const code = await runLocate(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, lines: out.map((l) => JSON.parse(l)), err: err.join('\n') };
};

test('locate: a path that two folders end with is ambiguous; --map FROM=TO places it', async () => {
  let r = await run([traceFile, '--workspace', ws]);
  assert.equal(r.code, 0, r.err);
  const [placed, none] = r.lines;
  assert.equal(placed.file, null);
  assert.equal(placed.reason, 'ambiguous');
  assert.equal(none.file, null);
  r = await run([traceFile, '--workspace', ws, '--map', `/srv/app=${path.join(ws, 'worker')}`]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual({ file: r.lines[0].file, line: r.lines[0].line, spanId: r.lines[0].spanId, traceId: r.lines[0].traceId }, { file: 'worker/src/orders.ts', line: 7, spanId: '1111111111111111', traceId: T });
  assert.ok(r.lines[0].confidence > 0.5);
  // the same with --map=… and a TO relative to the workspace (as in the README's `--map /app=src`)
  r = await run([traceFile, '--workspace', ws, '--map=/srv/app=api']);
  assert.equal(r.lines[0].file, 'api/src/orders.ts');
});

test('locate: bad arguments, a missing file and a broken trace file are clear errors (exit 2)', async () => {
  for (const [argv, want] of [
    [[traceFile], /--workspace/],
    [[traceFile, '--workspace', ws, '--map', 'no-equals-sign'], /--map needs FROM=TO/],
    [[traceFile, '--workspace', path.join(tmp, 'nope')], /is not a directory/],
    [[path.join(tmp, 'missing.json'), '--workspace', ws], /cannot read .*missing\.json: ENOENT/],
  ]) {
    const r = await run(argv);
    assert.equal(r.code, 2, JSON.stringify(argv));
    assert.match(r.err, want);
    assert.equal(r.lines.length, 0);
  }
  const broken = path.join(tmp, 'broken.json');
  fs.writeFileSync(broken, '{"resourceSpans": [');
  const r = await run([broken, '--workspace', ws]);
  assert.equal(r.code, 2);
  assert.match(r.err, /broken\.json/);
});

test('locate through the trace-explorer bin prints one JSON line per span', () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'trace-explorer.js');
  const out = execFileSync(process.execPath, [bin, 'locate', traceFile, '--workspace', ws, '--map', `/srv/app=${path.join(ws, 'api')}`], { encoding: 'utf8' });
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.file), ['api/src/orders.ts', null]);
  const bad = spawnSync(process.execPath, [bin, 'locate'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /usage: trace-explorer locate/);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
