// Which locations a window fetches after live updates: the changed keys, or everything.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { LocationFetchPlan, MAX_KEYS_PER_FETCH, MAX_KEY_CHARS_PER_FETCH } = require('../../out/src/source/locationFetchPlan.js');

test('the first fetch is a full one; then only the keys events named, each once', () => {
  const p = new LocationFetchPlan();
  p.changed(['a', 'b']);
  assert.deepEqual(p.take(), { full: true });
  assert.equal(p.pending, false);
  p.changed(['a', 'b']);
  p.changed(['b', 'c']);
  assert.equal(p.pending, true);
  assert.deepEqual(p.take(), { full: false, keys: ['a', 'b', 'c'] });
  assert.equal(p.pending, false);
});

test('an event without keys, too many keys or too long keys make a full fetch', () => {
  const p = new LocationFetchPlan();
  p.take();
  p.changed(['a']);
  p.changed(undefined);
  assert.deepEqual(p.take(), { full: true });
  p.changed(Array.from({ length: MAX_KEYS_PER_FETCH + 1 }, (_, i) => `k${i}`));
  assert.deepEqual(p.take(), { full: true });
  p.changed(['x'.repeat(MAX_KEY_CHARS_PER_FETCH + 1)]);
  assert.deepEqual(p.take(), { full: true });
  p.changed(['ok', 42, null]);
  assert.deepEqual(p.take(), { full: false, keys: ['ok'] });
});

test('needAll wins over keys gathered before and after it until the next take', () => {
  const p = new LocationFetchPlan();
  p.take();
  p.changed(['a']);
  p.needAll();
  p.changed(['b']);
  assert.deepEqual(p.take(), { full: true });
  assert.equal(p.pending, false);
});
