// buildTree's depth-first order against a plain reference: children sorted by start, then name, then arrival.
const test = require('node:test');
const assert = require('node:assert/strict');
const { buildTree } = require('../../out/src/store/tree.js');

/** the order buildTree promises, computed the obvious way */
function referenceOrder(spans) {
  const byId = new Map();
  spans.forEach((s, i) => byId.has(s.spanId) || byId.set(s.spanId, i));
  const kids = spans.map(() => []);
  const roots = [];
  spans.forEach((s, i) => {
    const p = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    if (p === undefined) roots.push(i);
    else kids[p].push(i);
  });
  const cmp = (a, b) => spans[a].start - spans[b].start || (spans[a].name < spans[b].name ? -1 : spans[a].name > spans[b].name ? 1 : a - b);
  const out = [];
  const visit = (i) => {
    out.push(i);
    for (const k of [...kids[i]].sort(cmp)) visit(k);
  };
  for (const r of roots.sort(cmp)) visit(r);
  return out;
}

test('buildTree: children in start, name, arrival order, for short lists (sorted in place) and long ones', () => {
  let seed = 5;
  // (the high bits: an LCG's low bits repeat with a short period)
  const rnd = (n) => Math.floor(((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000) * n);
  const hex = (i) => (i + 1).toString(16).padStart(16, '0');
  for (let round = 0; round < 300; round++) {
    const n = 2 + rnd(120);
    // a few parents with many children (past the in-place sort's limit) and many with a few; starts from a
    // small range, so ties are common, and names from a small set, so ties on both happen too
    const hubs = 1 + rnd(3);
    const spans = [];
    for (let i = 0; i < n; i++) {
      const p = i === 0 ? -1 : rnd(4) === 0 ? rnd(i) : rnd(Math.min(i, hubs));
      const order = round % 3; // arrival: random, already in start order, reversed
      const start = order === 0 ? rnd(8) : order === 1 ? i : n - i;
      spans.push({ spanId: hex(i), parentSpanId: p < 0 ? '' : hex(p), name: 'abc'[rnd(3)], start, end: start + 10 });
    }
    const t = buildTree(spans);
    assert.deepEqual([...t.order], referenceOrder(spans), `round ${round} (${n} spans)`);
  }
});

test('buildTree: a parent cycle is cut at its earliest span, and every span still gets one row', () => {
  const { TreeFlag } = require('../../out/src/store/tree.js');
  const hex = (i) => (i + 1).toString(16).padStart(16, '0');
  // 1 hangs below the cycle (2's parent is 3, 3's is 4, 4's is 2; and is met first, so the walk that finds the cycle starts outside
  // it); 5 names itself as its parent, 6 a parent that never arrived
  const parents = [-1, 2, 3, 4, 2, 5, 99];
  const starts = [0, 40, 30, 10, 20, 1, 2];
  const spans = parents.map((p, i) => ({ spanId: hex(i), parentSpanId: p < 0 ? '' : hex(p), name: 's', start: starts[i], end: 100 }));
  const t = buildTree(spans);
  assert.deepEqual([...t.order].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
  // cut at 3 (the earliest start of the three), which becomes a root
  assert.equal(t.parent[3], -1);
  assert.equal(t.parent[2], 3);
  assert.equal(t.parent[4], 2);
  assert.equal(t.parent[1], 2);
  for (const i of [2, 3, 4]) assert.ok(t.flags[i] & TreeFlag.Cycle, `span ${i} is marked as part of the cycle`);
  for (const i of [0, 1, 5, 6]) assert.equal(t.flags[i] & TreeFlag.Cycle, 0, `span ${i} is not`);
  assert.ok(t.flags[5] & TreeFlag.SelfParent);
  assert.ok(t.flags[6] & TreeFlag.Orphan);
});
