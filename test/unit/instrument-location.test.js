// Location capture inside the traced program: which stack frame is the app's, where a function is defined,
// generated → original positions (tsc map files, inline maps, ESM), and when an app counts as already traced.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { execFileSync } = require('node:child_process');
const { applicationFrame, applicationFile, addOwnDir } = require('../../out/src/instrument/frames.js');
const { functionLocation } = require('../../out/src/instrument/functionLocation.js');
const { originalPosition } = require('../../out/src/instrument/sourceMaps.js');
const { ownSdkReason } = require('../../out/src/instrument/detect.js');
const { serviceName, tracesUrl, isLauncher } = require('../../out/src/instrument/settings.js');
const { tagLines } = require('./_instrumentApps.js');

const ROOT = path.join(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'te-location-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel, text) {
  const f = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}

// a library (under node_modules) and this runtime's own folder both call back into what they are given
const lib = require(write('node_modules/fake-lib/index.js', 'exports.call = (f) => f();\nexports.later = (f, done) => setImmediate(() => done(f()));\n'));
const ownDir = path.join(tmp, 'runtime-own');
const own = require(write('runtime-own/hook.js', 'exports.call = (f) => f();\n'));
addOwnDir(ownDir);

test('the first frame that is neither a library, nor Node, nor the runtime is the app', () => {
  function appCaller() {
    return lib.call(() => own.call(applicationFrame)); // @here
  }
  const f = appCaller();
  assert.equal(f.file, __filename);
  assert.equal(f.line, tagLines(fs.readFileSync(__filename, 'utf8')).here);
  assert.ok(f.column > 0);
});

test('no application frame when only library code and Node internals are on the stack', async () => {
  const f = await new Promise((resolve) => lib.later(applicationFrame, resolve));
  assert.equal(f, undefined);
});

test('file classification: node: internals, node_modules, the runtime, file URLs', () => {
  assert.equal(applicationFile('node:internal/timers'), null);
  assert.equal(applicationFile('node:events'), null);
  assert.equal(applicationFile('/srv/app/node_modules/express/lib/router.js'), null);
  assert.equal(applicationFile(path.join(ownDir, 'x.js')), null);
  assert.equal(applicationFile(pathToFileURL('/srv/app/src/server.mjs').href), '/srv/app/src/server.mjs');
  assert.equal(applicationFile('/srv/app/src/server.js'), '/srv/app/src/server.js');
  assert.equal(applicationFile('evalmachine.<anonymous>'), null);
});

test('a function resolves to its own definition: declarations, arrows, methods, bound and wrapped functions', () => {
  const src = [
    'function handler(req, res) {}', // 1
    'const arrow = async (ctx) => {};', // 2
    'class Ctl {', // 3
    '  list(req) {}', // 4
    '}', // 5
    'module.exports = { handler, arrow, list: Ctl.prototype.list };',
  ].join('\n');
  const file = write('app/handlers.js', src);
  const m = require(file);
  assert.deepEqual(functionLocation(m.handler), { file, line: 1, column: 17, function: 'handler' });
  assert.deepEqual(functionLocation(m.arrow), { file, line: 2, column: 15, function: 'arrow' });
  assert.equal(functionLocation(m.list).line, 4);
  assert.equal(functionLocation(m.list).function, 'list');
  const bound = m.handler.bind(null);
  assert.equal(functionLocation(bound).line, 1);
  assert.equal(functionLocation(bound).function, 'handler');
  const wrapped = function patched() {};
  wrapped.__original = m.arrow;
  assert.equal(functionLocation(wrapped).line, 2);
  // cached: the second lookup is the same object
  assert.equal(functionLocation(m.handler), functionLocation(m.handler));
});

test('library functions and built-ins have no location to point at', () => {
  assert.equal(functionLocation(lib.call), undefined);
  assert.equal(functionLocation(Math.max), undefined);
});

test('an ES module function resolves to its file path, not a URL', async () => {
  const file = write('app/esm.mjs', 'export const a = 1;\n\nexport function handle() {}\n');
  const m = await import(pathToFileURL(file).href);
  assert.deepEqual(functionLocation(m.handle), { file, line: 3, column: 23, function: 'handle' });
});

const TS = `interface Order {
  id: string;
  total: number;
}
type Handler = (o: Order) => number;

export function price(o: Order): number {
  const rate: number = 1.2;
  return o.total * rate; // @target
}
`;

function generatedLine(js, needle) {
  return js.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

test('tsc output with a .map file beside it maps back to the .ts line', () => {
  const dir = path.join(tmp, 'tsc');
  const ts = write('tsc/src/price.ts', TS);
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--ignoreConfig', '--sourceMap', '--outDir', path.join(dir, 'dist'), '--module', 'commonjs', '--target', 'es2020', ts]);
  const js = path.join(dir, 'dist', 'price.js');
  assert.ok(fs.existsSync(`${js}.map`));
  const line = generatedLine(fs.readFileSync(js, 'utf8'), 'o.total * rate');
  assert.notEqual(line, tagLines(TS).target, 'the test needs generated and original lines to differ');
  const p = originalPosition({ file: js, line, column: 5 });
  assert.equal(p.file, ts);
  assert.equal(p.line, tagLines(TS).target);
});

test('an inline source map (data: URL) maps back too; a file without a map stays as it is', () => {
  const { transformSync } = require('esbuild');
  const ts = path.join(tmp, 'inline', 'src', 'price.ts');
  const out = transformSync(TS, { loader: 'ts', sourcemap: 'inline', sourcefile: ts, format: 'cjs' });
  const js = write('inline/build/price.js', out.code);
  const line = generatedLine(out.code, 'o.total * rate');
  const p = originalPosition({ file: js, line, column: 3 });
  assert.equal(p.file, ts);
  assert.equal(p.line, tagLines(TS).target);
  const plain = write('inline/plain.js', 'module.exports = 1;\n');
  assert.deepEqual(originalPosition({ file: plain, line: 1, column: 1 }), { file: plain, line: 1, column: 1 });
});

test('an app brings its own SDK: registered provider, preloaded auto-instrumentation, or SDK dependency', () => {
  const none = write('plain-app/package.json', JSON.stringify({ name: 'plain', dependencies: { express: '5.3.0' } }));
  assert.equal(ownSdkReason({}, [], none), undefined);
  assert.equal(ownSdkReason({}, [], undefined), undefined);
  const withSdk = write('sdk-app/package.json', JSON.stringify({ name: 'sdk', devDependencies: { '@opentelemetry/sdk-trace-node': '2.0.0' } }));
  assert.match(ownSdkReason({}, [], withSdk), /package\.json depends on @opentelemetry\/sdk-trace-node/);
  assert.match(ownSdkReason({ NODE_OPTIONS: '--require @opentelemetry/auto-instrumentations-node/register' }, [], none), /auto-instrumentations-node\/register/);
  assert.match(ownSdkReason({}, ['--require', '@opentelemetry/auto-instrumentations-node/register'], none), /auto-instrumentations-node/);
  const { trace } = require('@opentelemetry/api');
  const { TracerProvider } = require('@opentelemetry/sdk-trace');
  trace.setGlobalTracerProvider(new TracerProvider());
  try {
    assert.equal(ownSdkReason({}, [], none), 'a tracer provider (TracerProvider) is already registered');
  } finally {
    trace.disable();
  }
  // and after it is gone again, nothing is registered (the check reads the API's global, not a class name)
  try {
    assert.equal(ownSdkReason({}, [], none), undefined);
  } finally {
    trace.disable();
  }
});

test('service name: OTEL_SERVICE_NAME, resource attributes, nearest package.json, else the script name', () => {
  const pkg = write('svc/package.json', JSON.stringify({ name: '@acme/orders' }));
  const entry = write('svc/src/deep/main.js', '');
  assert.equal(serviceName({}, entry, '/').name, '@acme/orders');
  assert.equal(serviceName({}, entry, '/').packageJson, pkg);
  assert.equal(serviceName({ OTEL_SERVICE_NAME: 'x' }, entry, '/').name, 'x');
  assert.equal(serviceName({ OTEL_RESOURCE_ATTRIBUTES: 'a=b,service.name=from%20attrs' }, entry, '/').name, 'from attrs');
  // a runner that loads the app in-process (ts-node's bin) is no guide: the directory it was started in is
  const other = write('tools/package.json', JSON.stringify({ name: 'tooling-monorepo-root' }));
  const runner = write('tools/node_modules/ts-node/dist/bin.js', '');
  assert.equal(serviceName({}, runner, path.dirname(pkg)).name, '@acme/orders');
  assert.notEqual(serviceName({}, runner, path.dirname(pkg)).packageJson, other);
  const lone = fs.mkdtempSync(path.join('/tmp', 'te-lone-'));
  try {
    // no package.json up to / (tmp dirs have none): the script's name
    if (!fs.existsSync('/package.json') && !fs.existsSync('/tmp/package.json')) assert.equal(serviceName({}, path.join(lone, 'worker.ts'), lone).name, 'worker');
  } finally {
    fs.rmSync(lone, { recursive: true, force: true });
  }
});

test('traces URL: the traces endpoint as is, the general one with /v1/traces, else the OTLP default', () => {
  assert.equal(tracesUrl({}), 'http://localhost:4318/v1/traces');
  assert.equal(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9999/' }), 'http://127.0.0.1:9999/v1/traces');
  assert.equal(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b/custom' }), 'http://b/custom');
});

test('launchers that only start the real program are not traced themselves', () => {
  for (const s of ['/usr/bin/npm', '/usr/lib/node_modules/npm/bin/npm-cli.js', '/home/a/.npm-global/bin/npx', '/srv/app/node_modules/tsx/dist/cli.mjs', '/srv/app/node_modules/nodemon/bin/nodemon.js', '/srv/app/node_modules/.bin/tsx', 'C:\\nodejs\\node_modules\\npm\\bin\\npm-cli.js', '/usr/local/bin/pnpm']) {
    assert.ok(isLauncher(s), s);
  }
  for (const s of ['/srv/app/server.js', '/srv/app/src/npm.ts', '/srv/app/node_modules/ts-node/dist/bin.js', '/srv/app/node_modules/.bin/next', undefined]) {
    assert.ok(!isLauncher(s), String(s));
  }
});

test('an inline source map longer than 4 KB is found (its comment starts far from the end of the file)', () => {
  const { transformSync } = require('esbuild');
  const big = `${Array.from({ length: 300 }, (_, i) => `export const filler${i}: string = 'value number ${i} of the filler';`).join('\n')}\n${TS}`;
  const ts = path.join(tmp, 'biginline', 'src', 'price.ts');
  const out = transformSync(big, { loader: 'ts', sourcemap: 'inline', sourcefile: ts, format: 'cjs' });
  assert.ok(out.code.length - out.code.lastIndexOf('sourceMappingURL=') > 4096, 'the map comment is longer than the old 4 KB tail');
  const js = write('biginline/build/price.js', out.code);
  const p = originalPosition({ file: js, line: generatedLine(out.code, 'o.total * rate'), column: 3 });
  assert.equal(p.file, ts);
  assert.equal(p.line, tagLines(big).target);
});
