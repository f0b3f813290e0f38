// The packer of a head sent alone, kept for the whole trace asked for next (src/receiver/recentPacker.ts).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { RecentPacker } = require('../../out/src/receiver/recentPacker.js');

const made = () => {
  let n = 0;
  return { make: () => ({ id: ++n }), count: () => n };
};

test('the whole trace after its head alone is packed from the same ordering, once', () => {
  const r = new RecentPacker();
  const m = made();
  const spans = [{}, {}];
  const head = r.packer('t1', spans, 0, true, m.make);
  const whole = r.packer('t1', spans, 0, false, m.make);
  assert.equal(whole, head);
  assert.equal(m.count(), 1);
  // used once: a third ask packs again
  assert.notEqual(r.packer('t1', spans, 0, false, m.make), head);
  r.clear();
});

test('a trace that changed meanwhile (a span more, a span placed by a log, another trace) is packed anew', () => {
  const r = new RecentPacker();
  const m = made();
  const spans = [{}, {}];
  const a = r.packer('t1', spans, 0, true, m.make);
  spans.push({});
  assert.notEqual(r.packer('t1', spans, 0, true, m.make), a, 'a span arrived');
  const b = r.packer('t1', spans, 0, true, m.make);
  assert.notEqual(r.packer('t1', spans, 1, true, m.make), b, 'a log placed a span');
  const c = r.packer('t1', spans, 1, true, m.make);
  assert.notEqual(r.packer('t2', spans, 1, false, m.make), c, 'another trace');
  assert.notEqual(r.packer('t1', spans, 1, false, m.make), c, 'asking for another trace let it go');
  r.clear();
});

test('a packer is only kept for a head sent alone', () => {
  const r = new RecentPacker();
  const m = made();
  const spans = [{}];
  const a = r.packer('t1', spans, 0, false, m.make);
  assert.notEqual(r.packer('t1', spans, 0, false, m.make), a);
});
