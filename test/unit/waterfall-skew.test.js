// Clock skew needs two clocks: a child outside its parent's times is skew only when another host recorded it;
// on one host (one system clock) it is an async child (or an early start), named so and not a problem.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { TreeFlag, TREE_PROBLEMS, buildTree } = require('../../out/src/store/tree.js');
const { span, pack } = require('./waterfall-helpers.js');

const res = (service, attrs = []) => ({ attrs: ['service.name', service, ...attrs], serviceName: service, droppedAttributesCount: 0, schemaUrl: '' });
const withResource = (s, r) => ({ ...s, resource: r });
const rowNamed = (t, name) => [...Array(t.spanCount).keys()].find((r) => t.str(t.name[r]) === name);

test('a child of the same process that ends after its parent is an async child, not skew', () => {
  const t = pack([
    span('srv', null, 0, 100, { name: 'GET /checkout', kind: 2, service: 'frontend' }),
    span('bg', 'srv', 10, 150, { name: 'send email', service: 'frontend' }),
    span('pre', 'srv', -3, 50, { name: 'parse body', service: 'frontend' }),
  ]);
  const bg = t.tree[rowNamed(t, 'send email')];
  assert.equal(bg & (TreeFlag.StartsBeforeParent | TreeFlag.EndsAfterParent), 0, 'no skew on one clock');
  assert.ok(bg & TreeFlag.AsyncChild);
  const pre = t.tree[rowNamed(t, 'parse body')];
  assert.equal(pre & (TreeFlag.StartsBeforeParent | TreeFlag.EndsAfterParent), 0);
  assert.ok(pre & TreeFlag.EarlyStart);
  for (let r = 0; r < t.spanCount; r++) assert.equal(t.tree[r] & TREE_PROBLEMS, 0, 'a healthy local request has no problem flag');
});

test('a child recorded on another host outside its parent is clock skew; another process on the same host is not', () => {
  const host = ['host.name', 'dev-box'];
  const a = res('frontend', [...host, 'process.pid', 100n]);
  const b = res('orders', [...host, 'process.pid', 200n]);
  const aAgain = res('frontend', [...host, 'process.pid', 100n]); // another batch of the same process
  const a2 = res('frontend', ['host.name', 'other-box', 'process.pid', 100n]); // same pid, another host
  const byId = res('orders', ['host.id', 'h-2', 'host.name', 'dev-box']); // host.id wins over a shared name
  const idA = res('frontend', ['host.id', 'h-1', 'host.name', 'dev-box']);
  const unknown = res('billing'); // says nothing about its host
  const spans = [
    withResource(span('c', null, 0, 100), a),
    withResource(span('s1', 'c', -2, 50), b), // another process, same host: one clock
    withResource(span('s2', 'c', 10, 120), aAgain), // same process (another resource object): async
    withResource(span('s3', 'c', 10, 130), a2), // another host: skew
    withResource(span('s4', 'c', -1, 20), unknown), // host unknown: no second clock is known
    withResource(span('i', null, 0, 100), idA),
    withResource(span('j', 'i', 5, 140), byId), // different host.id: skew
  ];
  const { flags } = buildTree(spans);
  assert.equal(flags[1], TreeFlag.EarlyStart);
  assert.equal(flags[2], TreeFlag.AsyncChild);
  assert.equal(flags[3], TreeFlag.EndsAfterParent);
  assert.equal(flags[4], TreeFlag.EarlyStart);
  assert.equal(flags[6], TreeFlag.EndsAfterParent);
});

test('children inside their parent carry no flag, whatever recorded them', () => {
  const { flags } = buildTree([
    withResource(span('p', null, 0, 100), res('a')),
    withResource(span('q', 'p', 0, 100), res('b')),
    withResource(span('r', 'q', 1, 99), res('b')),
  ]);
  assert.deepEqual([...flags], [0, 0, 0]);
});
