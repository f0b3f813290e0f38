// Code lenses against the baseline run (issue 23): `p95 48 ms (+12 ms vs baseline)` when the service has a
// baseline run with figures for the location; nothing about a baseline otherwise.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { LocationModel, baselineKey, vsBaseline } = require('../../out/src/source/lensModel.js');

const resolve = (loc) => ({ ok: true, path: `/ws/${loc.file.slice(5)}`, folder: { name: 'ws', path: '/ws' }, rel: loc.file.slice(5), line: loc.line, layer: loc.layer, via: 'mapping', confidence: 0.95 });
const stats = (over = {}) => ({
  key: 'k1', file: '/app/a.js', line: 10, function: 'handle', layer: 'attributes', services: ['api'],
  calls: 37, errors: 0, p50Ms: 12.3, p95Ms: 48, maxMs: 120, exact: false, slowest: null, latestError: null, lastSeenMs: 0, ...over,
});
const resp = (locations) => ({ sinceMs: null, windowStartMs: null, nowMs: Date.now(), locations, droppedLocations: 0 });

test('vsBaseline: the signed difference of the p95s, or nothing without a baseline figure', () => {
  assert.equal(vsBaseline(48, 36), ' (+12 ms vs baseline)');
  assert.equal(vsBaseline(30, 36.5), ' (−6.5 ms vs baseline)');
  assert.equal(vsBaseline(48, 48.01), ' (= baseline)');
  assert.equal(vsBaseline(1500, 400), ' (+1.10 s vs baseline)');
  assert.equal(vsBaseline(48, undefined), '');
  assert.equal(vsBaseline(48, NaN), '');
});

test('the lens adds the difference when the location has a baseline figure; setting the same baseline again changes nothing', () => {
  const m = new LocationModel(resolve);
  m.apply(resp([stats(), stats({ key: 'k2', line: 20, function: 'other' })]), true);
  assert.equal(m.view('/ws/a.js').lenses[0].latencyTitle, '$(watch) p50 12 ms · p95 48 ms · 37 calls');
  const base = new Map([[baselineKey({ file: '/app/a.js', line: 10, function: 'handle' }), 36]]);
  assert.deepEqual([...m.setBaseline(base)], ['/ws/a.js']);
  const [first, second] = m.view('/ws/a.js').lenses;
  assert.equal(first.latencyTitle, '$(watch) p50 12 ms · p95 48 ms (+12 ms vs baseline) · 37 calls');
  assert.match(first.latencyTooltip, /The baseline run's p95 here: 36 ms\./);
  assert.equal(second.latencyTitle, '$(watch) p50 12 ms · p95 48 ms · 37 calls', 'no baseline figure for this location');
  assert.equal(m.setBaseline(new Map(base)).size, 0);
  m.setBaseline(new Map());
  assert.equal(m.view('/ws/a.js').lenses[0].latencyTitle, '$(watch) p50 12 ms · p95 48 ms · 37 calls');
});
