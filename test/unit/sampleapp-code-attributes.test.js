// The sample app's CodeAttributesSpanProcessor: real SDK spans get code.* attributes (stable semconv names)
// of the first application frame — past the app's plumbing (withSpan in sample-app/otel/) — and spans
// started with no application code on the stack get none.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const vm = require('node:vm');
const { trace } = require('@opentelemetry/api');
const { TracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = require('@opentelemetry/sdk-trace');
const { CodeAttributesSpanProcessor } = require('../../sample-app/otel/code-attributes');
const { withSpan } = require('../../sample-app/otel/with-span');

const exporter = new InMemorySpanExporter();
before(() => {
  const provider = new TracerProvider({
    spanProcessors: [new CodeAttributesSpanProcessor(), new SimpleSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
});
after(() => trace.disable());

const finished = (name) => exporter.getFinishedSpans().find((s) => s.name === name);
const lineOf = (marker) => require('node:fs').readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;

test('a span started through withSpan points at the calling function, file and line', async () => {
  async function placeOrder() {
    return withSpan('unit.placeOrder', async () => 42); // LINE:placeOrder
  }
  assert.equal(await placeOrder(), 42);
  const a = finished('unit.placeOrder').attributes;
  assert.equal(a['code.file.path'], __filename);
  assert.equal(a['code.line.number'], lineOf('LINE:' + 'placeOrder'));
  assert.equal(a['code.function.name'], 'placeOrder');
  assert.ok(a['code.column.number'] > 0);
});

test('methods are named Class.method', async () => {
  class Cart {
    checkout() { return withSpan('unit.checkout', () => 'ok'); }
  }
  await new Cart().checkout();
  assert.equal(finished('unit.checkout').attributes['code.function.name'], 'Cart.checkout');
});

test('no application frame on the stack: no code attributes rather than a wrong one', async () => {
  // like an incoming request's span, started by instrumentation from Node's internals: the whole chain,
  // down to the tick queue, is outside application files
  const tracer = trace.getTracer('unit');
  const fromInternals = vm.runInThisContext(
    '(t, done) => () => { t.startSpan("unit.none").end(); done(); }', { filename: 'node:internal/fake-dispatch' });
  await new Promise((resolve) => process.nextTick(fromInternals(tracer, resolve)));
  const none = finished('unit.none');
  assert.ok(none, 'span exported');
  assert.equal(none.attributes['code.file.path'], undefined);
  assert.equal(none.attributes['code.line.number'], undefined);
  assert.equal(none.attributes['code.function.name'], undefined);
});

test('a failing span keeps the exception with its stack trace and error status; a 4xx rejection does not', async () => {
  async function explode() {
    return withSpan('unit.explode', async () => { throw new Error('boom'); });
  }
  await assert.rejects(explode(), /boom/);
  const s = finished('unit.explode');
  assert.equal(s.status.code, 2); // ERROR
  const ev = s.events.find((e) => e.name === 'exception');
  assert.match(String(ev.attributes['exception.stacktrace']), /boom[\s\S]*explode/);

  const rejected = Object.assign(new Error('out of stock'), { status: 409 });
  await assert.rejects(withSpan('unit.rejected', async () => { throw rejected; }), /out of stock/);
  const r = finished('unit.rejected');
  assert.notEqual(r.status.code, 2);
  assert.ok(r.events.some((e) => e.name === 'request rejected'));
});
