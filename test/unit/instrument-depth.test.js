// How deep the runtime captures stacks: as deep as a scope's spans have needed, plus a margin (src/instrument/frames.ts).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { DepthHints } = require('../../out/src/instrument/frames');
const { onSpanStart, onSpanEnd } = require('../../out/src/instrument/codeAttributes');

test('a scope captures the full depth until one of its spans showed where the application frame is', () => {
  const h = new DepthHints();
  assert.equal(h.limit('lib'), 40);
  h.learn('lib', { limit: 40 }, 7);
  assert.equal(h.limit('lib'), 12, 'index 7 → 8 frames + a margin of 4');
  assert.equal(h.limit('other'), 40, 'per scope');
  h.learn('lib', { limit: 12 }, 10);
  assert.equal(h.limit('lib'), 15, 'a deeper call grows the hint');
  h.learn('lib', { limit: 15 }, 2);
  assert.equal(h.limit('lib'), 15, 'a shallower one does not shrink it');
  h.learn('lib', { limit: 15 }, undefined);
  assert.equal(h.limit('lib'), 40, 'none found within a short limit: back to the full depth');
  h.learn(undefined, { limit: 40 }, 3);
  assert.equal(h.limit(undefined), 40);
});

test('spans of a scope keep their application frame once the capture is shortened', () => {
  const span = () => { const attributes = {}; return { attributes, setAttribute: (k, v) => { attributes[k] = v; } }; };
  const lib = (depth, cb) => (depth === 0 ? cb() : lib(depth - 1, cb));
  const lines = [];
  for (let i = 0; i < 5; i++) {
    const s = span();
    lib(6, () => onSpanStart(s, 'test-depth-scope', () => undefined, 2)); // the app's call: this line
    onSpanEnd(s);
    lines.push(s.attributes['code.line.number']);
    assert.equal(s.attributes['code.file.path'], __filename);
  }
  assert.equal(new Set(lines).size, 1, 'the same line every time');
});
