const { test } = require('node:test');
const assert = require('node:assert/strict');
const { parseFilter, matchesSummary, tokenize, parseDurationMs, isEmptyFilter } = require('../../out/src/tracelist/filter.js');
const { summary } = require('./tracelist-helpers.js');

const cart = summary({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', rootName: 'POST /cart', rootService: 'frontend', services: ['frontend', 'orders', 'postgres'], errorCount: 2, durationMs: 340 });
const health = summary({ rootName: 'GET /health', rootService: 'inventory', services: ['inventory'], durationMs: 1.5 });
const pinned = summary({ rootName: 'checkout', rootService: 'orders', services: ['orders'], pinned: true, durationMs: 2500 });
const all = [cart, health, pinned];
const names = (text) => all.filter((s) => matchesSummary(parseFilter(text), s)).map((s) => s.rootName);

test('tokenize keeps quoted parts together and unescapes quotes', () => {
  assert.deepEqual(tokenize('  a  name:"GET /cart"  "say \\"hi\\""  '), ['a', 'name:GET /cart', 'say "hi"']);
  assert.deepEqual(tokenize('""'), ['']);
  assert.deepEqual(tokenize(''), []);
});

test('durations in every unit, bare numbers are milliseconds', () => {
  assert.equal(parseDurationMs('250ms'), 250);
  assert.equal(parseDurationMs('1.5s'), 1500);
  assert.equal(parseDurationMs('20'), 20);
  assert.equal(parseDurationMs('500us'), 0.5);
  assert.equal(parseDurationMs('500µs'), 0.5);
  assert.equal(parseDurationMs('2m'), 120000);
  assert.equal(parseDurationMs('3000ns'), 0.003);
  assert.equal(parseDurationMs('fast'), undefined);
  assert.equal(parseDurationMs('-5ms'), undefined);
});

test('free text matches root name, any service, or a trace id prefix, case-insensitively', () => {
  assert.deepEqual(names('CART'), ['POST /cart']);
  assert.deepEqual(names('postgres'), ['POST /cart']);
  assert.deepEqual(names('4BF92F35'), ['POST /cart']);
  assert.deepEqual(names('nothing-like-this'), []);
});

test('service:, name:, negation, errors, pinned', () => {
  assert.deepEqual(names('service:orders'), ['POST /cart', 'checkout']);
  assert.deepEqual(names('-service:orders'), ['GET /health']);
  assert.deepEqual(names('name:"GET /"'), ['GET /health']);
  assert.deepEqual(names('is:error'), ['POST /cart']);
  assert.deepEqual(names('errors'), ['POST /cart']);
  assert.deepEqual(names('-is:error'), ['GET /health', 'checkout']);
  assert.deepEqual(names('is:pinned'), ['checkout']);
});

test('duration bounds: min:/max: and >/< forms, combined with AND', () => {
  assert.deepEqual(names('min:300ms'), ['POST /cart', 'checkout']);
  assert.deepEqual(names('>1s'), ['checkout']);
  assert.deepEqual(names('max:2ms'), ['GET /health']);
  assert.deepEqual(names('<=340ms service:frontend'), ['POST /cart']);
  assert.deepEqual(names('min:1ms max:1s'), ['POST /cart', 'GET /health']);
});

test('key=value terms become attribute terms and do not filter on summaries', () => {
  const f = parseFilter('http.route=/cart db.system= service:orders');
  assert.deepEqual(f.attributes, [{ key: 'http.route', value: '/cart' }, { key: 'db.system', value: '' }]);
  assert.equal(f.errors.length, 0);
  assert.deepEqual(all.filter((s) => matchesSummary(f, s)).map((s) => s.rootName), ['POST /cart', 'checkout']);
});

test('bad terms are reported with what to write instead, the rest still applies', () => {
  const f = parseFilter('min:soon =x service: -min:3ms -a=b is:error');
  assert.equal(f.errors.length, 5, f.errors.join('\n'));
  assert.match(f.errors[0], /not a duration.*min:250ms/);
  assert.match(f.errors[1], /needs a key/);
  assert.match(f.errors[2], /nothing after "service:"/);
  assert.match(f.errors[3], /cannot be negated/);
  assert.match(f.errors[4], /cannot be negated/);
  assert.deepEqual(all.filter((s) => matchesSummary(f, s)).map((s) => s.rootName), ['POST /cart']);
});

test('an empty or blank filter is empty and matches everything', () => {
  assert.ok(isEmptyFilter(parseFilter('   ')));
  assert.deepEqual(names(''), ['POST /cart', 'GET /health', 'checkout']);
  assert.ok(!isEmptyFilter(parseFilter('a=b')));
});

test('name and free text match a bare-method root by its route too ("GET /checkout")', () => {
  const bare = summary({ rootName: 'GET', rootTarget: '/checkout', rootService: 'frontend', services: ['frontend'] });
  const match = (text) => matchesSummary(parseFilter(text), bare);
  assert.equal(match('checkout'), true);
  assert.equal(match('name:"GET /checkout"'), true);
  assert.equal(match('name:/cart'), false);
  assert.equal(match('-checkout'), false);
});

test('a filter with a term it cannot read is not applied by Enter: the box says why', () => {
  const { filterProblem } = require('../../out/src/tracelist/filter.js');
  assert.match(filterProblem(parseFilter('min:abc')), /^Not applied: "min:abc": not a duration .*Escape/);
  assert.match(filterProblem(parseFilter('is:error -min:2s')), /cannot be negated/);
  assert.equal(filterProblem(parseFilter('is:error min:250ms http.route=/cart')), undefined);
  assert.equal(filterProblem(parseFilter('')), undefined);
});
