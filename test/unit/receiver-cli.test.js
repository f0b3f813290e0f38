// Headless: `trace-explorer receive` and `node dist/receiver.js` as real processes — the listening line,
// spans in, the query API with and without the token, the state file, idle exit, port conflicts.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { request, until } = require('./_receiverHelpers.js');
const { portProblem, portProblems } = require('../../out/src/protocol/api.js');

const ROOT = path.join(__dirname, '..', '..');

function start(args, script = path.join(ROOT, 'bin', 'trace-explorer.js')) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  const line = new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${err}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, line, exited, stderr: () => err };
}

test('trace-explorer receive: listening line, spans in, API with and without token', async () => {
  const p = start(['receive', '--http-port', '0', '--grpc-port', '0', '--max-spans', '5000', '--token', 'cli-test-token']);
  try {
    const line = await p.line;
    assert.equal(line.event, 'listening');
    assert.ok(line.http > 0 && line.grpc > 0 && line.api > 0);
    assert.equal(line.token, 'cli-test-token');
    assert.equal(line.pid, p.child.pid);

    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'cli-app' }),
      spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${line.http}/v1/traces` }) })],
    });
    const span = provider.getTracer('t').startSpan('work', { attributes: { n: 1 } });
    span.end();
    await provider.forceFlush();
    await provider.shutdown();
    const traceId = span.spanContext().traceId;

    const noToken = await request(line.api, 'GET', '/api/traces');
    assert.equal(noToken.status, 401);
    const auth = { authorization: `Bearer ${line.token}` };
    const list = JSON.parse((await request(line.api, 'GET', '/api/traces', auth)).body);
    const s = list.find((x) => x.traceId === traceId);
    assert.ok(s, 'trace listed');
    for (const k of ['traceId', 'rootName', 'rootService', 'services', 'spanCount', 'errorCount', 'startTimeUnixNano', 'durationNano']) assert.ok(k in s, k);
    assert.equal(typeof s.startTimeUnixNano, 'string');
    assert.equal(s.rootService, 'cli-app');
    const t = JSON.parse((await request(line.api, 'GET', `/api/traces/${traceId}`, auth)).body);
    assert.equal(t.resourceSpans[0].scopeSpans[0].spans[0].name, 'work');
    const h = JSON.parse((await request(line.api, 'GET', '/api/health', auth)).body);
    assert.equal(h.maxSpans, 5000);
  } finally {
    p.child.kill('SIGTERM');
  }
  const { code } = await p.exited;
  assert.equal(code, 0);
});

test('CLI usage lists the commands; unknown command and bad options exit 2', async () => {
  const run = (args) => new Promise((resolve) => {
    const c = spawn(process.execPath, [path.join(ROOT, 'bin', 'trace-explorer.js'), ...args]);
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('exit', (code) => resolve({ code, out }));
  });
  const none = await run([]);
  assert.equal(none.code, 2);
  assert.match(none.out, /commands:[\s\S]*receive/);
  const unknown = await run(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.out, /unknown command "frobnicate"/);
  const bad = await run(['receive', '--http-port', 'abc']);
  assert.equal(bad.code, 2);
  assert.match(bad.out, /--http-port needs a whole number/);
});

test('dist/receiver.js: state file (0600), idle exit after the last event client, file removed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-recv-'));
  const stateFile = path.join(dir, 'receiver.json');
  const p = start(['--http-port', '0', '--grpc-port', '0', '--state-file', stateFile, '--idle-exit-ms', '400'], path.join(ROOT, 'dist', 'receiver.js'));
  const line = await p.line;
  const st = fs.statSync(stateFile);
  assert.equal(st.mode & 0o777, 0o600);
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  assert.deepEqual({ pid: state.pid, apiPort: state.apiPort, token: state.token, http: state.http, grpc: state.grpc }, { pid: line.pid, apiPort: line.api, token: line.token, http: line.http, grpc: line.grpc });
  assert.equal(typeof state.version, 'string');
  // an event-stream client keeps it alive past the idle time
  const { ApiClient } = require('../../out/src/receiver/apiClient.js');
  const api = new ApiClient({ port: line.api, token: line.token });
  const sub = api.events(() => undefined, () => undefined);
  await new Promise((r) => setTimeout(r, 900));
  assert.equal(p.child.exitCode, null, 'still running while a client is connected');
  sub.close();
  api.dispose();
  const { code } = await p.exited;
  assert.equal(code, 0);
  assert.equal(fs.existsSync(stateFile), false, 'state file removed on exit');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('port taken: the receiver still runs, the API works and health names the conflict', async () => {
  const blocker = net.createServer();
  await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
  const taken = blocker.address().port;
  const p = start(['--http-port', String(taken), '--grpc-port', '0', '--idle-exit-ms', '0'], path.join(ROOT, 'dist', 'receiver.js'));
  try {
    const line = await p.line;
    assert.equal(line.http, null);
    assert.match(line.errors.http, /EADDRINUSE/);
    assert.ok(line.grpc > 0);
    const h = JSON.parse((await request(line.api, 'GET', '/api/health', { authorization: `Bearer ${line.token}` })).body);
    assert.equal(h.http.listening, false);
    assert.equal(h.http.port, taken);
    assert.match(h.http.error, /already in use/);
    assert.equal(h.http.code, 'EADDRINUSE');
    assert.equal(portProblem(h.http), 'inUse');
    assert.equal(h.grpc.listening, true);
    assert.equal(portProblem(h.grpc), undefined);
  } finally {
    p.child.kill('SIGTERM');
    blocker.close();
  }
  await p.exited;
});

test('a host that is no address of this machine: both ports say so, the API still works', async () => {
  // 192.0.2.1 is TEST-NET-1 (documentation only): binding it fails here at once, nothing is sent anywhere
  const p = start(['--host', '192.0.2.1', '--http-port', '0', '--grpc-port', '0', '--idle-exit-ms', '0'], path.join(ROOT, 'dist', 'receiver.js'));
  try {
    const line = await p.line;
    assert.equal(line.http, null);
    assert.equal(line.grpc, null);
    assert.match(line.errors.http, /EADDRNOTAVAIL: 192\.0\.2\.1 is not an address of this machine/);
    const h = JSON.parse((await request(line.api, 'GET', '/api/health', { authorization: `Bearer ${line.token}` })).body);
    assert.deepEqual([h.http.code, h.grpc.code], ['EADDRNOTAVAIL', 'EADDRNOTAVAIL']);
    assert.deepEqual([portProblem(h.http), portProblem(h.grpc)], ['badHost', 'badHost']);
  } finally {
    p.child.kill('SIGTERM');
  }
  await p.exited;
});

test('portProblem: what the user has to fix, also from receivers that only wrote the error text', () => {
  assert.equal(portProblem({ port: 4318, listening: true }), undefined);
  assert.equal(portProblem({ port: 4318, listening: false, code: 'EADDRINUSE', error: 'x' }), 'inUse');
  assert.equal(portProblem({ port: 80, listening: false, code: 'EACCES' }), 'noPermission');
  assert.equal(portProblem({ port: 4318, listening: false, code: 'EADDRNOTAVAIL' }), 'badHost');
  assert.equal(portProblem({ port: 4318, listening: false, code: 'EMFILE' }), 'other');
  assert.equal(portProblem({ port: 4318, listening: false, error: 'EADDRINUSE: 127.0.0.1:4318 is already in use' }), 'inUse');
  assert.equal(portProblem({ port: 80, listening: false, error: 'EACCES: no permission to listen on 127.0.0.1:80' }), 'noPermission');
  assert.equal(portProblem({ port: 4318, listening: false }), 'other');
  // both open: no problems at all (the welcome view's error text hangs on this being empty)
  assert.deepEqual(portProblems({ http: { port: 4318, listening: true }, grpc: { port: 4317, listening: true } }), []);
  assert.deepEqual(portProblems({ http: { port: 4318, listening: true }, grpc: { port: 4317, listening: false, code: 'EADDRINUSE' } }), ['inUse']);
});

test('receive: Ctrl-C stops it while a gRPC exporter keeps its channel open; a second Ctrl-C is immediate', async () => {
  const { OTLPTraceExporter: GrpcExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
  for (const signals of [['SIGINT'], ['SIGTERM'], ['SIGINT', 'SIGINT']]) {
    const p = start(['receive', '--http-port', '0', '--grpc-port', '0']);
    const line = await p.line;
    // an app that stays up: the SDK's gRPC channel (an HTTP/2 session) remains open after the export
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'grpc-app' }),
      spanProcessors: [new BatchSpanProcessor({ exporter: new GrpcExporter({ url: `http://127.0.0.1:${line.grpc}` }) })],
    });
    provider.getTracer('t').startSpan('held').end();
    await provider.forceFlush();
    await until(async () => {
      const h = JSON.parse((await request(line.api, 'GET', '/api/health', { authorization: `Bearer ${line.token}` })).body);
      return h.spans === 1;
    });
    for (const s of signals) p.child.kill(s);
    // before the fix the receiver said "stopping" and then served on until the app closed its channel
    const result = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    if (result === 'still running') p.child.kill('SIGKILL');
    assert.deepEqual(result, { code: 0, signal: null }, `${signals.join('+')}: ${p.stderr()}`);
    await provider.shutdown().catch(() => undefined);
  }
});

test('receive: an unknown option or a stray argument is a usage error (exit 2) that names it', async () => {
  for (const [args, re] of [
    [['--bogus'], /unknown option --bogus/],
    [['--bogus', '1'], /unknown option --bogus/],
    [['--bogus=1'], /unknown option --bogus/],
    [['4318'], /unexpected argument "4318"/],
    [['--http-port'], /--http-port needs a whole number, got nothing/],
  ]) {
    const p = start(['receive', ...args]);
    p.line.catch(() => undefined);
    const { code } = await p.exited;
    assert.equal(code, 2, `${args.join(' ')}: ${p.stderr()}`);
    assert.match(p.stderr(), re);
  }
});

test('receive: the token from a file or TRACE_EXPLORER_TOKEN (not visible in ps); --help says what a valid token is', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-token-'));
  const file = path.join(dir, 'token');
  fs.writeFileSync(file, 'file-token-12345\n', { mode: 0o600 });
  const viaFile = start(['receive', '--http-port', '0', '--grpc-port', '0', '--token-file', file]);
  try {
    const line = await viaFile.line;
    assert.equal(line.token, 'file-token-12345');
    const cmdline = fs.readFileSync(`/proc/${viaFile.child.pid}/cmdline`, 'utf8');
    assert.ok(!cmdline.includes('file-token-12345'), 'the token is not on the command line');
  } finally {
    viaFile.child.kill('SIGTERM');
    await viaFile.exited;
  }

  const bin = path.join(ROOT, 'bin', 'trace-explorer.js');
  const viaEnv = spawn(process.execPath, [bin, 'receive', '--http-port', '0', '--grpc-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TRACE_EXPLORER_TOKEN: 'env-token-12345' } });
  try {
    const line = await new Promise((resolve, reject) => {
      let out = '';
      viaEnv.stdout.on('data', (c) => {
        out += c;
        if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
      });
      viaEnv.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    assert.equal(line.token, 'env-token-12345');
    const r = await request(line.api, 'GET', '/api/health', { authorization: 'Bearer env-token-12345' });
    assert.equal(r.status, 200);
  } finally {
    viaEnv.kill('SIGTERM');
  }

  fs.writeFileSync(file, 'short\n');
  const bad = start(['receive', '--http-port', '0', '--grpc-port', '0', '--token-file', file]);
  bad.line.catch(() => undefined); // it is meant to exit without listening
  assert.equal((await bad.exited).code, 2);
  assert.match(bad.stderr(), /--token-file .* needs a token of at least 8 printable ASCII characters, no spaces/);

  const help = spawn(process.execPath, [bin, 'receive', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  help.stdout.on('data', (c) => (text += c));
  assert.equal(await new Promise((r) => help.on('exit', r)), 0);
  assert.match(text, /--token-file F/);
  assert.match(text, /TRACE_EXPLORER_TOKEN/);
  assert.match(text, /A token is at least 8 printable ASCII characters, no spaces/);
});
