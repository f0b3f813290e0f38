// The resolver against real directories: path mappings, suffix matching with ambiguity, multi-root,
// Windows paths and file:// URLs, names, and the hostile paths it must refuse.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { SourceResolver } = require('../../out/src/source/resolver.js');
const { nodeWorkspace } = require('../../out/src/source/workspace.js');
const { normalizeRawPath, normalizeAnyPath, isWithin } = require('../../out/src/source/paths.js');

let tmp;
let shop; // workspace folder 1
let billing; // workspace folder 2
let outside;

function write(p, text = '') {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'te-resolver-')));
  shop = path.join(tmp, 'shop');
  billing = path.join(tmp, 'billing');
  outside = path.join(tmp, 'outside');
  write(path.join(shop, 'src/orders/handler.js'), 'export function createOrder(req) {\n  return 1;\n}\n');
  write(path.join(shop, 'src/orders/util.js'));
  write(path.join(shop, 'src/index.js'));
  write(path.join(shop, 'test/fixtures/src/index.js'));
  write(path.join(shop, 'services/api/server.js'));
  write(path.join(shop, 'services/worker/server.js'));
  write(path.join(shop, 'src/main/java/com/acme/shop/OrderService.java'), 'package com.acme.shop;\nclass OrderService {\n  public Order create(Request r) {\n    return null;\n  }\n}\n');
  write(path.join(shop, 'node_modules/lib/index.js'));
  write(path.join(shop, 'Program.cs'));
  write(path.join(billing, 'src/invoice.ts'), 'function computeInvoice() {}\nexport const totals = async (x) => x;\n');
  write(path.join(billing, 'src/index.js'));
  write(path.join(outside, 'secret.js'), 'secret');
  fs.symlinkSync(path.join(outside, 'secret.js'), path.join(shop, 'src/leak.js'));
  fs.symlinkSync(outside, path.join(shop, 'linkdir'));
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const loc = (file, line, extra = {}) => ({ file, line, layer: 'attributes', ...extra });

test('the path itself when the app runs from the workspace', () => {
  const r = new SourceResolver(nodeWorkspace([shop]));
  const res = r.resolveSync(loc(path.join(shop, 'src/orders/handler.js'), 2));
  assert.equal(res.ok, true);
  assert.equal(res.rel, 'src/orders/handler.js');
  assert.equal(res.line, 2);
  assert.equal(res.via, 'path');
  assert.equal(res.confidence, 1);
});

test('user path mappings first (container paths), ${workspaceFolder} and relative targets', () => {
  const r = new SourceResolver(nodeWorkspace([shop]), { '/app': '${workspaceFolder}', '/srv/api': 'services/api' });
  let res = r.resolveSync(loc('/app/src/index.js', 1));
  assert.equal(res.ok, true);
  assert.equal(res.rel, 'src/index.js');
  assert.equal(res.via, 'mapping');
  assert.equal(res.confidence, 0.95);
  res = r.resolveSync(loc('/srv/api/server.js', 5));
  assert.equal(res.rel, 'services/api/server.js');
  // a mapping whose target does not exist falls back to suffix matching and says so
  res = r.resolveSync(loc('/app/orders/handler.js', 1));
  assert.equal(res.via, 'suffix');
  assert.match(res.note ?? '', /does not exist/);
  // mappings must point into the workspace
  const bad = new SourceResolver(nodeWorkspace([shop]), [{ from: '/app', to: '/etc' }, { from: 'vscode://x', to: 'src' }]);
  assert.equal(bad.mappingErrors.length, 2);
});

test('longest unique suffix wins; ties are ambiguous with candidates, never guessed', () => {
  const r = new SourceResolver(nodeWorkspace([shop]));
  let res = r.resolveSync(loc('/home/ci/build/shop/src/orders/handler.js', 3));
  assert.equal(res.ok, true);
  assert.equal(res.rel, 'src/orders/handler.js');
  assert.equal(res.via, 'suffix');
  assert.equal(res.confidence, 0.9);
  // src/index.js vs test/fixtures/src/index.js: '/app/src/index.js' matches both on 2 segments
  res = r.resolveSync(loc('/app/src/index.js', 1));
  assert.equal(res.ok, false);
  assert.equal(res.reason, 'ambiguous');
  assert.deepEqual(res.candidates.map((c) => c.rel).sort(), ['src/index.js', 'test/fixtures/src/index.js']);
  // one more segment decides
  res = r.resolveSync(loc('/x/fixtures/src/index.js', 1));
  assert.equal(res.rel, 'test/fixtures/src/index.js');
  // two server.js files: ambiguous; with their folder: unique
  assert.equal(r.resolveSync(loc('/srv/server.js', 1)).reason, 'ambiguous');
  assert.equal(r.resolveSync(loc('/srv/worker/server.js', 1)).rel, 'services/worker/server.js');
  // file name only: lower confidence, said so
  res = r.resolveSync(loc('/elsewhere/util.js', 1));
  assert.equal(res.confidence, 0.6);
  assert.match(res.note, /file name only/);
  // unknown file
  res = r.resolveSync(loc('/app/src/nothere.js', 1));
  assert.equal(res.reason, 'not-in-workspace');
  assert.match(res.message, /path mapping/);
});

test('dependencies are never the answer', () => {
  const r = new SourceResolver(nodeWorkspace([shop]));
  assert.equal(r.resolveSync(loc('/app/node_modules/lib/index.js', 1)).ok === true && r.resolveSync(loc('/app/node_modules/lib/index.js', 1)).rel.includes('node_modules'), false);
});

test('multi-root: files from either folder, ambiguity across folders', () => {
  const r = new SourceResolver(nodeWorkspace([shop, billing]));
  const res = r.resolveSync(loc('/srv/billing/src/invoice.ts', 4));
  assert.equal(res.folder.name, 'billing');
  assert.equal(res.rel, 'src/invoice.ts');
  const amb = r.resolveSync(loc('/deploy/src/index.js', 1));
  assert.equal(amb.reason, 'ambiguous');
  assert.deepEqual(amb.candidates.map((c) => `${c.folder}/${c.rel}`).sort(), ['billing/src/index.js', 'shop/src/index.js', 'shop/test/fixtures/src/index.js']);
});

test('Windows paths and file:// URLs', () => {
  const r = new SourceResolver(nodeWorkspace([shop]), { 'C:\\build\\shop': '${workspaceFolder}' });
  let res = r.resolveSync(loc('C:\\build\\shop\\src\\orders\\handler.js', 2));
  assert.equal(res.rel, 'src/orders/handler.js');
  assert.equal(res.via, 'mapping');
  // drive letters and case differ on Windows: case-insensitive suffix
  res = r.resolveSync(loc('D:\\Agent\\_work\\SRC\\Orders\\Handler.js', 2));
  assert.equal(res.rel, 'src/orders/handler.js');
  res = r.resolveSync(loc('file:///C:/build/shop/Program.cs', 1));
  assert.equal(res.rel, 'Program.cs');
  res = r.resolveSync(loc(`file://${path.join(shop, 'src/orders/util.js')}`, 1));
  assert.equal(res.via, 'path');
  res = r.resolveSync(loc('file:///app/src/orders/handler.js', 1));
  assert.equal(res.rel, 'src/orders/handler.js');
});

test('hostile paths are refused, never resolved', () => {
  const r = new SourceResolver(nodeWorkspace([shop]));
  const cases = {
    '../../etc/passwd': 'unsafe-path',
    '../../../../../../etc/passwd': 'unsafe-path',
    'src/../../../outside/secret.js': 'unsafe-path',
    '\\\\evil-host\\share\\index.js': 'unsafe-path',
    '//evil-host/share/index.js': 'unsafe-path',
    '\\\\?\\C:\\Windows\\win.ini': 'unsafe-path',
    '\\\\.\\PhysicalDrive0': 'unsafe-path',
    'vscode://vscode.git/clone?url=x': 'unsafe-path',
    'command:workbench.action.terminal.new': 'unsafe-path',
    'https://evil.example/index.js': 'unsafe-path',
    'file://evil-host/share/index.js': 'unsafe-path',
    '/dev/zero': 'unsafe-path',
    '/proc/self/environ': 'unsafe-path',
    'C:\\app\\CON': 'unsafe-path',
    'src/index.js\u0000.png': 'unsafe-path',
    'C:relative.js': 'unsafe-path',
  };
  for (const [p, reason] of Object.entries(cases)) {
    const res = r.resolveSync(loc(p, 1));
    assert.equal(res.ok, false, p);
    assert.equal(res.reason, reason, p);
  }
  // absolute paths outside the workspace are simply not in it
  assert.equal(r.resolveSync(loc('/etc/passwd', 1)).ok, false);
  assert.equal(r.resolveSync(loc(path.join(outside, 'secret.js'), 1)).ok, false);
  // a symlink inside the workspace that leads outside: refused after realpath
  const leak = r.resolveSync(loc(path.join(shop, 'src/leak.js'), 1));
  assert.equal(leak.ok, false);
  assert.equal(leak.reason, 'not-in-workspace');
  assert.equal(r.resolveSync(loc('/app/src/leak.js', 1)).ok, false);
  assert.equal(r.resolveSync(loc(path.join(shop, 'linkdir/secret.js'), 1)).ok, false);
  assert.equal(r.resolveSync(loc('/x/linkdir/secret.js', 1)).ok, false);
  assert.equal(r.isInsideWorkspace(path.join(shop, 'src/leak.js')), false);
  assert.equal(r.isInsideWorkspace(path.join(shop, 'src/index.js')), true);
});

test('isWithin: a folder holds itself and what is below it, never a sibling that shares its prefix', () => {
  assert.equal(isWithin('/ws/shop', '/ws/shop'), true);
  assert.equal(isWithin('/ws/shop', '/ws/shop/src/x.ts'), true);
  assert.equal(isWithin('/ws/shop', '/ws/shopping/x.ts'), false);
  assert.equal(isWithin('/ws/shop', '/ws/sho'), false);
  assert.equal(isWithin('/ws/shop/', '/ws/shop/x.ts'), true);
  assert.equal(isWithin('/', '/etc/passwd'), true);
  assert.equal(isWithin('c:/', 'c:/src/x.cs'), true);
  assert.equal(isWithin('c:/Src', 'C:/src/X.cs', true), true);
  assert.equal(isWithin('c:/Src', 'C:/src/X.cs'), false);
});

test('normalizeRawPath: the one-pass common case answers exactly what the general normaliser answers', () => {
  let seed = 7;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const parts = ['/', '/', '/', 'a', 'src', 'x.ts', '.', '..', ' ', '\\', ':', 'C:', '\u00a0', '\u0001', '\u007f', 'é', 'con', 'nul.txt', 'lpt1', 'dev', 'proc', '~', '-', '\u2028'];
  const samples = ['/app/src/x.ts', '/dev/null', '/proc/1/environ', '/app/con/x', '/app/ x.ts', '/app/x.ts ', '/app/\u00a0x', '/', '//app', '/app/', '/a/./b', '/a/../b'];
  for (let n = 0; n < 20000; n++) {
    let p = rnd(4) ? '/' : '';
    const k = 1 + rnd(8);
    for (let j = 0; j < k; j++) p += parts[rnd(parts.length)];
    samples.push(p);
  }
  for (const p of samples) assert.deepEqual(normalizeRawPath(p), normalizeAnyPath(p), JSON.stringify(p));
});

test('normalizeRawPath: accepted forms', () => {
  assert.deepEqual(normalizeRawPath('/app/./src//x/../y.js'), { ok: true, path: '/app/src/y.js', absolute: true, windows: false, segments: ['app', 'src', 'y.js'] });
  assert.equal(normalizeRawPath('webpack:///./src/app.ts').path, 'src/app.ts');
  assert.equal(normalizeRawPath('webpack://shop/./src/app.ts').path, 'src/app.ts');
  assert.equal(normalizeRawPath('C:/x/y.cs').path, 'c:/x/y.cs');
  assert.equal(normalizeRawPath('file:///srv/a%20b.js').path, '/srv/a b.js');
});

test('names: namespace suggests the file (JVM), text scan for a bare function, ambiguity reported', async () => {
  const r = new SourceResolver(nodeWorkspace([shop, billing]));
  let res = r.resolveSync({ function: 'create', namespace: 'com.acme.shop.OrderService', layer: 'name' });
  assert.equal(res.ok, true);
  assert.equal(res.rel, 'src/main/java/com/acme/shop/OrderService.java');
  assert.equal(res.line, 3);
  assert.equal(res.layer, 'name');
  assert.ok(res.confidence <= 0.5);
  res = await r.resolve({ function: 'computeInvoice', layer: 'name' });
  assert.equal(res.ok, true);
  assert.equal(res.rel, 'src/invoice.ts');
  assert.equal(res.line, 1);
  assert.equal(res.confidence, 0.4);
  assert.match(res.note, /text match of its definition/); // (no symbol provider here: a text scan)
  res = await r.resolve({ function: 'totals', layer: 'name' });
  assert.equal(res.line, 2);
  res = await r.resolve({ function: 'doesNotExist', layer: 'name' });
  assert.equal(res.reason, 'no-symbol');
  // adapter symbol provider: exact names only, several = ambiguous
  const ws = nodeWorkspace([shop], {
    findSymbols: async (name) => [
      { path: path.join(shop, 'src/index.js'), line: 1, name },
      { path: path.join(shop, 'src/orders/util.js'), line: 9, name },
      { path: path.join(shop, 'src/orders/util.js'), line: 12, name: name + 'Helper' },
      { path: path.join(outside, 'secret.js'), line: 1, name },
    ],
  });
  res = await new SourceResolver(ws).resolve({ function: 'run', layer: 'name' });
  assert.equal(res.reason, 'ambiguous');
  assert.equal(res.candidates.length, 2);
  assert.deepEqual(res.candidates.map((c) => `${c.rel}:${c.line}`), ['src/index.js:1', 'src/orders/util.js:9']);
});

test('names: the document symbol provider places the function in the namespace’s file; no workspace symbol → text scan', async () => {
  const jvm = { function: 'create', namespace: 'com.acme.shop.OrderService', layer: 'name' };
  const asked = [];
  const one = nodeWorkspace([shop, billing], { findSymbolsInFile: async (abs, name) => (asked.push([path.basename(abs), name]), [{ line: 7, column: 5 }]) });
  let res = await new SourceResolver(one).resolve(jvm);
  assert.equal(res.rel, 'src/main/java/com/acme/shop/OrderService.java');
  assert.deepEqual([res.line, res.column, res.confidence], [7, 5, 0.5]);
  assert.match(res.note, /document symbol provider/);
  assert.deepEqual(asked, [['OrderService.java', 'create']]);
  // two definitions (overloads), none, or a provider that fails: the text scan's answer stands
  for (const findSymbolsInFile of [async () => [{ line: 7 }, { line: 9 }], async () => [], async () => { throw new Error('no provider'); }]) {
    res = await new SourceResolver(nodeWorkspace([shop, billing], { findSymbolsInFile })).resolve(jvm);
    assert.equal(res.line, 3);
    assert.doesNotMatch(res.note, /document symbol provider/);
  }
  // a workspace symbol provider that knows nothing of the language: the definitions are found in the text
  res = await new SourceResolver(nodeWorkspace([shop, billing], { findSymbols: async () => [] })).resolve({ function: 'computeInvoice', layer: 'name' });
  assert.equal(res.ok, true);
  assert.equal(res.rel, 'src/invoice.ts');
  assert.equal(res.line, 1);
  assert.match(res.note, /text match of its definition/);
  res = await new SourceResolver(nodeWorkspace([shop, billing], { findSymbols: async () => [] })).resolve({ function: 'doesNotExist', layer: 'name' });
  assert.equal(res.reason, 'no-symbol');
});

test('no signal', () => {
  const r = new SourceResolver(nodeWorkspace([shop]));
  const res = r.resolveSync(null);
  assert.equal(res.reason, 'no-signal');
  assert.match(res.message, /code\.\*/);
});
