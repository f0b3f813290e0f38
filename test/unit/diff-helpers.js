// Records real traces with the OpenTelemetry JS SDK in-process, for the trace diff's tests: a small
// "request handler" whose behaviour each test varies (a slower step, a retry, more loop iterations, siblings
// in another order, a renamed span), serialised as OTLP JSON the way the SDK's exporter sends it and read
// back through the importers, as a trace file would be.
const { importTraceFile } = require('../../out/src/fixtures/detect.js');
const { traceFromOtlp } = require('../../out/src/diff/index.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * One request: GET /orders (server) → auth (internal), SELECT orders (client), `items` × fetch item
 * (client), render (internal). Options: slowMs (render sleeps that much longer), retry (the inventory call
 * fails once first), reorder (auth runs after the query), rename (render is called "render page").
 */
async function recordRequest(o = {}) {
  const api = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const { JsonTraceSerializer } = require('@opentelemetry/otlp-transformer');
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const cm = new AsyncLocalStorageContextManager().enable();
  api.context.setGlobalContextManager(cm);
  const tracer = provider.getTracer('diff-test', '1.0.0');
  const step = (name, kind, ms, fn) =>
    tracer.startActiveSpan(name, { kind }, async (s) => {
      await sleep(ms);
      if (fn) await fn(s);
      s.end();
    });
  const { SERVER, CLIENT, INTERNAL } = api.SpanKind;
  await tracer.startActiveSpan('GET /orders', { kind: SERVER, attributes: { 'http.route': '/orders' } }, async (root) => {
    const auth = () => step('auth', INTERNAL, 2);
    const query = () => step('SELECT orders', CLIENT, 3);
    if (o.reorder) {
      await query();
      await auth();
    } else {
      await auth();
      await query();
    }
    if (o.retry) {
      await step('GET /inventory', CLIENT, 1, (s) => s.setStatus({ code: api.SpanStatusCode.ERROR, message: 'ECONNRESET' }));
    }
    await step('GET /inventory', CLIENT, 4);
    for (let i = 0; i < (o.items ?? 3); i++) await step('fetch item', CLIENT, 2);
    await step(o.rename ? 'render page' : 'render', INTERNAL, 2 + (o.slowMs ?? 0), () => step('template', INTERNAL, 1));
    root.end();
  });
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  api.context.disable();
  return importTraceFile(JsonTraceSerializer.serializeRequest(spans));
}

/** The recorded request as a diff side. */
async function recordSide(o) {
  return traceFromOtlp((await recordRequest(o)).data);
}

module.exports = { recordRequest, recordSide };
