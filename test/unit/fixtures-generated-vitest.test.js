// The generated Vitest test must run green against the code that produced the trace, and fail when that
// code's behaviour changes. Real parts only: the sample app's inventory handlers (instrumented with the
// OpenTelemetry JS SDK), the SDK's own OTLP JSON serializer, our importer and generator, and `vitest run`.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..');
const { importTraceFile } = require(path.join(root, 'out/src/fixtures/detect.js'));
const { generateFixture } = require(path.join(root, 'out/src/fixtures/generate.js'));

const api = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
const { JsonTraceSerializer } = require('@opentelemetry/otlp-transformer');

const SAMPLE_APP = path.join(root, 'sample-app');

/** Runs the sample app's reserveStock with the SDK recording, and answers the trace as OTLP JSON bytes. */
async function recordReserveStock() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.trace.setGlobalTracerProvider(provider);
  try {
    const handlers = require(path.join(SAMPLE_APP, 'services/inventory/handlers.js'));
    await handlers.reserveStock('apple', 2);
    await provider.forceFlush();
    return JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans());
  } finally {
    await provider.shutdown();
    api.trace.disable();
    api.context.disable();
  }
}

/** A temp project: node_modules linked to ours, a vitest config keeping its cache inside the temp dir. */
function tempProject() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-fixture-vitest-'));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(
    path.join(dir, 'vitest.config.mjs'),
    // globals: the Jest variant relies on Jest's globals, which Vitest provides in this mode
    "export default { cacheDir: '.vite-cache', test: { globals: true, include: ['**/*.test.{js,ts}'], exclude: ['node_modules/**', 'app/**'] } };\n",
  );
  return dir;
}

/** Puts the call to the code under test between the generated markers. */
function withCodeUnderTest(testText, handlersPath, esm = true) {
  const start = testText.indexOf('// >>> code under test');
  const end = testText.indexOf('// <<< code under test');
  assert.ok(start >= 0 && end > start, 'the generated test marks where the code under test goes');
  const call = [
    '// >>> code under test',
    esm ? "import { createRequire } from 'node:module';" : '',
    'async function exercise() {',
    `  const handlers = ${esm ? 'createRequire(import.meta.url)' : 'require'}(${JSON.stringify(handlersPath)});`,
    "  await handlers.reserveStock('apple', 2);",
    '}',
    '',
  ].join('\n');
  return testText.slice(0, start) + call + testText.slice(end);
}

function runVitest(dir) {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--reporter=verbose', '--color=false'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

test('the generated Vitest test passes against the sample app and fails after a span is renamed', { timeout: 240_000 }, async (t) => {
  const trace = importTraceFile(await recordReserveStock());
  assert.equal(trace.spanCount, 3, 'reserveStock records three spans (handler, SELECT, UPDATE)');
  const generated = generateFixture(trace.data, { format: 'vitest', language: 'js' });
  assert.match(generated.text, /"inventory\.reserveStock"/);
  assert.match(generated.text, /"UPDATE inventory\.stock"/);
  const generatedTs = generateFixture(trace.data, { format: 'vitest', language: 'ts' });
  const generatedJest = generateFixture(trace.data, { format: 'jest', language: 'js' });

  const dir = tempProject();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // green: the unchanged sample app, with the Vitest JS and TS variants and the Jest JS variant
  const handlersPath = path.join(SAMPLE_APP, 'services/inventory/handlers.js');
  const testFile = path.join(dir, 'reserve.trace.test.js');
  fs.writeFileSync(testFile, withCodeUnderTest(generated.text, handlersPath));
  fs.writeFileSync(path.join(dir, 'reserve-ts.trace.test.ts'), withCodeUnderTest(generatedTs.text, handlersPath));
  fs.mkdirSync(path.join(dir, 'jest'));
  fs.writeFileSync(path.join(dir, 'jest', 'package.json'), '{ "type": "commonjs" }\n');
  fs.writeFileSync(path.join(dir, 'jest', 'reserve-jest.trace.test.js'), withCodeUnderTest(generatedJest.text, handlersPath, false));
  const green = runVitest(dir);
  assert.equal(green.status, 0, `the generated tests should pass:\n${green.output}`);
  assert.match(green.output, /Test Files +3 passed/);
  assert.match(green.output, /Tests +6 passed/);
  // the TypeScript variant also type-checks under strict settings
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'esnext', moduleResolution: 'bundler', noEmit: true, skipLibCheck: true, types: ['node'] }, files: ['reserve-ts.trace.test.ts'] }),
  );
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(tsc.status, 0, `tsc on the generated TypeScript test:\n${tsc.stdout}${tsc.stderr}`);
  fs.rmSync(path.join(dir, 'reserve-ts.trace.test.ts'));
  fs.rmSync(path.join(dir, 'jest'), { recursive: true });

  // red: a copy of the sample app where one span was renamed
  const app = path.join(dir, 'app');
  fs.cpSync(SAMPLE_APP, app, { recursive: true, filter: (src) => !src.includes('node_modules') });
  const handlersCopy = path.join(app, 'services/inventory/handlers.js');
  const source = fs.readFileSync(handlersCopy, 'utf8');
  assert.ok(source.includes("'UPDATE inventory.stock'"));
  fs.writeFileSync(handlersCopy, source.replace("'UPDATE inventory.stock'", "'UPDATE inventory.stock_levels'"));
  fs.writeFileSync(testFile, withCodeUnderTest(generated.text, handlersCopy));
  const red = runVitest(dir);
  assert.notEqual(red.status, 0, `the generated test should fail after the rename:\n${red.output}`);
  assert.match(red.output, /Tests +1 failed \| 1 passed/, 'the shape test fails, the budget test still passes');
  assert.match(red.output, /UPDATE inventory\.stock_levels/, 'the failure shows the renamed span');
  // … as the span-by-span diff (matched as trace-explorer diff matches), not a diff of two long arrays
  assert.match(red.output, /renamed: .*UPDATE inventory\.stock_levels \(expected "UPDATE inventory\.stock"\)/, red.output);
});

test('a trace the running sample app sent to the receiver → subtree fixture → the generated test passes', { timeout: 240_000 }, async (t) => {
  const net = require('node:net');
  const { spawn } = require('node:child_process');
  const { startTestReceiver } = require('./_receiverHelpers.js');
  const receiver = await startTestReceiver();
  t.after(() => receiver.close());
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  // the inventory service as it runs for real: its own SDK, the HTTP instrumentation, OTLP/protobuf export
  const service = spawn(process.execPath, [path.join(SAMPLE_APP, 'services/inventory/server.js')], {
    env: { ...process.env, INVENTORY_PORT: String(port), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.httpPort}`, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_METRIC_EXPORT_INTERVAL: '600000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => service.kill('SIGTERM'));
  let output = '';
  await new Promise((resolve, reject) => {
    service.stdout.on('data', (c) => {
      output += c;
      if (output.includes('"listening"')) resolve();
    });
    service.stderr.on('data', (c) => (output += c));
    service.on('exit', (code) => reject(new Error(`inventory exited (${code}): ${output}`)));
  });
  const res = await fetch(`http://127.0.0.1:${port}/reserve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":"apple","qty":2}' });
  assert.equal(res.status, 200);

  let summary;
  for (let i = 0; i < 100 && !summary; i++) {
    summary = (await receiver.api.traces()).find((s) => s.spanCount >= 4);
    if (!summary) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(summary, `the service's trace reached the receiver: ${output}`);
  const trace = await receiver.api.trace(summary.traceId);
  const spans = trace.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  const handler = spans.find((s) => s.name === 'inventory.reserveStock');
  assert.ok(handler && handler.parentSpanId, 'the handler span sits under the HTTP server span');

  // the handler's subtree: what calling reserveStock produces in a test
  const generated = generateFixture(trace, { format: 'vitest', language: 'js', traceId: summary.traceId, spanId: handler.spanId });
  assert.ok(!generated.text.includes('"POST"'), 'the HTTP server span is not part of the subtree');
  const dir = tempProject();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'reserve.trace.test.js'), withCodeUnderTest(generated.text, path.join(SAMPLE_APP, 'services/inventory/handlers.js')));
  const run = runVitest(dir);
  assert.equal(run.status, 0, `the generated test should pass:\n${run.output}`);
  assert.match(run.output, /Tests +2 passed/);
});
