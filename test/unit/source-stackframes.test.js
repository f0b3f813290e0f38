// Stack traces as each runtime prints them → frames, and the first frame that is the user's own code.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { parseStack, firstUserFrame, userFrames, detectRuntime, isUserPath } = require('../../out/src/protocol/stackFrames.js');

test('Node/V8: real Error.stack from this process', () => {
  function throwsHere() {
    throw new Error('boom');
  }
  let stack;
  try {
    throwsHere();
  } catch (e) {
    stack = e.stack;
  }
  const parsed = parseStack(stack);
  assert.equal(parsed.runtime, 'v8');
  const f = parsed.frames[0];
  assert.equal(f.file, __filename);
  assert.equal(f.function, 'throwsHere');
  assert.equal(f.line, 8);
  assert.equal(f.column, 11);
});

test('Node/V8: skips node_modules, node: internals and the OpenTelemetry SDK; async, new, anonymous, file URLs', () => {
  const stack = [
    'TypeError: Cannot read properties of undefined (reading \'id\')',
    '    at Object.callback (/srv/app/node_modules/express/lib/router/layer.js:95:5)',
    '    at Span.end (/srv/app/node_modules/@opentelemetry/sdk-trace/build/src/Span.js:120:9)',
    '    at async OrderService.create [as createOrder] (/srv/app/src/orders/service.js:42:17)',
    '    at async /srv/app/src/server.js:10:5',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
  ].join('\n');
  const f = firstUserFrame(stack);
  assert.deepEqual(f, { file: '/srv/app/src/orders/service.js', line: 42, column: 17, function: 'OrderService.create', user: true });
  const esm = '    at new Repo (file:///srv/app/src/repo.mjs:3:9)\n    at file:///srv/app/src/main.mjs:1:1';
  assert.deepEqual(parseStack(esm).frames.map((x) => [x.file, x.function]), [['file:///srv/app/src/repo.mjs', 'new Repo'], ['file:///srv/app/src/main.mjs', undefined]]);
  const win = 'Error: x\n    at handler (C:\\Users\\dev\\shop\\src\\handler.js:7:13)';
  assert.equal(firstUserFrame(win).file, 'C:\\Users\\dev\\shop\\src\\handler.js');
  // eval frames have no file of their own; <anonymous> is not a file
  const ev = 'Error\n    at eval (eval at run (/app/x.js:3:1), <anonymous>:1:7)\n    at Array.map (<anonymous>)\n    at run (/app/x.js:3:1)';
  assert.deepEqual(firstUserFrame(ev), { file: '/app/x.js', line: 3, column: 1, function: 'run', user: true });
});

test('Python: traceback.format_exception, innermost user frame, chained exceptions use the last block', () => {
  const tb = [
    'Traceback (most recent call last):',
    '  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 880, in full_dispatch_request',
    '    rv = self.dispatch_request()',
    '  File "/app/shop/views.py", line 31, in create_order',
    '    order = service.create(payload)',
    '  File "/app/shop/service.py", line 58, in create',
    '    raise ValueError("quantity must be positive")',
    '  File "/usr/local/lib/python3.12/json/__init__.py", line 346, in loads',
    '    return _default_decoder.decode(s)',
    'ValueError: quantity must be positive',
  ].join('\n');
  assert.equal(detectRuntime(tb), 'python');
  assert.deepEqual(firstUserFrame(tb), { file: '/app/shop/service.py', line: 58, function: 'create', user: true });
  const chained = [
    'Traceback (most recent call last):',
    '  File "/app/shop/db.py", line 12, in fetch',
    '    return rows[0]',
    'IndexError: list index out of range',
    '',
    'During handling of the above exception, another exception occurred:',
    '',
    'Traceback (most recent call last):',
    '  File "/app/shop/views.py", line 40, in show',
    '    raise NotFound(order_id)',
    'shop.errors.NotFound: 17',
  ].join('\n');
  assert.deepEqual(firstUserFrame(chained), { file: '/app/shop/views.py', line: 40, function: 'show', user: true });
  const mod = 'Traceback (most recent call last):\n  File "/app/run.py", line 3, in <module>\n    main()\nRuntimeError';
  assert.equal(firstUserFrame(mod).function, undefined);
});

test('Java/Kotlin: package path + file, skips JDK/framework/OTel, stops at Caused by', () => {
  const java = [
    'java.lang.IllegalStateException: order 17 has no lines',
    '\tat com.acme.shop.orders.OrderService.validate(OrderService.java:88)',
    '\tat com.acme.shop.orders.OrderService.create(OrderService.java:42)',
    '\tat com.acme.shop.web.OrderController$Handler.post(OrderController.kt:17)',
    '\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)',
    '\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)',
    '\tat io.opentelemetry.javaagent.shaded.Foo.bar(Foo.java:1)',
    '\t... 48 more',
    'Caused by: java.sql.SQLException: constraint',
    '\tat com.acme.shop.db.Repo.insert(Repo.java:9)',
  ].join('\n');
  assert.equal(detectRuntime(java), 'jvm');
  const frames = parseStack(java).frames;
  assert.deepEqual(frames[0], { file: 'com/acme/shop/orders/OrderService.java', line: 88, function: 'validate', namespace: 'com.acme.shop.orders.OrderService', user: true });
  assert.equal(frames[2].file, 'com/acme/shop/web/OrderController.kt');
  assert.equal(frames[3].user, false);
  assert.ok(!frames.some((f) => f.file.includes('Repo')), 'Caused by block is not the throw site');
  // library-only trace (native frames included)
  const lib = 'java.lang.NullPointerException\n\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)\n\tat jdk.internal.misc.Unsafe.park(Native Method)';
  assert.equal(firstUserFrame(lib), null);
  // app// class loader prefix and module@version
  const mod = 'x\n\tat app//com.acme.Main.run(Main.java:5)\n\tat foo.bar@1.2/com.acme.Lib.go(Lib.java:7)';
  assert.deepEqual(parseStack(mod).frames.map((f) => f.file), ['com/acme/Main.java', 'com/acme/Lib.java']);
});

test('.NET: "in <file>:line N", frames without pdb info have no location, System/Microsoft skipped', () => {
  const net = [
    'System.InvalidOperationException: Sequence contains no elements',
    '   at System.Linq.ThrowHelper.ThrowNoElementsException()',
    '   at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)',
    '   at Shop.Orders.OrderService.Create(OrderRequest request) in /src/Shop/Orders/OrderService.cs:line 42',
    '   at Shop.Api.OrdersController.Post(OrderRequest body) in C:\\work\\shop\\Shop.Api\\OrdersController.cs:line 17',
    '   at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.Execute(ActionContext ctx) in /_/src/Mvc/ActionMethodExecutor.cs:line 5',
    '--- End of stack trace from previous location ---',
  ].join('\n');
  assert.equal(detectRuntime(net), 'dotnet');
  assert.deepEqual(firstUserFrame(net), { file: '/src/Shop/Orders/OrderService.cs', line: 42, function: 'Create', namespace: 'Shop.Orders.OrderService', user: true });
  assert.equal(userFrames(net, 5).length, 2);
});

test('Go: debug.Stack / panic output, module cache and GOROOT skipped', () => {
  const go = [
    'goroutine 34 [running]:',
    'runtime/debug.Stack()',
    '\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e',
    'go.opentelemetry.io/otel/sdk/trace.recordStackTrace(...)',
    '\t/root/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.28.0/trace/span.go:492',
    'github.com/acme/shop/orders.(*Service).Create(0xc0001a2000, {0x9b1e40, 0xc0002b4000})',
    '\t/app/orders/service.go:42 +0x1d4',
    'main.handleOrder({0x9b3d20, 0xc0001c0000}, 0xc0001b8000)',
    '\t/app/cmd/server/main.go:77 +0x85',
    'net/http.HandlerFunc.ServeHTTP(0x0?, {0x9b3d20?, 0xc0001c0000?}, 0x0?)',
    '\t/usr/local/go/src/net/http/server.go:2171 +0x29',
    'created by net/http.(*Server).Serve in goroutine 1',
    '\t/usr/local/go/src/net/http/server.go:3285 +0x4b4',
  ].join('\n');
  assert.equal(detectRuntime(go), 'go');
  assert.deepEqual(firstUserFrame(go), { file: '/app/orders/service.go', line: 42, function: '(*Service).Create', namespace: 'github.com/acme/shop/orders', user: true });
  assert.equal(userFrames(go, 5)[1].file, '/app/cmd/server/main.go');
});

test('Ruby: backtick (≤3.3) and quote (3.4) forms, gems and stdlib skipped', () => {
  const old = [
    "/app/app/services/order_creator.rb:42:in `call': out of stock (RuntimeError)",
    "\tfrom /usr/local/bundle/gems/actionpack-7.1.3/lib/action_controller/metal/basic_implicit_render.rb:6:in `send_action'",
    "\tfrom /app/app/controllers/orders_controller.rb:9:in `create'",
  ].join('\n');
  assert.equal(detectRuntime(old), 'ruby');
  assert.deepEqual(firstUserFrame(old), { file: '/app/app/services/order_creator.rb', line: 42, function: 'call', user: true });
  const neu = [
    "/usr/local/lib/ruby/3.4.0/json/common.rb:221:in 'JSON::Ext::Parser.parse'",
    "/app/app/models/order.rb:12:in 'Order#total'",
    "/app/app/models/order.rb:3:in 'block in <class:Order>'",
  ].join('\n');
  assert.deepEqual(firstUserFrame(neu), { file: '/app/app/models/order.rb', line: 12, function: 'total', namespace: 'Order', user: true });
  // OTel Ruby records exception.stacktrace as the backtrace lines joined (no message on the first)
  const bt = "/app/lib/pricing.rb:8:in `apply'\n/app/lib/cart.rb:20:in `block in total'";
  assert.deepEqual(userFrames(bt, 2).map((f) => [f.file, f.function]), [['/app/lib/pricing.rb', 'apply'], ['/app/lib/cart.rb', 'total']]);
});

test('garbage and hostile text: no frames, no throw, bounded work', () => {
  assert.equal(parseStack(''), null);
  assert.equal(parseStack('just a message'), null);
  assert.equal(firstUserFrame(undefined), null);
  const huge = '    at f (/app/x.js:1:1)\n'.repeat(100000);
  const t0 = Date.now();
  const p = parseStack(huge);
  assert.ok(p.frames.length <= 200);
  assert.ok(Date.now() - t0 < 2000);
});

test('isUserPath', () => {
  for (const p of ['/app/node_modules/x/y.js', 'node:internal/x', '/usr/lib/python3.11/asyncio/x.py', '/x/site-packages/y.py', '/bundle/gems/rack/x.rb', '/root/go/pkg/mod/a/b.go', '/x/@opentelemetry/api/y.js']) {
    assert.equal(isUserPath(p), false, p);
  }
  for (const p of ['/app/src/x.ts', 'C:\\shop\\Program.cs', 'com/acme/A.java', '/home/me/go/src/shop/main.go']) assert.equal(isUserPath(p), true, p);
});

test('PHP: frames from getTraceAsString; vendor/ is a dependency, so the first user frame is past it', () => {
  const text = [
    '#0 /var/www/vendor/laravel/framework/src/Router.php(701): Illuminate\\Routing\\Router->runRoute(Object(Request))',
    '#1 /var/www/app/Http/Controllers/OrderController.php(42): App\\Orders->create(Object(App\\Order))',
    '#2 [internal function]: App\\Http\\Controllers\\OrderController->store()',
    '#3 {main}',
  ].join('\n');
  assert.equal(detectRuntime(text), 'php');
  const p = parseStack(text);
  assert.deepEqual(p.frames.map((f) => [f.file, f.line, f.user]), [
    ['/var/www/vendor/laravel/framework/src/Router.php', 701, false],
    ['/var/www/app/Http/Controllers/OrderController.php', 42, true],
  ]);
  assert.deepEqual(firstUserFrame(text), { file: '/var/www/app/Http/Controllers/OrderController.php', line: 42, function: 'create', namespace: 'App\\Orders', user: true });
});

test('the throw site ignores causes (JVM Caused by, .NET inner exceptions); a line too long to be a frame is none', () => {
  const jvm = 'java.lang.IllegalStateException: x\n\tat com.acme.Api.get(Api.java:5)\nCaused by: java.io.IOException: y\n\tat com.acme.Disk.write(Disk.java:3)';
  assert.deepEqual(parseStack(jvm).frames.map((f) => f.file), ['com/acme/Api.java']);
  const long = `Error: x\n    at f (/app/${'a'.repeat(3000)}.js:1:1)\n    at g (/app/g.js:2:2)`;
  assert.deepEqual(parseStack(long).frames.map((f) => f.file), ['/app/g.js']);
});
