// The extension in a real VS Code extension host: it activates, its API reports the running receiver, its
// commands are registered, spans from the real OpenTelemetry exporters (OTLP/HTTP protobuf and OTLP/gRPC)
// raise the counts and appear in the trace list, pin/remove/clear work, a killed receiver is replaced, and a
// restart brings a new receiver.
const assert = require('node:assert/strict');
const vscode = require('vscode');
const { context, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OTLPTraceExporter: ProtoExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPTraceExporter: GrpcExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');

const EXTENSION_ID = 'trace-explorer.trace-explorer';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** One trace of three spans (one failing) sent through `exporter` by a real SDK pipeline. */
async function sendTrace(exporter, service, rootName, route = '/suite') {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 60_000 })],
  });
  const tracer = provider.getTracer('suite');
  const root = tracer.startSpan(rootName, { kind: SpanKind.SERVER, attributes: { 'http.route': route } });
  const ctx = trace.setSpan(context.active(), root);
  const a = tracer.startSpan('SELECT items', { kind: SpanKind.CLIENT }, ctx);
  a.end();
  const b = tracer.startSpan('charge card', {}, ctx);
  b.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
  b.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return root.spanContext().traceId;
}

suite('Trace Explorer receiver (extension host)', function () {
  this.timeout(90_000);
  /** @type {import('../../src/extension').TraceExplorerApi} */
  let api;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    api = await ext.activate();
    await api.receiver.ready();
    const s = api.receiver.status;
    if (s.kind === 'running' && (!s.health.http.listening || !s.health.grpc.listening)) {
      // 4318/4317 belong to another receiver on this machine (e.g. a shared test workbench): use free ports,
      // which also exercises "a setting change restarts the receiver"
      const old = s.health.pid;
      const cfg = vscode.workspace.getConfiguration('traceExplorer');
      await cfg.update('receiver.httpPort', 0, vscode.ConfigurationTarget.Global);
      await cfg.update('receiver.grpcPort', 0, vscode.ConfigurationTarget.Global);
      await until('the receiver restarted on free ports', () => {
        const t = api.receiver.status;
        return t.kind === 'running' && t.health.pid !== old && t.health.http.listening && t.health.grpc.listening;
      });
    }
  });

  test('activates, and its API reports the running receiver', async () => {
    const s = api.receiver.status;
    assert.equal(s.kind, 'running');
    assert.ok(s.health.pid > 0 && s.health.pid !== process.pid, 'the receiver runs in its own process');
    assert.ok(s.health.http.listening && s.health.grpc.listening, JSON.stringify(s.health));
    const client = await api.receiver.ready();
    const health = await client.health();
    assert.equal(health.pid, s.health.pid);
    assert.ok(health.clients >= 1, 'this window follows the event stream');
  });

  test('its commands are registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of [
      'traceExplorer.showTraces', 'traceExplorer.statusMenu', 'traceExplorer.copyOtlpEnv', 'traceExplorer.restartReceiver',
      'traceExplorer.clearTraces', 'traceExplorer.showLog', 'traceExplorer.choosePort', 'traceExplorer.showCollectorHelp',
      'traceExplorer.pinTrace', 'traceExplorer.unpinTrace', 'traceExplorer.removeTrace', 'traceExplorer.copyTraceId',
      'traceExplorer.filterTraces', 'traceExplorer.clearFilter', 'traceExplorer.sortTraces',
      // span → source
      'traceExplorer.goToSource', 'traceExplorer.goToTraceSource', 'traceExplorer.openStackFrame', 'traceExplorer.addPathMapping',
      'traceExplorer.toggleAnnotations', 'traceExplorer.chooseStatsWindow', 'traceExplorer.showRecentCalls', 'traceExplorer.resolveFrames',
    ]) assert.ok(all.has(id), `${id} registered`);
  });

  test('spans from real OpenTelemetry exporters raise the count and show in the trace list', async () => {
    const client = await api.receiver.ready();
    const h = api.receiver.status.health;
    const before = (await client.health()).spans;
    const viaHttp = await sendTrace(new ProtoExporter({ url: `http://127.0.0.1:${h.http.port}/v1/traces` }), 'suite-http', 'GET /suite/http');
    const viaGrpc = await sendTrace(new GrpcExporter({ url: `http://127.0.0.1:${h.grpc.port}` }), 'suite-grpc', 'GET /suite/grpc');
    await until('the status to count 6 more spans', () => api.receiver.status.kind === 'running' && api.receiver.status.health.spans >= before + 6);
    const rows = await until('both traces in the trace list', () => {
      const r = api.traceList().rows;
      return r.some((x) => x.traceId === viaHttp) && r.some((x) => x.traceId === viaGrpc) && r;
    });
    const row = rows.find((x) => x.traceId === viaHttp);
    assert.equal(row.label, 'GET /suite/http');
    // duration first (the figure a user scans for), then errors, age, service, spans
    assert.match(row.description, /^[\d.,]+ (µs|ms|s) · 1 error · .+ · suite-http · 3 spans$/);
    await vscode.commands.executeCommand('traceExplorer.copyTraceId', viaGrpc);
    assert.equal(await vscode.env.clipboard.readText(), viaGrpc);
  });

  test('the list filter: summary terms at once, attribute terms answered from the traces themselves', async () => {
    const h = api.receiver.status.health;
    const url = `http://127.0.0.1:${h.http.port}/v1/traces`;
    const a = await sendTrace(new ProtoExporter({ url }), 'suite-filter', 'GET /suite/a', '/cart/{id}');
    const b = await sendTrace(new ProtoExporter({ url }), 'suite-filter', 'GET /suite/b', '/orders');
    await until('both listed', () => ['a', 'b'].every((x) => api.traceList().rows.some((r) => r.label === `GET /suite/${x}`)));
    try {
      assert.deepEqual(api.filterTraceList('service:suite-filter name:/suite/b'), []);
      assert.deepEqual(api.traceList().rows.map((r) => r.traceId), [b]);
      assert.deepEqual(api.filterTraceList('service:suite-filter http.route=/CART'), []);
      await until('only the trace whose span has the attribute', () => {
        const rows = api.traceList().rows;
        return rows.length === 1 && rows[0].traceId === a;
      });
      assert.match(api.filterTraceList('min:soon')[0], /not a duration/);
    } finally {
      api.filterTraceList('');
    }
    assert.ok(api.traceList().rows.length >= 2);
  });

  test('pin, unpin and remove act on the receiver and the list follows', async () => {
    const client = await api.receiver.ready();
    const h = api.receiver.status.health;
    const id = await sendTrace(new ProtoExporter({ url: `http://127.0.0.1:${h.http.port}/v1/traces` }), 'suite-pin', 'GET /suite/pin');
    await until('the trace listed', () => api.traceList().rows.some((r) => r.traceId === id));
    await vscode.commands.executeCommand('traceExplorer.pinTrace', { traceId: id });
    await until('pinned in the receiver', async () => (await client.traces()).find((t) => t.traceId === id)?.pinned === true);
    await vscode.commands.executeCommand('traceExplorer.unpinTrace', id);
    await until('unpinned in the receiver', async () => (await client.traces()).find((t) => t.traceId === id)?.pinned === false);
    await vscode.commands.executeCommand('traceExplorer.removeTrace', id);
    await until('gone from the list', () => !api.traceList().rows.some((r) => r.traceId === id));
    assert.equal(await client.trace(id), undefined);
  });

  test('clear removes every trace, in the receiver and in the list', async () => {
    const client = await api.receiver.ready();
    assert.ok(api.traceList().total > 0, 'there is something to clear');
    // pinned traces (from other suites) would make the command ask first
    for (const t of await client.traces()) if (t.pinned) await client.pin(t.traceId, false);
    await vscode.commands.executeCommand('traceExplorer.clearTraces');
    await until('an empty list', () => api.traceList().total === 0);
    const health = await client.health();
    assert.equal(health.traces, 0);
    assert.equal(health.spans, 0);
    await until('the status bar count to reset', () => api.receiver.status.health.spans === 0);
  });

  test('a receiver killed from outside is replaced and the window reconnects on its own', async () => {
    const old = api.receiver.status.health.pid;
    process.kill(old, 'SIGKILL'); // no chance to remove its state file
    await until('a new receiver', () => api.receiver.status.kind === 'running' && api.receiver.status.health.pid !== old);
    const client = await api.receiver.ready();
    assert.notEqual((await client.health()).pid, old);
    assert.ok(api.receiver.status.health.http.listening, 'the new receiver has the OTLP/HTTP port');
  });

  test('restart brings up a new receiver and the window reconnects', async () => {
    const old = api.receiver.status.health.pid;
    await vscode.commands.executeCommand('traceExplorer.restartReceiver');
    await until('a new receiver', () => api.receiver.status.kind === 'running' && api.receiver.status.health.pid !== old);
    const health = await (await api.receiver.ready()).health();
    assert.notEqual(health.pid, old);
    let alive = true;
    try { process.kill(old, 0); } catch { alive = false; }
    assert.equal(alive, false, 'the old receiver process has exited');
  });
});
