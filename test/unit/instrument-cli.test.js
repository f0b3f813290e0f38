// `trace-explorer run` as a command: usage errors, exit codes and signals passed through, and a short script
// whose one fetch still arrives (spans are flushed when the program ends on its own).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startTestReceiver, until } = require('./_receiverHelpers.js');
const { CLI, runTraced, allSpans, tagLines } = require('./_instrumentApps.js');

function cli(args, env = {}, cwd = undefined) {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, 'run', ...args], { cwd, env: { ...process.env, NODE_OPTIONS: '', ...env } });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('exit', (code, signal) => resolve({ code, signal, out, err, child: c }));
  });
}

test('usage errors exit 2 and name the problem; --help exits 0', async () => {
  const cases = [
    [[], /no command to run/],
    [['--mode', 'loud', '--', 'node', '-v'], /--mode must be auto, full, locations or off, got "loud"/],
    [['--endpoint', 'localhost:4318', '--', 'node', '-v'], /--endpoint must be an http\(s\) URL/],
    [['--service'], /--service needs a value/],
    [['--frobnicate', '--', 'node'], /unknown option "--frobnicate"/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.match(r.err, /usage: trace-explorer run/);
  }
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /--endpoint URL/);
});

test("the program's exit code and death by signal come through", async () => {
  const quiet = { TRACE_EXPLORER_QUIET: '1', TRACE_EXPLORER_INSTRUMENT: 'off' };
  const seven = await cli(['--', process.execPath, '-e', 'process.exitCode = 7'], quiet);
  assert.equal(seven.code, 7);
  const killed = await cli(['--', process.execPath, '-e', "process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000)"], quiet);
  assert.equal(killed.signal, 'SIGTERM');
  const missing = await cli(['--', 'no-such-command-te'], quiet);
  assert.equal(missing.code, 127);
  assert.match(missing.err, /cannot start "no-such-command-te"/);
});

test('SIGTERM sent to `run` reaches the program, whose own handler decides', async () => {
  const script = "process.on('SIGTERM', () => { console.log('got it'); process.exit(3); }); console.log('ready'); setTimeout(() => {}, 10000);";
  const c = spawn(process.execPath, [CLI, 'run', '--', process.execPath, '-e', script], { env: { ...process.env, NODE_OPTIONS: '', TRACE_EXPLORER_INSTRUMENT: 'off' } });
  let out = '';
  let sent = false;
  c.stdout.on('data', (d) => {
    out += d;
    if (out.includes('ready') && !sent) {
      sent = true;
      c.kill('SIGTERM');
    }
  });
  const code = await new Promise((resolve) => c.on('exit', (cd) => resolve(cd)));
  assert.match(out, /got it/);
  assert.equal(code, 3);
});

test('a short script that makes one fetch and exits still delivers its span, placed on the fetch line', async () => {
  const rc = await startTestReceiver();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-short-'));
  try {
    const src = `const url = process.argv[2];\nfetch(url).then((r) => r.text()).then(() => console.log('done')); // @fetch\n`;
    const file = path.join(dir, 'script.js');
    fs.writeFileSync(file, src);
    const r = await runTraced(dir, ['--endpoint', `http://127.0.0.1:${rc.httpPort}`, '--service', 'short-script'], [process.execPath, file, `http://127.0.0.1:${rc.httpPort}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /done/);
    const spans = await until(async () => {
      const s = await allSpans(rc.api);
      return s.length ? s : undefined;
    }, 5000, 'the fetch span');
    assert.equal(spans.length, 1);
    assert.equal(spans[0].service, 'short-script');
    assert.equal(spans[0].attrs['code.file.path'], file);
    assert.equal(spans[0].attrs['code.line.number'], tagLines(src).fetch);
  } finally {
    await rc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('TRACE_EXPLORER_INSTRUMENT=off and TRACE_EXPLORER_QUIET=1: the program runs untraced and silent', async () => {
  const r = await cli(['--', process.execPath, '-e', "console.log(typeof globalThis[Symbol.for('opentelemetry.js.api.1')])"], { TRACE_EXPLORER_INSTRUMENT: 'off' });
  assert.equal(r.code, 0);
  assert.equal(r.out.trim(), 'undefined');
  assert.equal(r.err, '');
  const quiet = await cli(['--endpoint', 'http://127.0.0.1:9', '--', process.execPath, '-e', '1'], { TRACE_EXPLORER_QUIET: '1' });
  assert.equal(quiet.code, 0);
  assert.equal(quiet.err, '');
});

test('TRACE_EXPLORER_LOG: diagnostics go to that file, not to the program\'s stderr', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-log-'));
  try {
    const log = path.join(dir, 'runtime.log');
    const r = await cli(['--endpoint', 'http://127.0.0.1:9', '--service', 'logged', '--', process.execPath, '-e', '1'], { TRACE_EXPLORER_LOG: log }, dir);
    assert.equal(r.code, 0);
    assert.equal(r.err, '');
    assert.match(fs.readFileSync(log, 'utf8'), /pid \d+ trace-explorer: tracing logged → http:\/\/127\.0\.0\.1:9 \(full\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
