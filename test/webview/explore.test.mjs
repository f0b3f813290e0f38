// The explore bundle (dist/explore.js: the trace search page and the service map) in headless Chromium,
// driven through a harness page that plays the extension host over the receiver's own /api/explore routes
// and a real TraceStore. Run `node scripts/build.mjs` first. Screenshots land in artifacts/webview/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.mjs';
import { startExploreServer } from './exploreServer.mjs';
import { shopStore, treeStore } from './exploreData.mjs';

const shots = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'artifacts', 'webview');
mkdirSync(shots, { recursive: true });
const TRACES = 300;
let srv;
let browser;
let summaries;
let store;

before(async () => {
  const made = shopStore({ traces: TRACES, errorRate: 0.1, spanMs: 30 * 60_000 });
  store = made.store;
  summaries = new Map(store.summaries().map((s) => [s.traceId, s]));
  srv = await startExploreServer({ store: made.store, map: made.map });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await srv?.close();
});

async function open(query = 'view=search') {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy|error/i.test(m.text()) && m.type() === 'error') errors.push(m.text());
  });
  page.errors = errors;
  await page.goto(`${srv.url}/explore.html?${query}`);
  return page;
}
const count = (page) => page.textContent('.actions .count');
const rowIds = (page) => page.$$eval('.tbody [role=row]', (els) => els.map((e) => e.getAttribute('data-trace-id')));
const hostLog = (page) => page.evaluate(() => window.__hostLog);
const allErrors = () => [...summaries.values()].filter((s) => s.errorCount > 0);

test('search page: every trace on the plot and in the table, newest first', async () => {
  const page = await open();
  await page.waitForSelector('.tbody [role=row]');
  assert.match(await count(page), new RegExp(`^${TRACES} traces`));
  assert.equal(await page.getAttribute('.plot canvas', 'data-points'), String(TRACES));
  const ids = await rowIds(page);
  const newest = [...summaries.values()].sort((a, b) => b.startMs - a.startMs)[0];
  assert.equal(ids[0], newest.traceId);
  assert.ok(ids.length < 80, `virtualised: ${ids.length} rows in the DOM`);
  const first = await page.$$eval('.tbody [role=row]:first-child [role=gridcell]', (els) => els.map((e) => e.textContent));
  assert.equal(first[0], `GET ${'/checkout /cart /product /search /account'.split(' ')[(Number.parseInt(newest.traceId, 16) - 1) % 5]}`);
  assert.equal(first[1], 'frontend');
  assert.equal(first[4], '10');
  assert.equal(first[6], newest.services.join(', '));
  await page.screenshot({ path: join(shots, 'explore-search.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('first screen: the newest rows and a sample on the plot, then every row', async () => {
  const page = await open('view=search&first=20&sample=50&holdWhole=1');
  await page.waitForSelector('.tbody [role=row]');
  assert.equal(await count(page), `${TRACES} traces · loading`);
  const byStart = [...summaries.values()].sort((a, b) => b.startMs - a.startMs);
  assert.deepEqual(await rowIds(page), byStart.slice(0, 20).map((s) => s.traceId), 'the 20 newest, newest first, nothing else');
  const points = Number(await page.getAttribute('.plot canvas', 'data-points'));
  assert.ok(points >= 50 && points <= 73, `${points} points`);
  await page.evaluate(() => window.__releaseWhole());
  await page.waitForFunction((n) => document.querySelector('.actions .count').textContent === `${n} traces`, TRACES);
  assert.equal(await page.getAttribute('.plot canvas', 'data-points'), String(TRACES));
  assert.equal((await rowIds(page))[0], byStart[0].traceId);
  const marks = await page.evaluate(() => ['firstPaint', 'allRowsPaint'].map((m) => performance.getEntriesByName(`traceExplorer.explore.${m}`).length));
  assert.deepEqual(marks, [1, 1]);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('table scroll: a fixed pool of rows re-filled in place, each showing the row at its position', async () => {
  const page = await open();
  await page.waitForSelector('.tbody [role=row]');
  const byStart = [...summaries.values()].sort((a, b) => b.startMs - a.startMs);
  const before = await page.$$eval('.tbody .tr', (els) => els.length);
  for (const top of [22 * 100 + 5, 22 * 37, 22 * (TRACES - 5)]) {
    await page.evaluate((t) => {
      const vp = document.querySelector('.tbody');
      vp.scrollTop = t;
      vp.dispatchEvent(new Event('scroll'));
    }, top);
    const rows = await page.$$eval('.tbody [role=row]', (els) => els.map((e) => [Number(e.getAttribute('aria-rowindex')), e.getAttribute('data-trace-id'), e.querySelector('.c-services').textContent]));
    assert.equal(await page.$$eval('.tbody .tr', (els) => els.length), before, 'no row elements made or dropped while scrolling');
    const scrolledTop = await page.evaluate(() => document.querySelector('.tbody').scrollTop);
    const firstVisible = Math.floor(scrolledTop / 22);
    assert.ok(rows.some(([i]) => i - 2 === firstVisible), `the row at the top (${firstVisible}) is there`);
    for (const [i, id, services] of rows) {
      assert.equal(id, byStart[i - 2].traceId, `position ${i - 2}`);
      assert.equal(services, byStart[i - 2].services.join(', '));
    }
  }
  // a click on a re-filled row selects the trace it shows now
  const [, id] = (await page.$$eval('.tbody [role=row]', (els) => els.map((e) => [e.getAttribute('aria-rowindex'), e.getAttribute('data-trace-id')])))[3];
  await page.click(`.tbody [data-trace-id="${id}"]`);
  await page.waitForSelector(`.tbody [data-trace-id="${id}"][aria-selected=true]`);
  assert.match(await count(page), /1 selected/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('filter → table: is:error, Only errors, service:, attribute terms, completion', async () => {
  const page = await open();
  await page.waitForSelector('.tbody [role=row]');
  const errors = allErrors();
  assert.ok(errors.length > 5);
  await page.fill('.filter-input', 'is:error');
  await page.waitForFunction((n) => document.querySelector('.actions .count').textContent.startsWith(`${n} traces`), errors.length);
  const ids = await rowIds(page);
  assert.ok(ids.every((id) => summaries.get(id).errorCount > 0), 'only failed traces');
  assert.equal(await page.getAttribute('.plot canvas', 'data-points'), String(errors.length));
  // Only errors is the same filter from the check box
  await page.fill('.filter-input', '');
  await page.check('text=Only errors');
  await page.waitForFunction((n) => document.querySelector('.actions .count').textContent.startsWith(`${n} traces`), errors.length);
  await page.uncheck('text=Only errors');
  // an attribute term goes to the receiver: every fifth trace has the /cart route
  await page.fill('.filter-input', 'http.route=/cart');
  await page.waitForFunction((n) => document.querySelector('.actions .count').textContent.startsWith(`${n} traces`), TRACES / 5);
  // duration bounds and negation
  const slow = [...summaries.values()].filter((s) => s.durationMs >= 100).length;
  await page.fill('.filter-input', 'min:100ms');
  await page.waitForFunction((n) => document.querySelector('.actions .count').textContent.startsWith(`${n} trace`), slow);
  // completion: services after service:, then the term applies
  await page.fill('.filter-input', 'service:inv');
  await page.waitForSelector('.suggest [role=option]');
  assert.deepEqual(await page.$$eval('.suggest [role=option]', (els) => els.map((e) => e.textContent)), ['service:inventory']);
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue('.filter-input'), 'service:inventory ');
  await page.fill('.filter-input', 'http.ro');
  await page.waitForSelector('.suggest [role=option]');
  assert.ok((await page.$$eval('.suggest [role=option]', (els) => els.map((e) => e.textContent))).includes('http.route='));
  await page.fill('.filter-input', 'min:fast');
  assert.match(await page.textContent('.filter-problem'), /not a duration/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('sorting by a column', async () => {
  const page = await open();
  await page.waitForSelector('.tbody [role=row]');
  await page.click('[role=columnheader]:has-text("Duration")');
  const longest = [...summaries.values()].sort((a, b) => b.durationMs - a.durationMs)[0];
  assert.equal((await rowIds(page))[0], longest.traceId);
  assert.equal(await page.getAttribute('[role=columnheader]:has-text("Duration")', 'aria-sort'), 'descending');
  await page.click('[role=columnheader]:has-text("Duration")');
  const shortest = [...summaries.values()].sort((a, b) => a.durationMs - b.durationMs)[0];
  assert.equal((await rowIds(page))[0], shortest.traceId);
  await page.close();
});

test('brush on the plot: a time × duration range filters the table', async () => {
  const page = await open();
  await page.waitForSelector('.tbody [role=row]');
  const box = await page.locator('.plot canvas').boundingBox();
  // the left half of the plot's time axis, every duration (top to bottom edge of the plotting area)
  const x0 = box.x + 60;
  const x1 = box.x + 58 + (box.width - 70) / 2;
  await page.mouse.move(x0, box.y + 2);
  await page.mouse.down();
  await page.mouse.move(x1, box.y + box.height - 20, { steps: 5 });
  await page.mouse.up();
  await page.waitForSelector('text=Clear range');
  const text = await count(page);
  const shown = Number(/^(\d+) traces of/.exec(text)?.[1]);
  assert.ok(shown > TRACES * 0.3 && shown < TRACES * 0.7, text);
  const starts = [...summaries.values()].map((s) => s.startMs);
  const mid = (Math.min(...starts) + Math.max(...starts)) / 2;
  // every row in the table is from the earlier half (the plot pads its time axis by 2%)
  const ids = await rowIds(page);
  const span = Math.max(...starts) - Math.min(...starts);
  assert.ok(ids.every((id) => summaries.get(id).startMs <= mid + span * 0.05), 'rows from the selected time range only');
  await page.screenshot({ path: join(shots, 'explore-brush.png') });
  await page.click('text=Clear range');
  assert.match(await count(page), new RegExp(`^${TRACES} traces`));
  await page.close();
});

test('click on a point opens that trace; table selection drives the actions', async () => {
  const page = await open();
  await page.waitForSelector('.tbody [role=row]');
  const target = allErrors()[3];
  // one point left: it sits in the middle of the plotting area
  await page.fill('.filter-input', `is:error ${target.traceId}`);
  await page.waitForFunction(() => document.querySelector('.plot canvas').getAttribute('data-points') === '1');
  const box = await page.locator('.plot canvas').boundingBox();
  const cx = box.x + 58 + (box.width - 70) / 2;
  const cy = box.y + 8 + (box.height - 30) / 2;
  await page.mouse.move(cx, cy);
  await page.waitForSelector('.plot-tip');
  assert.match(await page.textContent('.plot-tip'), /frontend/);
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForFunction(() => window.__hostLog.some((m) => m.method === 'traceAction'));
  const opened = (await hostLog(page)).filter((m) => m.method === 'traceAction');
  assert.deepEqual(opened.map((m) => m.params), [{ action: 'open', traceIds: [target.traceId] }]);
  // the table: select two rows (Ctrl+click), then Pin and Compare act on both
  await page.fill('.filter-input', '');
  await page.waitForFunction((n) => document.querySelector('.actions .count').textContent.startsWith(`${n} traces`), TRACES);
  const ids = (await rowIds(page)).slice(0, 2);
  await page.click(`.tbody [data-trace-id="${ids[0]}"]`);
  await page.click(`.tbody [data-trace-id="${ids[1]}"]`, { modifiers: ['Control'] });
  await page.click('.actions button:has-text("Pin")');
  await page.click('.actions button:has-text("Compare")');
  await page.dblclick(`.tbody [data-trace-id="${ids[1]}"]`);
  const acts = (await hostLog(page)).filter((m) => m.method === 'traceAction').slice(1).map((m) => m.params);
  assert.deepEqual(acts.slice(0, 2), [{ action: 'pin', traceIds: ids }, { action: 'compare', traceIds: ids }]);
  assert.deepEqual(acts.at(-1), { action: 'open', traceIds: [ids[1]] });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('live/paused: new traces wait while paused or while the pointer is over the table', async () => {
  const page = await open();
  await page.waitForSelector('.tbody [role=row]');
  await page.click('button.live');
  assert.equal(await page.getAttribute('button.live', 'aria-pressed'), 'false');
  await page.evaluate(() => window.__notify('changes', { added: 3, removed: 0 }));
  await page.waitForSelector('button.new');
  assert.equal(await page.textContent('button.new'), '3 new traces');
  const refreshes = () => page.evaluate(() => window.__hostLog.filter((m) => m.method === 'refresh').length);
  assert.equal(await refreshes(), 0);
  await page.click('button.new');
  await page.waitForFunction(() => window.__hostLog.some((m) => m.method === 'refresh'));
  await page.waitForSelector('button.new', { state: 'detached' });
  // live again, with the pointer over the table: held until it leaves
  await page.click('button.live');
  await page.hover('.tbody [role=row]');
  await page.evaluate(() => window.__notify('changes', { added: 1, removed: 0 }));
  await page.waitForSelector('button.new');
  await page.waitForTimeout(400);
  assert.equal(await refreshes(), 1);
  await page.mouse.move(5, 5);
  await page.waitForFunction(() => window.__hostLog.filter((m) => m.method === 'refresh').length === 2);
  await page.close();
});

test('service map: frontend → orders → inventory → sqlite with counts, node operations, edge → traces', async () => {
  const page = await open('view=servicemap');
  await page.waitForSelector('.map-svg .node');
  const nodes = await page.$$eval('.map-svg .node', (els) => els.map((e) => e.getAttribute('data-node')).sort());
  assert.deepEqual(nodes, ['d:sqlite', 's:frontend', 's:inventory', 's:orders', 's:payments', 'x:cards.example']);
  const calls = (from, to) => page.getAttribute(`.map-svg .edge[data-from="${from}"][data-to="${to}"]`, 'data-calls');
  assert.equal(await calls('s:frontend', 's:orders'), String(TRACES));
  assert.equal(await calls('s:orders', 's:inventory'), String(TRACES));
  assert.equal(await calls('s:inventory', 'd:sqlite'), String(TRACES));
  assert.equal(await calls('s:payments', 'x:cards.example'), String(TRACES));
  // the HTTP client spans that an instrumented server answered are no external hosts
  assert.equal(await page.$('.map-svg .node[data-node="x:orders"]'), null);
  const errors = allErrors().length;
  assert.match(await page.textContent('.map-svg .edge[data-from="s:orders"][data-to="s:inventory"] .edge-label'), new RegExp(`^${TRACES} · ${Math.round((100 * errors) / TRACES)}% err · p95 `));
  await page.click('.map-svg .node[data-node="s:orders"]');
  await page.waitForSelector('.side .ops tbody tr');
  const ops = await page.$$eval('.side .ops tbody tr td:first-child', (els) => els.map((e) => e.textContent));
  assert.ok(ops.includes('GET /orders') && ops.includes('orders.price'), ops.join(', '));
  await page.screenshot({ path: join(shots, 'explore-servicemap.png') });
  await page.dispatchEvent('.map-svg .edge[data-from="s:orders"][data-to="s:inventory"]', 'click');
  await page.waitForFunction(() => window.__hostLog.some((m) => m.method === 'showEdgeTraces'));
  const edge = (await hostLog(page)).find((m) => m.method === 'showEdgeTraces');
  assert.equal(edge.params.from, 's:orders');
  assert.equal(edge.params.to, 's:inventory');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('service map of one trace; the search page restricted to an edge\'s traces', async () => {
  const target = allErrors()[0];
  const page = await open(`view=servicemap&traceId=${target.traceId}`);
  await page.waitForSelector('.map-svg .node');
  assert.match(await page.textContent('.map .title'), new RegExp(target.traceId.slice(0, 8)));
  assert.equal(await page.getAttribute('.map-svg .edge[data-from="s:orders"][data-to="s:inventory"]', 'data-calls'), '1');
  assert.ok(await page.$('.map-svg .edge.has-error[data-from="s:orders"][data-to="s:inventory"]'), 'the failed call is marked');
  await page.close();
  const search = await open();
  await search.waitForSelector('.tbody [role=row]');
  const some = [...summaries.keys()].slice(0, 4);
  await search.evaluate((ids) => window.__notify('restrict', { label: 'orders → inventory', traceIds: ids }), some);
  await search.waitForFunction(() => document.querySelector('.actions .count').textContent.startsWith('4 traces of'));
  assert.match(await search.textContent('.restrict'), /orders → inventory/);
  assert.deepEqual((await rowIds(search)).sort(), [...some].sort());
  await search.click('.restrict button');
  assert.match(await count(search), new RegExp(`^${TRACES} traces`));
  await search.close();
});

test('service map at 50 services: every node laid out, none overlapping, at a readable size', async () => {
  const { store: big, map } = treeStore({ services: 50, traces: 5 });
  const own = await startExploreServer({ store: big, map });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${own.url}/explore.html?view=servicemap`);
    await page.waitForSelector('.map-svg .node');
    const boxes = await page.$$eval('.map-svg .node', (els) => els.map((e) => {
      const r = e.querySelector('rect').getBoundingClientRect();
      return { id: e.getAttribute('data-node'), x: r.x, y: r.y, w: r.width, h: r.height };
    }));
    assert.equal(boxes.length, 50);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        assert.ok(!overlap, `${a.id} and ${b.id} overlap`);
      }
    }
    // node names at no less than 85% of their size (a bigger map pans and zooms instead of shrinking)
    const fontPx = await page.$eval('.map-svg .node .node-name', (e) => e.getBoundingClientRect().height);
    assert.ok(fontPx >= 10, `node name ${fontPx}px tall`);
    assert.equal(await page.getAttribute('.map-svg .edge[data-from="s:svc-0"][data-to="s:svc-1"]', 'data-calls'), '5');
    await page.screenshot({ path: join(shots, 'explore-servicemap-50.png') });
    await page.click('text=Fit');
    await page.screenshot({ path: join(shots, 'explore-servicemap-50-fit.png') });
    await page.close();
  } finally {
    await own.close();
  }
});
