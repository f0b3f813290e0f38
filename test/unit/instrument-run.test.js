// `trace-explorer run -- node app` against a receiver: unmodified Express, Koa and Fastify apps (CommonJS,
// ESM, TypeScript through tsx; Express also through ts-node) get every span placed on its line — handler and middleware spans on the
// function's definition, the request's server span on its route handler, fetches on the calling line.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startTestReceiver, until } = require('./_receiverHelpers.js');
const { writeApp, runTraced, allSpans, tagLines, ROOT } = require('./_instrumentApps.js');

const SERVER = 2;
const CLIENT = 3;
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const TS_NODE = path.join(ROOT, 'node_modules', '.bin', 'ts-node');

function command(app, kind) {
  if (kind === 'ts-node') {
    // ts-node compiles in memory: the .ts file on disk has no map, only the code it hands to Node does
    fs.writeFileSync(path.join(app.dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', target: 'es2022', esModuleInterop: true } }));
    return [TS_NODE, '--transpile-only', app.file];
  }
  return kind === 'ts' ? [TSX, app.file] : [process.execPath, app.file];
}

/** The route a span serves: its nearest SERVER ancestor's (or own) route. */
function routeOf(span, byId) {
  for (let s = span; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) {
    if (s.kind === SERVER) return s.attrs['http.route'] ?? s.name.split(' ')[1];
  }
  return undefined;
}

const HANDLER_TAG = { '/hello': 'hello', '/boom': 'boom', '/call': 'call' };

for (const framework of ['express', 'koa', 'fastify']) {
  for (const kind of framework === 'express' ? ['cjs', 'esm', 'ts', 'ts-node'] : ['cjs', 'esm', 'ts']) {
    test(`${framework} (${kind}): every span points at the line that produced it`, async () => {
      const rc = await startTestReceiver();
      const app = writeApp(framework, kind === 'ts-node' ? 'ts' : kind);
      if (kind === 'ts-node') {
        // tsc's CommonJS prologue happens to be as long as the declarations it drops: more of them, so the
        // generated lines are off and only the in-memory source map gives the right ones
        const source = `type Id = string;\ntype Count = number;\ntype Names = string[];\n${fs.readFileSync(app.file, 'utf8')}`;
        fs.writeFileSync(app.file, source);
        app.tags = tagLines(source);
      }
      try {
        const r = await runTraced(app.dir, ['--endpoint', `http://127.0.0.1:${rc.httpPort}`], command(app, kind));
        assert.equal(r.code, 0, `app exited ${r.code} ${r.signal ?? ''}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`trace-explorer: tracing ${app.name} → http://127\\.0\\.0\\.1:${rc.httpPort} \\(full\\)`));
        // one line per program, also when a launcher (tsx's CLI) starts it in a child
        assert.equal(r.stderr.match(/trace-explorer:/g).length, 1, r.stderr);
        // 3 driver fetches + 1 fetch from /call, each with a server span
        const spans = await until(async () => {
          const s = await allSpans(rc.api);
          return s.filter((x) => x.kind === SERVER).length >= 4 && s.filter((x) => x.kind === CLIENT).length >= 4 ? s : undefined;
        }, 30000, 'the app\'s spans');
        const byId = new Map(spans.map((s) => [s.spanId, s]));
        const frameworkSpans = spans.filter((s) => s.kind !== SERVER && s.kind !== CLIENT);
        assert.ok(frameworkSpans.length >= 3, `framework spans: ${spans.map((s) => s.name).join(', ')}`);
        for (const s of spans) {
          const where = `${s.name} (${s.scope})`;
          assert.equal(s.service, app.name, `service of ${where}`);
          assert.equal(s.attrs['code.file.path'], app.file, `file of ${where}: ${JSON.stringify(s.attrs)}`);
          let tag;
          if (s.kind === CLIENT) tag = s.parentSpanId ? 'fetch' : 'drive';
          else if (/middleware|^onRequest/.test(s.name)) tag = 'mw';
          else tag = HANDLER_TAG[routeOf(s, byId)];
          assert.ok(tag, `no expectation for ${where}`);
          assert.equal(s.attrs['code.line.number'], app.tags[tag], `line of ${where} (expected @${tag})`);
          assert.ok(s.attrs['code.column.number'] > 0, `column of ${where}`);
          if (s.kind === SERVER || tag === 'hello') assert.ok(['hello', 'boom', 'call'].includes(s.attrs['code.function.name']), `function of ${where}: ${s.attrs['code.function.name']}`);
        }
      } finally {
        await rc.close();
        fs.rmSync(app.dir, { recursive: true, force: true });
      }
    });
  }
}

test('a plain http.createServer app: the server span points at the request listener', async () => {
  const rc = await startTestReceiver();
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'te-http-'));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'plain-http-app' }));
    const src = `const http = require('node:http');
const server = http.createServer(function handle(req, res) { // @listener
  res.end(req.url);
});
server.listen(0, '127.0.0.1', async () => {
  await (await fetch(\`http://127.0.0.1:\${server.address().port}/a\`)).text(); // @drive
  server.close();
});
`;
    const file = path.join(dir, 'server.js');
    fs.writeFileSync(file, src);
    const r = await runTraced(dir, ['--endpoint', `http://127.0.0.1:${rc.httpPort}`], [process.execPath, file]);
    assert.equal(r.code, 0, r.stderr);
    const spans = await until(async () => {
      const s = await allSpans(rc.api);
      return s.length >= 2 ? s : undefined;
    }, 10000, 'server and client span');
    const tags = require('./_instrumentApps.js').tagLines(src);
    const server = spans.find((s) => s.kind === SERVER);
    const client = spans.find((s) => s.kind === CLIENT);
    assert.equal(server.attrs['code.file.path'], file);
    assert.equal(server.attrs['code.line.number'], tags.listener);
    assert.equal(server.attrs['code.function.name'], 'handle');
    assert.equal(client.attrs['code.line.number'], tags.drive);
    assert.equal(server.service, 'plain-http-app');
  } finally {
    await rc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a NestJS app: controller methods own their Nest, Express and server spans', async () => {
  const rc = await startTestReceiver();
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'te-nest-'));
  try {
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'nest-app' }));
    // decorators applied by hand, so plain JavaScript runs it
    const src = `require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { Module, Controller, Get } = require('@nestjs/common');
class ItemsController {
  list() { // @list
    return ['a', 'b'];
  }
  async one() { // @one
    const r = await fetch(\`http://127.0.0.1:\${port}/items\`); // @fetch
    return { n: (await r.json()).length };
  }
}
Reflect.decorate([Get()], ItemsController.prototype, 'list', Object.getOwnPropertyDescriptor(ItemsController.prototype, 'list'));
Reflect.decorate([Get('one')], ItemsController.prototype, 'one', Object.getOwnPropertyDescriptor(ItemsController.prototype, 'one'));
Reflect.decorate([Controller('items')], ItemsController);
class AppModule {}
Reflect.decorate([Module({ controllers: [ItemsController] })], AppModule);
let port = 0;
async function main() {
  const app = await NestFactory.create(AppModule, { logger: false }); // @create
  await app.listen(0, '127.0.0.1');
  port = app.getHttpServer().address().port;
  await (await fetch(\`http://127.0.0.1:\${port}/items/one\`)).text(); // @drive
  await app.close();
}
main();
`;
    const file = path.join(dir, 'app.js');
    fs.writeFileSync(file, src);
    const tags = require('./_instrumentApps.js').tagLines(src);
    const r = await runTraced(dir, ['--endpoint', `http://127.0.0.1:${rc.httpPort}`], [process.execPath, file]);
    assert.equal(r.code, 0, r.stderr);
    const spans = await until(async () => {
      const s = await allSpans(rc.api);
      return s.filter((x) => x.kind === SERVER).length >= 2 && s.some((x) => x.name === 'Create Nest App') ? s : undefined;
    }, 10000, 'the Nest app\'s spans');
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const s of spans) {
      const where = `${s.name} (${s.scope})`;
      if (/^middleware - /.test(s.name)) {
        // Nest's own body parsers: library code, nothing of the app's to point at
        assert.equal(s.attrs['code.file.path'], undefined, where);
        continue;
      }
      let tag;
      if (s.name === 'Create Nest App') tag = 'create';
      else if (s.kind === CLIENT) tag = s.parentSpanId ? 'fetch' : 'drive';
      else tag = routeOf(s, byId) === '/items' ? 'list' : 'one';
      assert.equal(s.attrs['code.file.path'], file, `file of ${where}`);
      assert.equal(s.attrs['code.line.number'], tags[tag], `line of ${where} (expected @${tag})`);
    }
    assert.ok(spans.some((s) => s.scope === '@opentelemetry/instrumentation-express' && s.attrs['code.line.number'] === tags.one), 'the Express request handler span of /items/one');
  } finally {
    await rc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
