'use strict';
// Entry points (src/instrument/entryPoints.ts): functions an instrumentation patched are wrapped so a span
// that starts inside one captures its stack from there down. The wrapper must be invisible to the program,
// and the location must stay right through learning, eager capture, nesting and a deeper caller.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { markEntry, markInstrumentationEntries } = require('../../out/src/instrument/entryPoints');
const { onSpanStart, onSpanEnd } = require('../../out/src/instrument/codeAttributes');
const shimmer = require('../../node_modules/@opentelemetry/instrumentation/dist/shimmer.cjs');

const span = () => {
  const attributes = {};
  return { attributes, setAttribute: (k, v) => { attributes[k] = v; } };
};
const noServer = () => undefined;
const lineOf = (fn) => {
  const src = fs.readFileSync(__filename, 'utf8').split('\n');
  return src.findIndex((l) => l.includes(`@${fn}`)) + 1;
};

// a "library" under node_modules: its frames are never the application's
const libDir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-entry-'));
fs.mkdirSync(path.join(libDir, 'node_modules', 'lib'), { recursive: true });
fs.writeFileSync(path.join(libDir, 'node_modules', 'lib', 'index.js'), `
function d3(s) { return s(); } function d2(s) { return d3(s); } function d1(s) { return d2(s); }
exports.query = function query(s) { return d1(s); };
exports.viaOrm = function viaOrm(s) { return exports.query(s); };
`);
const lib = require(path.join(libDir, 'node_modules', 'lib', 'index.js'));
test.after(() => fs.rmSync(libDir, { recursive: true, force: true }));

function startIn(list) {
  return function startSpan() {
    const s = span();
    onSpanStart(s, '@opentelemetry/instrumentation-pg', noServer, 2, startSpan);
    list.push(s);
  };
}

test('a marked function behaves as the original: this, new, arguments, result, properties, prototype', () => {
  function original(a, b) { return [this && this.tag, a, b, arguments.length]; }
  original.extra = 42;
  original.prototype.hello = function () { return 'hi'; };
  const wrapped = markEntry(original);
  assert.notStrictEqual(wrapped, original);
  assert.deepStrictEqual(wrapped.call({ tag: 't' }, 1, 2, 3), ['t', 1, 2, 3]);
  assert.strictEqual(wrapped.extra, 42);
  assert.strictEqual(wrapped.name, 'original');
  assert.strictEqual(wrapped.length, 2);
  function Ctor(x) { this.x = x; }
  Ctor.prototype.get = function () { return this.x; };
  const W = markEntry(Ctor);
  const o = new W(7);
  assert.strictEqual(o.get(), 7);
  assert.ok(o instanceof Ctor);
  assert.throws(() => markEntry(() => { throw new RangeError('kept'); })(), RangeError);
  class K {}
  assert.strictEqual(markEntry(K), K, 'classes are left alone');
  assert.strictEqual(markEntry(wrapped), wrapped, 'never twice');
  assert.strictEqual(markEntry('x'), 'x');
});

test('an instrumentation\'s _wrap marks what it patches, and shimmer can still unwrap it', () => {
  const inst = { _wrap: shimmer.wrap, _massWrap: shimmer.massWrap };
  markInstrumentationEntries(inst);
  const mod = { f: (x) => x + 1, g: (x) => x * 2 };
  inst._wrap(mod, 'f', (orig) => function patched(x) { return orig(x) * 10; });
  assert.strictEqual(mod.f(1), 20);
  assert.strictEqual(mod.f.__wrapped, true);
  assert.strictEqual(mod.f.name, 'patched');
  mod.f.__unwrap();
  assert.strictEqual(mod.f(1), 2);
  inst._massWrap([mod], ['g'], (orig) => function patchedG(x) { return orig(x) + 1; });
  assert.strictEqual(mod.g(3), 7);
});

test('spans inside a marked library function point at the application line that called it, every time', () => {
  const query = markEntry(lib.query);
  const spans = [];
  const start = startIn(spans);
  for (let i = 0; i < 12; i++) {
    query(start); // @callA
    if (i % 2) query(start); // @callB
  }
  for (const s of spans) onSpanEnd(s);
  assert.strictEqual(spans.length, 18);
  // the first calls learn (full capture), later ones capture at the call (eager): all land on the caller's line
  const lines = spans.map((s) => s.attributes['code.line.number']);
  assert.ok(spans.every((s) => s.attributes['code.file.path'] === __filename), 'all in this file');
  assert.deepStrictEqual([...new Set(lines)].sort(), [lineOf('callA'), lineOf('callB')].sort());
});

test('a deeper caller found after learning: that span is unplaced, the next ones are right again', () => {
  const plain = lib.query;
  const query = markEntry(plain);
  const viaOrm = (s) => lib.viaOrm(s); // @viaOrm (a library calling the patched function for the app)
  lib.query = query;
  try {
    const spans = [];
    const start = startIn(spans);
    for (let i = 0; i < 6; i++) { query(start); onSpanEnd(spans[spans.length - 1]); } // @direct
    viaOrm(start); onSpanEnd(spans[spans.length - 1]);
    const missed = spans[spans.length - 1];
    for (let i = 0; i < 3; i++) { viaOrm(start); onSpanEnd(spans[spans.length - 1]); } // @orm
    const after = spans.slice(-3);
    assert.strictEqual(missed.attributes['code.file.path'], undefined, 'one span not placed while the depth is relearned');
    for (const s of after) {
      assert.strictEqual(s.attributes['code.file.path'], __filename);
      assert.strictEqual(s.attributes['code.line.number'], lineOf('viaOrm'), 'the app frame above the library that called it');
    }
    assert.ok(spans.slice(0, 6).every((s) => s.attributes['code.line.number'] === lineOf('direct')));
  } finally {
    lib.query = plain;
  }
});

test('nested marked functions: the innermost one is where the stack starts', () => {
  const inner = markEntry(lib.query);
  const spans = [];
  const start = startIn(spans);
  const outer = markEntry(function outerFramework(cb) { return cb(); });
  for (let i = 0; i < 8; i++) outer(() => inner(start)); // @nested
  for (const s of spans) onSpanEnd(s);
  assert.ok(spans.every((s) => s.attributes['code.line.number'] === lineOf('nested')), JSON.stringify(spans.map((s) => s.attributes)));
});
