// LocationIndex.record finds a span's location through a small cache of recent locations before the key
// map: locations that differ in one field only (column, namespace, file, line, undefined vs a value), or
// land in the same cache slot, must still be counted apart; forget() and clear() must not leave stale hits.
// (Receiver engineer's performance change; see src/stats/locationIndex.ts record.)
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { LocationIndex } = require('../../out/src/stats/locationIndex.js');
const { locationKey } = require('../../out/src/source/signal.js');
const { span, epoch } = require('./source-helpers.js');

const base = { file: '/app/a.ts', line: 10, function: 'run', layer: 'attributes' };
const variants = [
  base,
  { ...base, column: 3 },
  { ...base, namespace: 'Job' },
  { ...base, file: '/app/b.ts' }, // same length as a.ts: same cache slot
  { ...base, line: 10 + 256 * 7 }, // different line, same slot after masking is possible: counted apart anyway
  { file: '/app/a.ts', line: 10, layer: 'attributes' }, // no function
  { function: 'run', layer: 'name' },
  { ...base, function: 'nur' }, // same length function
];

function calls(idx) {
  return new Map(idx.query().locations.map((s) => [s.key, s.calls]));
}

test('locations differing in one field are counted apart, interleaved in any order', () => {
  const idx = new LocationIndex();
  for (let r = 0; r < 5; r++) for (let i = 0; i < variants.length; i++) for (let k = 0; k <= i; k++) idx.record(span({ ms: 5, attrs: [] }), { ...variants[i] }, epoch);
  const got = calls(idx);
  assert.equal(got.size, variants.length);
  variants.forEach((v, i) => assert.equal(got.get(locationKey(v)), 5 * (i + 1), locationKey(v)));
});

test('a layer change is the same location (as locationKey says)', () => {
  const idx = new LocationIndex();
  idx.record(span({ ms: 5, attrs: [] }), base, epoch);
  idx.record(span({ ms: 5, attrs: [] }), { ...base, layer: 'stacktrace' }, epoch);
  assert.deepEqual([...calls(idx)], [[locationKey(base), 2]]);
});

test('after forget removes a location and after clear, recording starts a fresh location', () => {
  const idx = new LocationIndex();
  const s = span({ ms: 5, attrs: [] });
  idx.record(s, base, epoch);
  idx.forget(s, base, epoch);
  assert.equal(idx.size, 0);
  idx.record(span({ ms: 7, attrs: [] }), base, epoch);
  assert.deepEqual([...calls(idx)], [[locationKey(base), 1]]);
  idx.clear();
  idx.record(span({ ms: 7, attrs: [] }), base, epoch);
  idx.record(span({ ms: 8, attrs: [] }), base, epoch);
  assert.deepEqual([...calls(idx)], [[locationKey(base), 2]]);
});
