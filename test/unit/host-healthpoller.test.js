// The status bar's tooltip: memory in use and connected windows come from the receiver's health, fetched
// now and then while spans arrive (its events carry counts only).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { HealthPoller } = require('../../out/src/host/healthPoller.js');

const health = (over = {}) => ({ pid: 7, startedAt: 1000, spans: 0, traces: 0, logs: 0, approxBytes: 0, maxBytes: 1 << 30, maxSpans: 1e6, clients: 0, ...over });
const tick = () => new Promise((r) => setImmediate(r));

test('the tooltip shows the memory and windows of the last fetch, with the live counts', async () => {
  let answer = health({ approxBytes: 325e6, clients: 1, spans: 150_000 });
  let fetches = 0;
  let fresh = 0;
  let now = 0;
  const p = new HealthPoller(() => (fetches++, Promise.resolve(answer)), () => fresh++, () => now, 5000);
  // what the window knew when it connected: an empty receiver, its own event stream not yet counted
  const live = health({ spans: 190_000, traces: 2000 });
  assert.deepEqual(p.merge(live), live, 'nothing fetched yet');
  p.poke();
  await tick();
  assert.equal(fetches, 1);
  assert.equal(fresh, 1);
  const merged = p.merge(live);
  assert.equal(merged.approxBytes, 325e6);
  assert.equal(merged.clients, 1);
  assert.equal(merged.spans, 190_000, 'counts stay the live ones');
  // more events within the interval: no new request
  now = 1000;
  p.poke();
  p.poke();
  await tick();
  assert.equal(fetches, 1);
  p.dispose();
  // a different receiver process: its own figures, not the old one's
  assert.equal(new HealthPoller(() => undefined, () => 0).merge(live).approxBytes, 0);
  const other = health({ pid: 8 });
  assert.equal(p.merge(other).approxBytes, 0);
});

test('a change within the interval is fetched when the interval ends', async () => {
  let fetches = 0;
  const p = new HealthPoller(() => (fetches++, Promise.resolve(health({ approxBytes: fetches }))), () => 0, Date.now, 30);
  p.poke();
  await tick();
  p.poke();
  await tick();
  assert.equal(fetches, 1);
  await new Promise((r) => setTimeout(r, 60));
  await tick();
  assert.equal(fetches, 2);
  assert.equal(p.merge(health()).approxBytes, 2);
  p.dispose();
});
