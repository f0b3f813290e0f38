// Finding, starting, sharing and restarting the real receiver process (dist/receiver.js) the way editor
// windows do, from plain Node: two "windows" are two ReceiverProcess objects on one storage folder.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const { join } = require('node:path');
const { ReceiverProcess, readState, parseListeningLine, receiverArgv, matches, settingsDifferences, compareVersions, isAlive } = require('../../out/src/host/receiverProcess.js');

const SCRIPT = join(__dirname, '..', '..', 'dist', 'receiver.js');
const quiet = { info() {}, warn() {}, debug() {} };
const started = new Set();
const settings = (over = {}) => ({
  host: '127.0.0.1', httpPort: 0, grpcPort: 0, maxSpans: 10_000, maxBytes: 64 * 1024 * 1024, maxBody: 1024 * 1024,
  cors: ['http://localhost:*'], idleExitMs: 30_000, ...over,
});
const storage = () => fs.mkdtempSync(join(os.tmpdir(), 'te-recv-'));
const windowOn = (dir) => new ReceiverProcess(dir, process.execPath, SCRIPT, quiet);
const track = (c) => { started.add(c.health.pid); return c; };

after(async () => {
  for (const pid of started) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
});

test('argv carries every receiver setting', () => {
  assert.deepEqual(receiverArgv(settings({ cors: ['http://a:*', 'http://b'] }), '/s/receiver.json'), [
    '--host', '127.0.0.1', '--http-port', '0', '--grpc-port', '0', '--max-spans', '10000', '--max-bytes', String(64 * 1024 * 1024),
    '--max-body', String(1024 * 1024), '--cors', 'http://a:*,http://b', '--state-file', '/s/receiver.json', '--idle-exit-ms', '30000',
  ]);
});

test('listening lines and state files are checked before use', () => {
  assert.equal(parseListeningLine('receiver starting'), undefined);
  assert.equal(parseListeningLine('{"event":"listening","api":"x","token":"t"}'), undefined);
  assert.deepEqual(parseListeningLine('{"event":"listening","http":null,"grpc":4317,"api":5000,"token":"abc","pid":7}').http, null);
  const dir = storage();
  const f = join(dir, 'receiver.json');
  assert.equal(readState(f), undefined, 'missing');
  fs.writeFileSync(f, '{"pid":12,"apiPort":5');
  assert.equal(readState(f), undefined, 'half written');
  fs.writeFileSync(f, '{"pid":12,"apiPort":5000}');
  assert.equal(readState(f), undefined, 'no token');
  fs.writeFileSync(f, '{"pid":12,"apiPort":5000,"token":"abc"}');
  assert.equal(readState(f).apiPort, 5000);
  assert.ok(compareVersions('0.10.0', '0.9.9') > 0);
  assert.equal(compareVersions('1.2', '1.2.0'), 0);
});

test('the first window starts the receiver, the second connects to the same one', { timeout: 30_000 }, async () => {
  const dir = storage();
  const w1 = windowOn(dir);
  const a = track(await w1.connectOrStart(settings()));
  assert.equal(a.started, true);
  assert.ok(a.health.http.listening && a.health.grpc.listening);
  const st = fs.statSync(join(dir, 'receiver.json'));
  assert.equal(st.mode & 0o777, 0o600, 'the state file (it holds the token) is private');
  assert.ok(!fs.existsSync(join(dir, 'receiver.lock')), 'the start lock is released');
  const b = await windowOn(dir).connectOrStart(settings());
  assert.equal(b.started, false);
  assert.equal(b.health.pid, a.health.pid);
  assert.match(fs.readFileSync(join(dir, 'receiver.log'), 'utf8'), /"event":"listening"/);
  a.client.dispose();
  b.client.dispose();
  await w1.stop(a.health.pid);
  assert.ok(!isAlive(a.health.pid));
  assert.equal(readState(join(dir, 'receiver.json')), undefined, 'state file gone with the receiver');
});

test('two windows starting at the same moment share one receiver', { timeout: 30_000 }, async () => {
  const dir = storage();
  const [a, b] = await Promise.all([windowOn(dir).connectOrStart(settings()), windowOn(dir).connectOrStart(settings())]);
  track(a);
  track(b);
  assert.equal(a.health.pid, b.health.pid);
  assert.equal([a.started, b.started].filter(Boolean).length, 1);
  a.client.dispose();
  b.client.dispose();
  await windowOn(dir).stop(a.health.pid);
});

test('a stale state file and a stale lock left by crashed processes are ignored', { timeout: 30_000 }, async () => {
  const dir = storage();
  // a pid that does not exist: start and reap a short-lived process
  const { spawnSync } = require('node:child_process');
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  fs.writeFileSync(join(dir, 'receiver.json'), JSON.stringify({ pid: Number(dead), apiPort: 1, token: 'x'.repeat(10) }));
  fs.writeFileSync(join(dir, 'receiver.lock'), dead);
  const w = windowOn(dir);
  const c = track(await w.connectOrStart(settings()));
  assert.equal(c.started, true);
  assert.notEqual(c.health.pid, Number(dead));
  c.client.dispose();
  await w.stop(c.health.pid);
});

test('a port held by another program: the receiver still runs and says which port', { timeout: 30_000 }, async () => {
  const blocker = net.createServer();
  await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
  const taken = blocker.address().port;
  try {
    const dir = storage();
    const w = windowOn(dir);
    const c = track(await w.connectOrStart(settings({ httpPort: taken })));
    assert.equal(c.health.http.listening, false);
    assert.equal(c.health.http.port, taken);
    assert.match(c.health.http.error, /EADDRINUSE/);
    assert.equal(c.health.grpc.listening, true, 'the other port still opens');
    assert.ok(Array.isArray(await c.client.traces()), 'the API still answers');
    c.client.dispose();
    await w.stop(c.health.pid);
  } finally {
    blocker.close();
  }
});

test('restart replaces the receiver with the new settings; a fresh matching one is kept', { timeout: 30_000 }, async () => {
  const dir = storage();
  const w1 = windowOn(dir);
  const a = track(await w1.connectOrStart(settings()));
  a.client.dispose();
  const b = track(await w1.restart(settings({ maxSpans: 20_000 }), Date.now()));
  assert.notEqual(b.health.pid, a.health.pid);
  assert.equal(b.health.maxSpans, 20_000);
  assert.ok(!isAlive(a.health.pid), 'the old receiver is gone');
  assert.ok(matches(b.health, settings({ maxSpans: 20_000 })));
  // a window whose settings ask for other limits, origins and idle time is told each difference
  assert.deepEqual(settingsDifferences(b.health, settings({ maxBody: 2048, cors: [], idleExitMs: 5000 })), [
    'at most 10,000 spans (it keeps 20,000)',
    'requests up to 2,048 bytes (it takes 1,048,576)',
    'browser origins none (it allows http://localhost:*)',
    'an idle exit after 5 s (it has 30 s)',
  ]);
  // a second window reacting to the same settings change keeps the receiver the first one just started
  const c = await windowOn(dir).restart(settings({ maxSpans: 20_000 }), b.health.startedAt - 1);
  assert.equal(c.health.pid, b.health.pid);
  b.client.dispose();
  c.client.dispose();
  await w1.stop(b.health.pid);
});

test('a running receiver matches settings only with the same host, limits and usable ports', () => {
  const ps = (port, listening = true) => ({ port, listening });
  const h = { host: '127.0.0.1', http: ps(4318), grpc: ps(4317, false), maxSpans: 10_000, maxBytes: 64 * 1024 * 1024 };
  assert.ok(matches(h, settings({ httpPort: 4318, grpcPort: 4317 })), 'the asked port, even in conflict: restarting cannot help');
  assert.ok(!matches(h, settings({ httpPort: 4318, grpcPort: 0 })), 'port 0 asks for any port that listens');
  assert.ok(matches({ ...h, grpc: ps(39999) }, settings({ httpPort: 0, grpcPort: 0 })));
  assert.ok(!matches(h, settings({ httpPort: 4318, grpcPort: 4317, maxSpans: 5 })));
  assert.ok(!matches(h, settings({ httpPort: 4318, grpcPort: 4317, host: '0.0.0.0' })));
  assert.deepEqual(settingsDifferences(h, settings({ httpPort: 14318, grpcPort: 0, host: '0.0.0.0', maxBytes: 128 * 1024 * 1024 })), [
    'host 0.0.0.0 (it has 127.0.0.1)',
    'OTLP/HTTP port 14318 (it has 4318)',
    'OTLP/gRPC port any free one (it has 4317)',
    '128 MB of spans (it keeps 64 MB)',
  ]);
  // a receiver from before it reported body limit, origins and idle time is not compared on them
  assert.deepEqual(settingsDifferences(h, settings({ httpPort: 4318, grpcPort: 4317, maxBody: 1, cors: [] })), []);
});

test('a missing receiver program is a clear error', async () => {
  const w = new ReceiverProcess(storage(), process.execPath, '/nonexistent/receiver.js', quiet);
  await assert.rejects(w.connectOrStart(settings()), /receiver program is missing: \/nonexistent\/receiver\.js/);
});

test('a receiver that exits at once reports its own message', { timeout: 30_000 }, async () => {
  const w = windowOn(storage());
  await assert.rejects(w.connectOrStart(settings({ maxSpans: 0 })), /exited \(code 2\) before listening[\s\S]*--max-spans must be between/);
});

test('restart signals only our receiver: a stale state file naming a reused pid leaves that process alone', { timeout: 30_000 }, async () => {
  const { spawn } = require('node:child_process');
  const { isReceiverProcess } = require('../../out/src/host/receiverProcess.js');
  const dir = storage();
  // an unrelated process holding the pid a crashed receiver's state file names
  const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    const closedPort = await new Promise((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    });
    const stateFile = join(dir, 'receiver.json');
    fs.writeFileSync(stateFile, JSON.stringify({ pid: stranger.pid, apiPort: closedPort, token: 'stale-token-123' }), { mode: 0o600 });
    assert.equal(isReceiverProcess(stranger.pid, SCRIPT, stateFile), false);
    const w = windowOn(dir);
    const c = track(await w.restart(settings(), Date.now()));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(isAlive(stranger.pid), true, 'the unrelated process was not signalled');
    assert.equal(stranger.exitCode, null);
    assert.equal(stranger.signalCode, null);
    assert.notEqual(c.health.pid, stranger.pid);
    assert.equal(isReceiverProcess(c.health.pid, SCRIPT, stateFile), true, 'the new receiver is recognised by its command line');
    assert.equal(isReceiverProcess(c.health.pid, SCRIPT, join(dir, 'other.json')), false, 'another state file: not ours');
  } finally {
    stranger.kill('SIGKILL');
  }
});
