// Preview panels (issue 26): which panel an opened trace goes to.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { openAction, DOUBLE_OPEN_MS } = require('../../out/src/host/panel/previewPolicy.js');

test('with preview on, a trace opens in the preview panel when there is one, else in a new preview panel', () => {
  assert.equal(openAction({ hasPreview: true, preview: true, now: 0 }), 'replacePreview');
  assert.equal(openAction({ hasPreview: false, preview: true, now: 0 }), 'newPreview');
});

test('with preview off (setting, or a caller asking for a kept panel), every trace gets its own panel', () => {
  assert.equal(openAction({ hasPreview: true, preview: false, now: 0 }), 'newKept');
});

test('a trace shown already is revealed; the second open of a double-click keeps its preview panel', () => {
  assert.equal(openAction({ showing: { preview: false, openedAt: 0 }, hasPreview: true, preview: true, now: 100 }), 'reveal');
  assert.equal(openAction({ showing: { preview: true, openedAt: 1000 }, hasPreview: true, preview: true, now: 1000 + DOUBLE_OPEN_MS }), 'revealAndKeep');
  assert.equal(openAction({ showing: { preview: true, openedAt: 1000 }, hasPreview: true, preview: true, now: 1001 + DOUBLE_OPEN_MS }), 'reveal');
  // asked for a kept panel while the trace is in the preview: it is kept
  assert.equal(openAction({ showing: { preview: true, openedAt: 0 }, hasPreview: true, preview: false, now: 99_999 }), 'revealAndKeep');
});
