// A database client through `trace-explorer run`: an unmodified Express app that talks to a real Redis
// (Debian's redis-server, installed by scripts/setup-e2e.sh) with ioredis. Each command's client span lands
// on the app's line that sent it, through the patched `sendCommand` (the runtime's entry points), and the
// handler span on the handler — from the first request to the last, as capture switches to the call.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { spawn, execFileSync } = require('node:child_process');
const { startTestReceiver, until } = require('./_receiverHelpers.js');
const { runTraced, allSpans, tagLines, ROOT } = require('./_instrumentApps.js');

const CLIENT = 3;

function redisServerPath() {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const bin = redisServerPath();
  // a missing server fails the test (never a skip): `bash scripts/setup-e2e.sh` installs it
  assert.ok(bin, 'redis-server is not installed: run `bash scripts/setup-e2e.sh` (apt-get install redis-server)');
  const port = await freePort();
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await until(() => new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
    c.on('error', () => resolve(false));
  }), 10000, 'redis-server listening');
  return { port, stop: () => child.kill('SIGKILL') };
}

const APP = (redisPort) => `const express = require('express');
const Redis = require('ioredis');
const redis = new Redis({ port: ${redisPort}, host: '127.0.0.1', lazyConnect: true });
const app = express();
app.get('/count/:key', async function count(req, res) { // @handler
  const n = await redis.incr('hits:' + req.params.key); // @incr
  await redis.expire('hits:' + req.params.key, 60); // @expire
  res.json({ n });
});
const server = app.listen(0, '127.0.0.1', async () => {
  await redis.connect();
  const base = 'http://127.0.0.1:' + server.address().port;
  for (let i = 0; i < 12; i++) await (await fetch(base + '/count/k' + (i % 3))).text();
  redis.disconnect();
  server.close();
});
`;

test('ioredis commands point at the app lines that sent them, on every request', async () => {
  const redis = await startRedis();
  const rc = await startTestReceiver();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-redis-app-'));
  try {
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'redis-app', private: true }));
    const file = path.join(dir, 'app.js');
    fs.writeFileSync(file, APP(redis.port));
    const tags = tagLines(fs.readFileSync(file, 'utf8'));
    const r = await runTraced(dir, ['--endpoint', `http://127.0.0.1:${rc.httpPort}`], [process.execPath, file]);
    assert.equal(r.code, 0, `app exited ${r.code}: ${r.stderr}`);
    const spans = await until(async () => {
      const s = await allSpans(rc.api);
      return s.filter((x) => x.scope === '@opentelemetry/instrumentation-ioredis').length >= 24 ? s : undefined;
    }, 15000, 'the 24 redis command spans');
    const commands = spans.filter((x) => x.scope === '@opentelemetry/instrumentation-ioredis');
    assert.ok(commands.every((s) => s.kind === CLIENT));
    const byName = (name) => commands.filter((s) => s.name === name);
    for (const [name, tag] of [['incr', 'incr'], ['expire', 'expire']]) {
      const list = byName(name);
      assert.equal(list.length, 12, `${name} spans: ${commands.map((s) => s.name).join(',')}`);
      for (const s of list) {
        assert.equal(s.attrs['code.file.path'], file, `${name}: ${JSON.stringify(s.attrs)}`);
        assert.equal(s.attrs['code.line.number'], tags[tag], `${name} on the line of @${tag}`);
      }
    }
    const handlers = spans.filter((s) => s.name.startsWith('request handler'));
    assert.equal(handlers.length, 12);
    assert.ok(handlers.every((s) => s.attrs['code.line.number'] === tags.handler));
  } finally {
    await rc.close();
    redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
