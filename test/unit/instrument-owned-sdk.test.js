// An app that starts its own OpenTelemetry SDK: `trace-explorer run` must not instrument it twice. Its spans
// still go to its own exporter only, the same spans with the same attributes as without us, plus code.*.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startTestReceiver, until } = require('./_receiverHelpers.js');
const { ROOT, runTraced, allSpans, tagLines } = require('./_instrumentApps.js');

const APP = `const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { trace } = require('@opentelemetry/api');
const sdk = new NodeSDK({
  serviceName: 'own-sdk-app',
  traceExporter: new OTLPTraceExporter({ url: process.env.APP_TRACES_URL }),
  instrumentations: [new HttpInstrumentation()],
});
sdk.start();
const http = require('node:http');
const tracer = trace.getTracer('app');
function work() {
  tracer.startActiveSpan('work', (span) => { // @work
    span.setAttribute('app.answer', 42);
    span.end();
  });
}
const server = http.createServer((req, res) => {
  work();
  res.end('ok');
});
server.listen(0, '127.0.0.1', async () => {
  await (await fetch(\`http://127.0.0.1:\${server.address().port}/x\`)).text();
  server.close();
  await sdk.shutdown();
});
`;

function writeOwnSdkApp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-own-sdk-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'own-sdk-app', dependencies: { '@opentelemetry/sdk-node': '0.301.0' } }));
  const file = path.join(dir, 'app.js');
  fs.writeFileSync(file, APP);
  return { dir, file, tags: tagLines(APP) };
}

function runPlain(dir, env) {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['app.js'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: 'inherit' });
    c.on('exit', (code) => resolve(code));
  });
}

const shape = (spans) => spans
  .map((s) => `${s.scope}|${s.name}|${s.kind}|${Object.keys(s.attrs).filter((k) => !k.startsWith('code.')).sort().join(',')}`)
  .sort();

test('an app with its own SDK: its exporter gets its spans once, plus code locations; ours gets nothing', async () => {
  const ours = await startTestReceiver();
  const theirs = await startTestReceiver();
  const app = writeOwnSdkApp();
  try {
    const env = { APP_TRACES_URL: `http://127.0.0.1:${theirs.httpPort}/v1/traces`, OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
    assert.equal(await runPlain(app.dir, env), 0);
    const plain = await until(async () => {
      const s = await allSpans(theirs.api);
      return s.length >= 2 ? s : undefined;
    }, 10000, 'spans of the plain run');
    await theirs.api.clear();

    const r = await runTraced(app.dir, ['--endpoint', `http://127.0.0.1:${ours.httpPort}`], [process.execPath, 'app.js'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /code locations only for own-sdk-app \(locations mode, the app brings its own OpenTelemetry SDK: package\.json depends on @opentelemetry\/sdk-node\)/);
    const traced = await until(async () => {
      const s = await allSpans(theirs.api);
      return s.length >= plain.length ? s : undefined;
    }, 10000, 'spans of the traced run');
    await new Promise((res) => setTimeout(res, 500)); // anything sent twice would have arrived by now
    const again = await allSpans(theirs.api);
    assert.deepEqual(shape(again), shape(plain), 'same spans, same attributes (apart from code.*), none twice');
    assert.equal((await ours.api.traces()).length, 0, 'nothing reaches our receiver');
    const work = traced.find((s) => s.name === 'work');
    assert.equal(work.attrs['app.answer'], '42');
    assert.equal(work.attrs['code.file.path'], app.file);
    assert.equal(work.attrs['code.line.number'], app.tags.work);
    assert.equal(work.attrs['code.function.name'], 'work');
  } finally {
    await ours.close();
    await theirs.close();
    fs.rmSync(app.dir, { recursive: true, force: true });
  }
});

const EXPRESS_APP = `const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
const sdk = new NodeSDK({
  serviceName: 'own-sdk-express',
  traceExporter: new OTLPTraceExporter({ url: process.env.APP_TRACES_URL }),
  instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
});
sdk.start();
const express = require('express');
const app = express();
app.use(function audit(req, res, next) { next(); }); // @mw
app.get('/orders/:id', function getOrder(req, res) { res.json({ id: req.params.id }); }); // @handler
const server = app.listen(0, '127.0.0.1', async () => {
  await (await fetch(\`http://127.0.0.1:\${server.address().port}/orders/7\`)).text();
  server.close();
  await sdk.shutdown();
});
`;

test("an Express app with its own SDK: its middleware, handler and server spans point at the app's functions", async () => {
  const ours = await startTestReceiver();
  const theirs = await startTestReceiver();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-own-express-'));
  try {
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'own-sdk-express', dependencies: { '@opentelemetry/sdk-node': '0.301.0', express: '5.3.0' } }));
    const file = path.join(dir, 'app.js');
    fs.writeFileSync(file, EXPRESS_APP);
    const tags = tagLines(EXPRESS_APP);
    const env = { APP_TRACES_URL: `http://127.0.0.1:${theirs.httpPort}/v1/traces`, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
    const r = await runTraced(dir, ['--endpoint', `http://127.0.0.1:${ours.httpPort}`], [process.execPath, 'app.js'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /locations mode/);
    const spans = await until(async () => {
      const s = await allSpans(theirs.api);
      return s.length >= 3 ? s : undefined;
    }, 10000, 'the app\'s spans');
    const mw = spans.find((s) => s.name === 'middleware - audit');
    const handler = spans.find((s) => s.name.startsWith('request handler'));
    const server = spans.find((s) => s.kind === 2);
    for (const [s, tag, fn] of [[mw, 'mw', 'audit'], [handler, 'handler', 'getOrder'], [server, 'handler', 'getOrder']]) {
      assert.ok(s, `span for @${tag}: ${spans.map((x) => x.name).join(', ')}`);
      assert.equal(s.attrs['code.file.path'], file, s.name);
      assert.equal(s.attrs['code.line.number'], tags[tag], s.name);
      assert.equal(s.attrs['code.function.name'], fn, s.name);
    }
    assert.equal((await ours.api.traces()).length, 0, 'nothing reaches our receiver');
  } finally {
    await ours.close();
    await theirs.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const KOA_APP = `const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { KoaInstrumentation } = require('@opentelemetry/instrumentation-koa');
const sdk = new NodeSDK({
  serviceName: 'own-sdk-koa',
  traceExporter: new OTLPTraceExporter({ url: process.env.APP_TRACES_URL }),
  instrumentations: [new HttpInstrumentation(), new KoaInstrumentation()],
});
sdk.start();
const Koa = require('koa');
const Router = require('@koa/router');
const app = new Koa();
const router = new Router();
app.use(async function timing(ctx, next) { await next(); }); // @mw
router.get('/orders/:id', async function getOrder(ctx) { ctx.body = { id: ctx.params.id }; }); // @handler
app.use(router.routes());
const server = app.listen(0, '127.0.0.1', async () => {
  await (await fetch(\`http://127.0.0.1:\${server.address().port}/orders/7\`)).text();
  server.close();
  await sdk.shutdown();
});
`;

test("a Koa app with its own SDK: its middleware, router and server spans point at the app's functions", async () => {
  const ours = await startTestReceiver();
  const theirs = await startTestReceiver();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-own-koa-'));
  try {
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'own-sdk-koa', dependencies: { '@opentelemetry/sdk-node': '0.301.0', koa: '3.3.0' } }));
    const file = path.join(dir, 'app.js');
    fs.writeFileSync(file, KOA_APP);
    const tags = tagLines(KOA_APP);
    const env = { APP_TRACES_URL: `http://127.0.0.1:${theirs.httpPort}/v1/traces`, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
    const r = await runTraced(dir, ['--endpoint', `http://127.0.0.1:${ours.httpPort}`], [process.execPath, 'app.js'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /locations mode/);
    const spans = await until(async () => {
      const s = await allSpans(theirs.api);
      return s.length >= 3 ? s : undefined;
    }, 10000, 'the app\'s spans');
    const mw = spans.find((s) => s.name === 'middleware - timing');
    const handler = spans.find((s) => s.name.startsWith('router - '));
    const server = spans.find((s) => s.kind === 2);
    for (const [s, tag, fn] of [[mw, 'mw', 'timing'], [handler, 'handler', 'getOrder'], [server, 'handler', 'getOrder']]) {
      assert.ok(s, `span for @${tag}: ${spans.map((x) => x.name).join(', ')}`);
      assert.equal(s.attrs['code.file.path'], file, s.name);
      assert.equal(s.attrs['code.line.number'], tags[tag], s.name);
      assert.equal(s.attrs['code.function.name'], fn, s.name);
    }
    assert.equal((await ours.api.traces()).length, 0, 'nothing reaches our receiver');
  } finally {
    await ours.close();
    await theirs.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
