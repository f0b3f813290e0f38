// `trace-explorer diff` as a real process: its output and exit codes (0 same, 1 different, 2 bad input) for
// trace files recorded with the OpenTelemetry SDK, and for trace ids held by a running receiver.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { recordRequest } = require('./diff-helpers.js');
const { startTestReceiver } = require('./_receiverHelpers.js');

const ROOT = path.join(__dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-diff-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'trace-explorer.js'), 'diff', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // no editor's state file: a test never talks to a receiver it did not start
      env: { ...process.env, HOME: dir, TRACE_EXPLORER_STATE_FILE: path.join(dir, 'none.json'), ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

const files = {};
test.before(async () => {
  const write = (name, r) => {
    files[name] = path.join(dir, `${name}.json`);
    fs.writeFileSync(files[name], JSON.stringify(r.data));
    return r;
  };
  write('base', await recordRequest());
  write('slow', await recordRequest({ slowMs: 80 }));
  write('retry', await recordRequest({ retry: true }));
  const x = await recordRequest();
  const y = await recordRequest({ items: 5 });
  files.both = path.join(dir, 'both.json');
  fs.writeFileSync(files.both, JSON.stringify({ resourceSpans: [...x.data.resourceSpans, ...y.data.resourceSpans] }));
  files.bothIds = [x.traceIds[0], y.traceIds[0]];
  files.notTrace = path.join(dir, 'not-a-trace.json');
  fs.writeFileSync(files.notTrace, '{"hello": 1}');
});

test('the same trace file twice: exit 0, "the same"', async () => {
  const r = await cli([files.base, files.base]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Structure: the same \(9 spans matched\)/);
  assert.match(r.out, /Result: SAME/);
});

test('a slower step: exit 1, the slow span listed first; --threshold high enough passes', async () => {
  const r = await cli([files.base, files.slow]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /Slower \(by own time\):\n {2}GET \/orders > render: /);
  const lenient = await cli([files.base, files.slow, '--threshold', '100000%']);
  assert.equal(lenient.code, 0, lenient.out);
  const minDelta = await cli([files.base, files.slow, '--min-delta=500ms']);
  assert.equal(minDelta.code, 0, minDelta.out);
});

test('an extra span: exit 1 whatever the threshold; markdown and JSON formats', async () => {
  const md = await cli([files.base, files.retry, '--format', 'markdown', '--threshold', '100000%']);
  assert.equal(md.code, 1);
  assert.match(md.out, /\*\*Structure differs\*\*: 9 matched, 1 added/);
  assert.match(md.out, /- added: GET \/orders \\> GET \/inventory \\\[shop\\\]/);
  const json = await cli([files.base, files.retry, '--format=json']);
  assert.equal(json.code, 1);
  const j = JSON.parse(json.out);
  assert.equal(j.counts.added, 1);
  assert.equal(j.verdict.structureDiffers, true);
  assert.equal(j.rows.find((r) => r.kind === 'added').b.error, true);
});

test('a file with two traces: FILE#TRACEID picks one; without it, exit 2 naming the ids', async () => {
  const [x, y] = files.bothIds;
  const r = await cli([`${files.both}#${x}`, `${files.both}#${y}`]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /9 matched, 2 added/);
  const ambiguous = await cli([files.both, files.base]);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.err, new RegExp(`holds 2 traces; pick one as .*#TRACEID \\(${x}, ${y}\\)`));
  const wrongId = await cli([`${files.both}#${'0'.repeat(32)}`, files.base]);
  assert.equal(wrongId.code, 2);
  assert.match(wrongId.err, /holds no trace 0{32}/);
});

test('bad input: exit 2 with a message saying what is wrong', async () => {
  const missing = await cli([path.join(dir, 'nope.json'), files.base]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read .*nope\.json: no such file \(and it is not a 32-digit hex trace id\)/);
  const notTrace = await cli([files.notTrace, files.base]);
  assert.equal(notTrace.code, 2);
  assert.match(notTrace.err, /not-a-trace\.json: Not a trace file: found a JSON object with keys "hello"/);
  const one = await cli([files.base]);
  assert.equal(one.code, 2);
  assert.match(one.err, /needs two traces to compare, got 1/);
  const fmt = await cli([files.base, files.base, '--format', 'html']);
  assert.equal(fmt.code, 2);
  const thr = await cli([files.base, files.base, '--threshold', 'lots']);
  assert.equal(thr.code, 2);
  assert.match(thr.err, /--threshold must be a percentage such as 20%/);
  const noReceiver = await cli(['a'.repeat(32), files.base]);
  assert.equal(noReceiver.code, 2);
  assert.match(noReceiver.err, /no running receiver found/);
});

test('trace ids in a running receiver: found through the state file, or --api and --token-file', async () => {
  const rx = await startTestReceiver();
  try {
    const base = JSON.parse(fs.readFileSync(files.base, 'utf8'));
    const slow = JSON.parse(fs.readFileSync(files.slow, 'utf8'));
    const [idA] = (await rx.api.importOtlp(base, { source: 'otlp' })).traceIds;
    const [idB] = (await rx.api.importOtlp(slow, { source: 'otlp' })).traceIds;
    const stateFile = path.join(dir, 'receiver.json');
    fs.writeFileSync(stateFile, JSON.stringify({ pid: process.pid, apiPort: rx.r.apiPort, token: rx.r.token }), { mode: 0o600 });
    const viaState = await cli([idA, idB], { TRACE_EXPLORER_STATE_FILE: stateFile });
    assert.equal(viaState.code, 1, viaState.err);
    assert.match(viaState.out, new RegExp(`A: trace ${idA} — 9 spans`));
    assert.match(viaState.out, /Slower \(by own time\):\n {2}GET \/orders > render: /);
    // a trace id on one side, a file on the other
    const same = await cli([idA, files.base], { TRACE_EXPLORER_STATE_FILE: stateFile });
    assert.equal(same.code, 0, same.out + same.err);
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, `${rx.r.token}\n`);
    const viaApi = await cli([idA, idB, '--api', `http://127.0.0.1:${rx.r.apiPort}`, '--token-file', tokenFile]);
    assert.equal(viaApi.code, 1, viaApi.err);
    const unknown = await cli([idA, 'b'.repeat(32), '--api', String(rx.r.apiPort), '--token-file', tokenFile]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /holds no trace b{32}/);
  } finally {
    await rx.close();
  }
});

test('the command is listed in trace-explorer --help; diff --help exits 0 with its usage', async () => {
  const main = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'trace-explorer.js'), '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => resolve({ code, out }));
  });
  assert.equal(main.code, 0);
  assert.match(main.out, /\n {2}diff +compare two traces/);
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /usage: trace-explorer diff <a> <b> \[options\]/);
});
