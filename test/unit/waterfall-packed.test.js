const { test } = require('node:test');
const assert = require('node:assert/strict');
const { span, hex, pack, epoch, TRACE } = require('./waterfall-helpers.js');
const { encodePackedTrace, decodePackedTrace, SpanBit } = require('../../out/src/protocol/packedTrace.js');
const { TreeFlag } = require('../../out/src/store/tree.js');

test('round trip keeps every field, in depth-first order, with exact ns offsets', () => {
  const base = 2 ** 50; // far from the epoch: still exact
  const spans = [
    span('c', 'a', base + 30, base + 41, { name: 'child-2', service: 'db', kind: 3, attrs: ['db.system', 'postgres', 'rows', 12n] }),
    span('a', null, base + 1, base + 100, { name: 'root', service: 'web', kind: 2, status: 2 }),
    span('b', 'a', base + 10, base + 20, {
      name: 'child-1', service: 'web', attrs: ['code.filepath', 'src/x.ts'],
      events: [{ time: base + 12, name: 'exception', attrs: ['exception.stacktrace', 'at f (x.js:1:2)'], droppedAttributesCount: 0 }],
      links: [{ traceId: TRACE, spanId: hex('z'), traceState: '', attrs: [], droppedAttributesCount: 0, flags: 0 }],
    }),
  ];
  const t = pack(spans);
  assert.equal(t.traceId, TRACE);
  assert.equal(t.spanCount, 3);
  assert.equal(t.epochSec, epoch.sec);
  assert.equal(t.startOffsetNs, base + 1);
  assert.equal(t.durationNs, 99);
  assert.deepEqual([0, 1, 2].map((r) => t.str(t.name[r])), ['root', 'child-1', 'child-2']);
  assert.deepEqual([0, 1, 2].map((r) => t.spanId(r)), [hex('a'), hex('b'), hex('c')]);
  assert.deepEqual(Array.from(t.start), [0, 9, 29]);
  assert.deepEqual(Array.from(t.end), [99, 19, 40]);
  assert.deepEqual(Array.from(t.parent), [-1, 0, 0]);
  assert.deepEqual(Array.from(t.depth), [0, 1, 1]);
  assert.deepEqual(Array.from(t.subtreeEnd), [3, 2, 3]);
  assert.deepEqual(Array.from(t.childCount), [2, 0, 0]);
  assert.deepEqual([0, 1, 2].map((r) => t.str(t.service[r])), ['web', 'web', 'db']);
  assert.deepEqual(t.services.map((s) => t.str(s)), ['web', 'db']);
  assert.deepEqual(Array.from(t.kind), [2, 1, 3]);
  assert.deepEqual(Array.from(t.status), [2, 0, 0]);
  assert.equal(t.bits[1], SpanBit.HasLocation | SpanBit.HasException | SpanBit.HasLinks);
  assert.equal(t.bits[0], 0);
  assert.equal(t.eventCount[1], 1);
  const attrsOf = (r) => Array.from(t.attrs.subarray(2 * t.attrStart[r], 2 * t.attrStart[r + 1]), (i) => t.str(i));
  assert.deepEqual(attrsOf(2), ['db.system', 'postgres', 'rows', '12']);
  assert.equal(t.rowOf(hex('c')), 2);
  assert.equal(t.rowOf('ffffffffffffffff'), -1);
  assert.equal(t.rowOf('nothex'), -1);
});

test('orphans, cycles, duplicates and clock skew arrive as tree flags; nothing is corrected', () => {
  const t = pack([
    span('r', null, 0, 100, { name: 'r' }),
    span('o', 'gone', 5, 6, { name: 'orphan' }),
    span('x', 'y', 10, 20, { name: 'x' }),
    span('y', 'x', 11, 21, { name: 'y' }),
    span('s', 's', 30, 40, { name: 'self' }),
    span('k', 'r', -5, 120, { name: 'skewed', service: 'other-service', host: 'other-host' }),
  ]);
  const row = (name) => [...Array(t.spanCount).keys()].find((r) => t.str(t.name[r]) === name);
  assert.ok(t.tree[row('orphan')] & TreeFlag.Orphan);
  assert.equal(t.parentId(row('orphan')), hex('gone'));
  assert.equal(t.parentId(row('skewed')), hex('r'));
  assert.equal(t.parentId(row('r')), '');
  assert.ok(t.tree[row('x')] & TreeFlag.Cycle);
  assert.ok(t.tree[row('y')] & TreeFlag.Cycle);
  assert.ok(t.tree[row('self')] & TreeFlag.SelfParent);
  const k = row('skewed');
  assert.ok(t.tree[k] & TreeFlag.StartsBeforeParent);
  assert.ok(t.tree[k] & TreeFlag.EndsAfterParent);
  assert.equal(t.start[k] - t.start[row('r')], -5, 'skewed start is kept as received');
  assert.equal(t.end[k], 125);
});

test('unaligned input is copied; a corrupt or truncated buffer gives a clear error', () => {
  const bytes = encodePackedTrace([span('a', null, 0, 10)], epoch);
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  assert.equal(decodePackedTrace(shifted.subarray(3)).spanCount, 1);
  assert.throws(() => decodePackedTrace(bytes.slice(0, bytes.length - 8)), /truncated or corrupt/);
  assert.throws(() => decodePackedTrace(new Uint8Array(100)), /bad magic/);
  assert.throws(() => decodePackedTrace(new Uint8Array(10)), /too short/);
});

test('an empty trace, non-hex span ids and hostile/unicode strings survive', () => {
  assert.equal(pack([]).spanCount, 0);
  const s = span('a', null, 0, 10, { name: '<img src=x onerror=alert(1)> 🚀 naïve' });
  s.spanId = 'not-hex-id';
  const t = pack([s, span('b', null, 1, 2, { name: 'x'.repeat(3000) })]);
  assert.equal(t.str(t.name[0]), '<img src=x onerror=alert(1)> 🚀 naïve');
  assert.equal(t.spanId(0), 'not-hex-id');
  assert.equal(t.str(t.name[1]).length, 3000);
});

test('rowOf finds every row, keeps the first of duplicate ids, and survives low-word collisions', () => {
  // same low 32 bits (last 8 hex digits), different high words
  const spans = [
    span('aaaaaaaa00000001', null, 0, 100, { name: 'r' }),
    span('bbbbbbbb00000001', 'aaaaaaaa00000001', 1, 2, { name: 'x' }),
    span('cccccccc00000001', 'aaaaaaaa00000001', 3, 4, { name: 'y' }),
    span('dddddddd00000002', 'aaaaaaaa00000001', 5, 6, { name: 'dup1' }),
    span('dddddddd00000002', 'aaaaaaaa00000001', 7, 8, { name: 'dup2' }),
  ];
  const t = pack(spans);
  for (let r = 0; r < t.spanCount; r++) if (t.str(t.name[r]) !== 'dup2') assert.equal(t.rowOf(t.spanId(r)), r);
  assert.equal(t.str(t.name[t.rowOf('dddddddd00000002')]), 'dup1');
  assert.equal(t.rowOf('eeeeeeee00000001'), -1);
  const big = [];
  for (let i = 0; i < 5000; i++) big.push(span(i.toString(16).padStart(16, '0'), i ? '0000000000000000' : null, i, i + 10));
  const tb = pack(big);
  for (let r = 0; r < tb.spanCount; r += 97) assert.equal(tb.rowOf(tb.spanId(r)), r);
});

test('a custom location predicate is used', () => {
  const t = pack([span('a', null, 0, 10)], { hasLocation: () => true });
  assert.equal(t.bits[0] & SpanBit.HasLocation, SpanBit.HasLocation);
});

test('firstRowWithLocation: the outermost span with a location, in depth-first order; -1 when none has one', () => {
  const { firstRowWithLocation } = require('../../out/src/protocol/packedTrace.js');
  const code = { attrs: ['code.file.path', '/app/h.ts', 'code.line.number', 3n] };
  // root (HTTP, no location) → a (none) → a1 (located, deeper); b (located, later sibling of a)
  const spans = [span('a1', 'a', 2, 3, code), span('root', null, 0, 10), span('b', 'root', 5, 6, code), span('a', 'root', 1, 4)];
  const t = pack(spans);
  assert.equal(t.spanId(firstRowWithLocation(t)), hex('a1'), 'a1 comes first depth-first (a starts before b)');
  assert.equal(firstRowWithLocation(pack([span('x', null, 0, 1), span('y', 'x', 0, 1)])), -1);
  assert.equal(firstRowWithLocation(pack([])), -1);
});

test('spans with many attributes keep them all, in order (the attribute section grows while packing)', () => {
  const many = (k, m) => Array.from({ length: 2 * m }, (_, j) => (j % 2 ? `v${k}-${j >> 1}` : `key${j >> 1}`));
  const spans = [span('a', null, 0, 100, { attrs: many(0, 200) }), span('b', 'a', 1, 2, { attrs: [] }), span('c', 'a', 3, 4, { attrs: many(2, 75) })];
  const t = pack(spans);
  const attrsOf = (r) => Array.from(t.attrs.subarray(2 * t.attrStart[r], 2 * t.attrStart[r + 1]), (i) => t.str(i));
  assert.deepEqual(attrsOf(0), many(0, 200));
  assert.deepEqual(attrsOf(1), []);
  assert.deepEqual(attrsOf(2), many(2, 75));
});

test('every row carries its own span\'s fields and attributes whatever the arrival order', () => {
  // spans are read in arrival order and written to their rows: a shuffled ternary tree (7 levels) with varied
  // attribute counts
  const n = 400;
  const spans = [];
  for (let i = 0; i < n; i++) {
    const attrs = Array.from({ length: 2 * (i % 5) }, (_, j) => (j % 2 ? `v${i}-${j >> 1}` : `k${j >> 1}`));
    spans.push(span(`s${i}`, i === 0 ? null : `s${Math.floor((i - 1) / 3)}`, i * 10, i * 10 + 5 + (i % 3), { name: `op${i % 13}`, service: `svc${i % 4}`, kind: i % 5, status: i % 7 === 0 ? 2 : 0, attrs }));
  }
  let seed = 7;
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [spans[i], spans[j]] = [spans[j], spans[i]];
  }
  const t = pack(spans);
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  assert.equal(Math.max(...t.depth), 6);
  for (let r = 0; r < n; r++) {
    const s = byId.get(t.spanId(r));
    assert.equal(t.str(t.name[r]), s.name);
    assert.equal(t.str(t.service[r]), s.resource.serviceName);
    assert.equal(t.kind[r], s.kind);
    assert.equal(t.status[r], s.statusCode);
    assert.equal(t.start[r] + t.startOffsetNs, s.start);
    assert.equal(t.end[r] + t.startOffsetNs, s.end);
    assert.deepEqual(Array.from(t.attrs.subarray(2 * t.attrStart[r], 2 * t.attrStart[r + 1]), (k) => t.str(k)), s.attrs);
    if (s.parentSpanId) assert.equal(t.spanId(t.parent[r]), s.parentSpanId);
    else assert.equal(t.parent[r], -1);
  }
});

test('a head holds the first rows of the whole trace, flagged partial, with the whole count and time range', () => {
  const { packTrace, isPackedHead } = require('../../out/src/protocol/packedTrace.js');
  // arrival order is not row order: children before parents, a late sibling with a long tail
  const spans = [
    span('d', 'b', 40, 45, { name: 'leaf', attrs: ['http.route', '/x', 'n', 3n] }),
    span('b', 'a', 10, 50, { name: 'mid', service: 'db' }),
    span('a', null, 0, 100, { name: 'root' }),
    span('c', 'a', 60, 900, { name: 'tail', status: 2 }),
    span('e', 'b', 20, 30, { name: 'first-leaf', attrs: ['k', 'v'] }),
  ];
  const packer = packTrace(spans, epoch);
  assert.equal(packer.spanCount, 5);
  const whole = decodePackedTrace(packer.encode());
  const headBytes = packer.encode(3);
  assert.equal(isPackedHead(headBytes), true);
  assert.equal(isPackedHead(packer.encode()), false);
  assert.equal(isPackedHead(packer.encode(99)), false, 'a head as long as the trace is the whole trace');
  const head = decodePackedTrace(headBytes);
  assert.equal(whole.partial, false);
  assert.equal(whole.totalSpanCount, 5);
  assert.equal(head.partial, true);
  assert.equal(head.spanCount, 3);
  assert.equal(head.totalSpanCount, 5);
  // the time axis does not move when the whole trace replaces its head: the tail span is not in the head
  assert.equal(head.durationNs, whole.durationNs);
  assert.equal(head.durationNs, 900);
  assert.equal(head.startOffsetNs, whole.startOffsetNs);
  const rowsOf = (t, n) => Array.from({ length: n }, (_, r) => ({
    id: t.spanId(r), name: t.str(t.name[r]), service: t.str(t.service[r]), parent: t.parent[r], depth: t.depth[r],
    start: t.start[r], end: t.end[r], status: t.status[r], tree: t.tree[r], parentId: t.parentId(r),
    attrs: Array.from(t.attrs.subarray(2 * t.attrStart[r], 2 * t.attrStart[r + 1]), (i) => t.str(i)),
  }));
  assert.deepEqual(rowsOf(head, 3), rowsOf(whole, 3));
  assert.deepEqual(rowsOf(head, 3).map((x) => x.name), ['root', 'mid', 'first-leaf']);
  assert.equal(head.rowOf(hex('c')), -1, 'a span past the head is not in it');
  assert.equal(head.rowOf(hex('e')), 2);
  assert.equal(decodePackedTrace(packer.encode(0)).spanCount, 0);
});

test('a head that claims fewer spans in the trace than it holds is refused', () => {
  const { packTrace } = require('../../out/src/protocol/packedTrace.js');
  const spans = [span('a', null, 0, 10), span('b', 'a', 1, 2), span('c', 'a', 3, 4)];
  const bytes = packTrace(spans, epoch).encode(2);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(48, 1, true);
  assert.throws(() => decodePackedTrace(bytes), /a head of 2 rows claims a trace of 1 spans/);
});
