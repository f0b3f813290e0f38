// Built JavaScript with a source map → the original TypeScript line. The map is a real one: esbuild builds
// a small TypeScript module, the built code runs and throws, and its real stack trace is resolved.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');
const { SourceResolver } = require('../../out/src/source/resolver.js');
const { nodeWorkspace } = require('../../out/src/source/workspace.js');
const { firstUserFrame } = require('../../out/src/protocol/stackFrames.js');

let tmp;
let ws;
const SRC = [
  'interface Order { id: number; lines: string[] }',
  '',
  'export function priceOf(order: Order): number {',
  '  if (order.lines.length === 0) {',
  '    throw new Error(`order ${order.id} has no lines`); // line 5',
  '  }',
  '  return order.lines.length * 10;',
  '}',
  '',
].join('\n');

function write(p, text) {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'te-srcmap-')));
  ws = path.join(tmp, 'shop');
  write(path.join(ws, 'src/pricing.ts'), SRC);
  // a banner shifts the built lines, so a wrong (unmapped) answer cannot look right by accident
  const banner = '/* built */\n"use strict";\n\n\n';
  esbuild.buildSync({ entryPoints: [path.join(ws, 'src/pricing.ts')], outfile: path.join(ws, 'dist/pricing.js'), bundle: true, platform: 'node', format: 'cjs', sourcemap: 'linked', banner: { js: banner } });
  esbuild.buildSync({ entryPoints: [path.join(ws, 'src/pricing.ts')], outfile: path.join(ws, 'dist/inline/pricing.js'), bundle: true, platform: 'node', format: 'cjs', sourcemap: 'inline', minify: true });
  // a map whose sources point outside the workspace
  write(path.join(ws, 'dist/evil.js'), fs.readFileSync(path.join(ws, 'dist/pricing.js'), 'utf8').replace('pricing.js.map', 'evil.js.map'));
  const map = JSON.parse(fs.readFileSync(path.join(ws, 'dist/pricing.js.map'), 'utf8'));
  map.sources = ['../../outside/pricing.ts'];
  write(path.join(tmp, 'outside/pricing.ts'), SRC);
  write(path.join(ws, 'dist/evil2.js'), fs.readFileSync(path.join(ws, 'dist/pricing.js'), 'utf8').replace('pricing.js.map', 'evil2.js.map'));
  write(path.join(ws, 'dist/evil2.js.map'), JSON.stringify({ ...map, sources: ['../../../../../../../../../../etc/passwd'] }));
  write(path.join(ws, 'dist/evil.js.map'), JSON.stringify(map));
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function throwFrom(builtFile) {
  delete require.cache[builtFile];
  const mod = require(builtFile);
  try {
    mod.priceOf({ id: 7, lines: [] });
  } catch (e) {
    return e.stack;
  }
  throw new Error('did not throw');
}

test('linked map: a real stack frame in dist/pricing.js maps to src/pricing.ts:5', () => {
  const stack = throwFrom(path.join(ws, 'dist/pricing.js'));
  const frame = firstUserFrame(stack);
  assert.equal(frame.file, path.join(ws, 'dist/pricing.js'));
  assert.notEqual(frame.line, 5);
  // from another machine: /app/dist/pricing.js → suffix → map → original
  const r = new SourceResolver(nodeWorkspace([ws]));
  const res = r.resolveSync({ file: frame.file.replace(ws, '/app'), line: frame.line, column: frame.column, layer: 'stacktrace' });
  assert.equal(res.ok, true);
  assert.equal(res.rel, 'src/pricing.ts');
  assert.equal(res.line, 5);
  assert.equal(res.column, 11); // V8 points at `new Error(`, column 11 of the original line
  assert.equal(res.sourceMapped, true);
});

test('inline (data: URL) map of a minified bundle', () => {
  const stack = throwFrom(path.join(ws, 'dist/inline/pricing.js'));
  const frame = firstUserFrame(stack);
  const r = new SourceResolver(nodeWorkspace([ws]));
  const res = r.resolveSync({ file: frame.file, line: frame.line, column: frame.column, layer: 'stacktrace' });
  assert.equal(res.rel, 'src/pricing.ts');
  assert.equal(res.line, 5);
});

test('code.* attributes without a column: first mapping on the line', () => {
  const built = fs.readFileSync(path.join(ws, 'dist/pricing.js'), 'utf8').split('\n');
  const line = built.findIndex((l) => l.includes('return order.lines.length')) + 1;
  const r = new SourceResolver(nodeWorkspace([ws]));
  const res = r.resolveSync({ file: path.join(ws, 'dist/pricing.js'), line, layer: 'attributes' });
  assert.equal(res.rel, 'src/pricing.ts');
  assert.equal(res.line, 7);
});

test('a map pointing outside the workspace is not followed: the built file is shown instead', () => {
  const r = new SourceResolver(nodeWorkspace([ws]));
  const built = fs.readFileSync(path.join(ws, 'dist/pricing.js'), 'utf8').split('\n');
  const line = built.findIndex((l) => l.includes('return order.lines.length')) + 1;
  for (const f of ['dist/evil.js', 'dist/evil2.js']) {
    const res = r.resolveSync({ file: path.join(ws, f), line, layer: 'attributes' });
    assert.equal(res.ok, true);
    assert.equal(res.rel, f);
    assert.equal(res.line, line);
    assert.equal(res.sourceMapped, undefined);
    assert.match(res.note, /outside the workspace/);
  }
});

test('no map: the built file and line as they are', () => {
  write(path.join(ws, 'dist/plain.js'), 'module.exports = 1;\n');
  const r = new SourceResolver(nodeWorkspace([ws]));
  const res = r.resolveSync({ file: '/app/dist/plain.js', line: 1, layer: 'attributes' });
  assert.equal(res.rel, 'dist/plain.js');
  assert.equal(res.line, 1);
});
