// locationSignal: the layers, in order, with stable and deprecated code.* names.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { locationSignal, locationKey } = require('../../out/src/source/signal.js');
const { span, exceptionEvent, log } = require('./source-helpers.js');

const nodeStack = 'Error: out of stock\n    at reserve (/srv/shop/src/stock.js:31:11)\n    at /srv/shop/node_modules/express/lib/router/route.js:149:13';

test('layer 1: stable code.* names (ints as bigint)', () => {
  const s = span({ attrs: ['http.method', 'GET', 'code.file.path', '/srv/shop/src/orders.js', 'code.line.number', 42n, 'code.column.number', 7n, 'code.function.name', 'createOrder'] });
  assert.deepEqual(locationSignal(s), { file: '/srv/shop/src/orders.js', line: 42, column: 7, function: 'createOrder', layer: 'attributes' });
});

test('layer 1: deprecated names, stable ones win when both are present', () => {
  const old = span({ attrs: ['code.filepath', '/app/views.py', 'code.lineno', 12n, 'code.function', 'index', 'code.namespace', 'shop.views'] });
  assert.deepEqual(locationSignal(old), { file: '/app/views.py', line: 12, function: 'index', namespace: 'shop.views', layer: 'attributes' });
  const both = span({ attrs: ['code.filepath', '/old.js', 'code.lineno', 1n, 'code.file.path', '/new.js', 'code.line.number', 2n] });
  assert.deepEqual(locationSignal(both), { file: '/new.js', line: 2, layer: 'attributes' });
  // numeric strings and whole doubles count; nonsense does not
  assert.equal(locationSignal(span({ attrs: ['code.file.path', '/a.js', 'code.line.number', '17'] })).line, 17);
  assert.equal(locationSignal(span({ attrs: ['code.file.path', '/a.js', 'code.line.number', 3.0] })).line, 3);
  assert.equal(locationSignal(span({ attrs: ['code.file.path', '/a.js', 'code.line.number', -4n] })).line, undefined);
  assert.equal(locationSignal(span({ attrs: ['code.file.path', '/a.js', 'code.line.number', 'x'] })).line, undefined);
});

test('layer 1: code.stacktrace (first user frame) when no file attribute', () => {
  const s = span({ attrs: ['code.stacktrace', nodeStack] });
  assert.deepEqual(locationSignal(s), { file: '/srv/shop/src/stock.js', line: 31, column: 11, function: 'reserve', layer: 'attributes' });
});

test('layer 2: exception event stacktrace; the latest exception event first', () => {
  const s = span({ events: [exceptionEvent('Error: a\n    at first (/app/a.js:1:1)'), { time: 0, name: 'log', attrs: [], droppedAttributesCount: 0 }, exceptionEvent(nodeStack)] });
  assert.deepEqual(locationSignal(s), { file: '/srv/shop/src/stock.js', line: 31, column: 11, function: 'reserve', layer: 'stacktrace' });
  // only library frames: falls through
  const lib = span({ name: 'GET /x', scopeName: '@opentelemetry/instrumentation-http', events: [exceptionEvent('Error\n    at x (/app/node_modules/a/b.js:1:1)')] });
  assert.equal(locationSignal(lib), null);
});

test('layer 2: exception log records linked to the span', () => {
  const py = 'Traceback (most recent call last):\n  File "/app/shop/service.py", line 58, in create\n    raise ValueError()\nValueError';
  const s = span({ name: 'POST /orders', scopeName: 'opentelemetry.instrumentation.flask' });
  assert.deepEqual(locationSignal(s, [log(['exception.stacktrace', py])]), { file: '/app/shop/service.py', line: 58, function: 'create', layer: 'stacktrace' });
});

test('layer 3: code.* on linked log records (Python logging handler)', () => {
  const s = span({ name: 'POST /orders', scopeName: 'opentelemetry.instrumentation.flask' });
  const logs = [log(['code.function', 'helper']), log(['code.filepath', '/app/shop/views.py', 'code.lineno', 88n, 'code.function', 'create_order'])];
  assert.deepEqual(locationSignal(s, logs), { file: '/app/shop/views.py', line: 88, function: 'create_order', layer: 'log' });
});

test('layer 4: names only', () => {
  // the Java agent: code.function.name fully qualified, no file
  assert.deepEqual(locationSignal(span({ name: 'OrderService.create', attrs: ['code.function.name', 'com.acme.shop.OrderService.create'] })), {
    function: 'create', namespace: 'com.acme.shop.OrderService', layer: 'name',
  });
  assert.deepEqual(locationSignal(span({ attrs: ['code.function', 'create', 'code.namespace', 'com.acme.OrderService'] })), { function: 'create', namespace: 'com.acme.OrderService', layer: 'name' });
  // a span name that looks like a function, from the user's own tracer
  assert.deepEqual(locationSignal(span({ name: 'computeTotals' })), { function: 'computeTotals', layer: 'name' });
  assert.deepEqual(locationSignal(span({ name: 'Cart#total' })), { function: 'total', namespace: 'Cart', layer: 'name' });
  // not functions: HTTP verbs, routes, SQL, instrumentation library spans
  for (const name of ['GET', 'POST /orders', 'SELECT shop.orders', 'middleware - query', '']) assert.equal(locationSignal(span({ name })), null, name);
  assert.equal(locationSignal(span({ name: 'dns.lookup', scopeName: '@opentelemetry/instrumentation-dns' })), null);
});

test('a file beats a name; attributes beat stack traces', () => {
  const s = span({ attrs: ['code.function.name', 'x'], events: [exceptionEvent(nodeStack)] });
  assert.equal(locationSignal(s).layer, 'stacktrace');
  const t = span({ attrs: ['code.file.path', '/a.js', 'code.line.number', 1n], events: [exceptionEvent(nodeStack)] });
  assert.equal(locationSignal(t).file, '/a.js');
});

test('locationKey ignores the layer', () => {
  assert.equal(locationKey({ file: '/a.js', line: 3, layer: 'attributes' }), locationKey({ file: '/a.js', line: 3, layer: 'stacktrace' }));
  assert.notEqual(locationKey({ file: '/a.js', line: 3, layer: 'attributes' }), locationKey({ file: '/a.js', line: 4, layer: 'attributes' }));
});

test('a SERVER span placed on its handler is the request, apart from the handler span at the same place', () => {
  const at = ['code.file.path', '/srv/shop/app.js', 'code.line.number', 13n, 'code.column.number', 21n, 'code.function.name', 'getUser'];
  const request = locationSignal(span({ kind: 2, attrs: at }));
  const handler = locationSignal(span({ kind: 1, attrs: at }));
  assert.equal(request.role, 'request');
  assert.equal(handler.role, undefined);
  assert.equal(request.line, handler.line);
  assert.notEqual(locationKey(request), locationKey(handler), 'counted apart, so a handler lens counts each request once');
});
