// Waterfall tab titles: two traces whose roots read the same get their short trace ids.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { panelTitles, TITLE_LABEL_MAX } = require('../../out/src/host/panel/panelTitles.js');

const A = '4bf92f3577b34da6a3ce929d0e0e4736';
const B = '0af7651916cd43dd8448eb211c80319c';
const C = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0';

test('a label shown once is the title alone; the same label twice adds each short trace id', () => {
  assert.deepEqual(panelTitles([{ traceId: A, label: 'GET /checkout' }, { traceId: C, label: 'POST /api/orders' }]), [
    'Trace: GET /checkout',
    'Trace: POST /api/orders',
  ]);
  assert.deepEqual(
    panelTitles([
      { traceId: A, label: 'GET /checkout' },
      { traceId: B, label: 'GET /checkout' },
      { traceId: C, label: 'POST /api/orders' },
    ]),
    ['Trace: GET /checkout · 4bf92f35', 'Trace: GET /checkout · 0af76519', 'Trace: POST /api/orders'],
  );
});

test('labels equal once cut to the title length count as the same; a trace not loaded yet is named by its id', () => {
  const long = 'x'.repeat(TITLE_LABEL_MAX + 10);
  const titles = panelTitles([
    { traceId: A, label: `${long}a` },
    { traceId: B, label: `${long}b` },
    { traceId: C, label: undefined },
  ]);
  assert.equal(titles[0], `Trace: ${'x'.repeat(TITLE_LABEL_MAX - 1)}… · 4bf92f35`);
  assert.equal(titles[1], `Trace: ${'x'.repeat(TITLE_LABEL_MAX - 1)}… · 0af76519`);
  assert.equal(titles[2], 'Trace c0c0c0c0…');
});

test('the same trace in two panels (the waterfall and a trace file) is one use of its label', () => {
  assert.deepEqual(panelTitles([{ traceId: A, label: 'GET /checkout' }, { traceId: A, label: 'GET /checkout' }]), ['Trace: GET /checkout', 'Trace: GET /checkout']);
});

test('the preview panel says so in its title, after the disambiguating id', () => {
  assert.deepEqual(
    panelTitles([
      { traceId: A, label: 'GET /checkout', preview: true },
      { traceId: B, label: 'GET /checkout' },
      { traceId: C, label: undefined, preview: true },
    ]),
    ['Trace: GET /checkout · 4bf92f35 (preview)', 'Trace: GET /checkout · 0af76519', 'Trace c0c0c0c0… (preview)'],
  );
});
