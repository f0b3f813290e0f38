// A windowed trace in headless Chromium (issue 26): the harness plays the host and the receiver, serving
// windows of rows (src/receiver/traceWindows.ts) for a trace over the threshold (?windowAbove=N here, so a
// 3,000-span trace stands in for a million-span one). The webview holds a screenful; scrolling, collapse and
// expand all, find across every span and next error all work on the whole trace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { startHarnessServer } from './server.mjs';
import { launchChromium } from './browser.mjs';
import { generateTrace, epoch } from './traces.mjs';

const require = createRequire(import.meta.url);
const { encodePackedTrace, decodePackedTrace } = require('../../out/src/protocol/packedTrace.js');

const shots = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'artifacts', 'webview');
mkdirSync(shots, { recursive: true });
const N = 3000;
let srv;
let browser;
let whole;

before(async () => {
  srv = await startHarnessServer();
  const gen = generateTrace(N);
  srv.addTrace('big', gen);
  srv.addTrace('ten-a', generateTrace(10, 1));
  srv.addTrace('ten-b', generateTrace(10, 2));
  whole = decodePackedTrace(encodePackedTrace(gen.spans, epoch));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await srv?.close();
});

async function open(viewport = { width: 1400, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto(`${srv.url}/harness.html?trace=big&theme=dark&windowAbove=1000`);
  await page.waitForSelector('[role=treegrid] [role=row] .name');
  return page;
}
const rowCount = (page) => page.getAttribute('[role=treegrid]', 'aria-rowcount').then(Number);
const selectedName = (page) => page.$eval('[role=row][aria-selected=true] .name', (e) => e.textContent).catch(() => null);

test('a trace over the threshold opens windowed: every row counted, a screenful in the page, rows in tree order', async () => {
  const page = await open();
  assert.equal(await rowCount(page), N);
  assert.match(await page.textContent('[data-testid=legend]'), /3,000 spans/);
  assert.match(await page.textContent('[data-testid=windowed]'), /windowed/);
  const names = await page.$$eval('[role=row] .name', (els) => els.map((e) => e.textContent));
  assert.deepEqual(names.slice(0, 5), [0, 1, 2, 3, 4].map((r) => whole.str(whole.name[r])));
  assert.ok((await page.$$('[role=row]')).length < 120, 'only the rows around the viewport are in the DOM');
  const log = await page.evaluate(() => window.__hostLog);
  assert.ok(log.some((m) => m.method === 'rowWindow'), 'the webview asked for windows');
  assert.ok(log.every((m) => !(m.method === 'rowWindow' && m.params.count > 2000)));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('scrolling to the end shows the last row; End selects it', async () => {
  const page = await open();
  await page.focus('[role=treegrid]');
  await page.keyboard.press('End');
  const last = whole.str(whole.name[N - 1]);
  await page.waitForFunction((n) => document.querySelector(`[role=row][aria-rowindex="${n}"] .name`) !== null, N);
  assert.equal(await page.$eval(`[role=row][aria-rowindex="${N}"] .name`, (e) => e.textContent), last);
  await page.waitForFunction(() => document.querySelector('[role=row][aria-selected=true]') !== null);
  assert.equal(await selectedName(page), last);
  await page.screenshot({ path: join(shots, 'windowed-end.png') });
  await page.close();
});

test('scrolling asks for the blocks ahead before they are shown: a jump of two blocks paints rows, no placeholders', async () => {
  const page = await open();
  const settle = async () => {
    // the blocks around the viewport and ahead of it answered (the request count stops growing)
    let seen = -1;
    for (let i = 0; i < 50; i++) {
      await page.waitForTimeout(100);
      const now = await page.evaluate(() => window.__windowRequests);
      const placeholders = await page.$$eval('[role=row].placeholder', (els) => els.length);
      if (now === seen && placeholders === 0) return;
      seen = now;
    }
    throw new Error('the blocks never settled');
  };
  await page.$eval('[role=treegrid]', (el) => (el.scrollTop = 300 * 22));
  await settle();
  const placeholders = await page.$eval('[role=treegrid]', (el) => {
    el.scrollTop += 256 * 22;
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(el.querySelectorAll('[role=row].placeholder').length))));
  });
  assert.equal(placeholders, 0, 'the rows two blocks ahead were held when they came into view');
  const asked = await page.evaluate(() => window.__hostLog.filter((m) => m.method === 'rowWindow').map((m) => m.params.from));
  assert.ok(asked.includes(4 * 128), `block 4 was asked ahead (asked: ${asked.join(', ')})`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the Statistics tab of a windowed trace shows the receiver\'s statistics over every span; a row finds its spans', async () => {
  const { traceStats } = require('../../out/webview/model/stats.js');
  const { rowTarget } = require('../../out/webview/model/rowTarget.js');
  const want = traceStats(whole, (r) => rowTarget(whole, r));
  const page = await open();
  await page.click('[role=tab]:has-text("Statistics")');
  await page.waitForSelector('[data-testid=stats] tbody tr');
  const services = await page.$$eval('[data-testid=stats] section:first-child tbody tr', (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));
  assert.deepEqual(
    services.map(([s, c]) => [s, Number(c.replace(/,/g, ''))]).sort(),
    want.services.map((r) => [r.service, r.count]).sort(),
    'every span is counted, per service',
  );
  assert.equal(services.reduce((n, [, c]) => n + Number(c.replace(/,/g, '')), 0), N);
  assert.equal(await page.$$eval('[data-testid=stats] section:nth-child(2) tbody tr', (trs) => trs.length), want.operations.length);
  assert.equal(await page.locator('[data-testid=whole-only]').count(), 0, 'no note that the statistics need the whole trace');
  await page.click('[data-testid=stats] section:first-child tbody tr');
  await page.waitForSelector('[role=treegrid] [role=row] .name');
  assert.equal(await page.inputValue('[data-testid=find]'), services[0][0]);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a windowed trace has a minimap of every span (drawn from the receiver\'s runs); dragging on it zooms', async () => {
  const page = await open();
  await page.waitForSelector('[data-testid=minimap] canvas');
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid=minimap] canvas');
    if (!c.width || !c.height) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true;
    return false;
  });
  const log = await page.evaluate(() => window.__hostLog.filter((m) => m.method === 'rowWindow' && m.params.minimap));
  assert.equal(log.length, 1, 'asked once');
  const box = await page.locator('[data-testid=minimap]').boundingBox();
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await page.waitForSelector('[data-testid=minimap] .mm-window');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('collapse all and expand all work on the whole trace', async () => {
  const page = await open();
  await page.click('button[title="Collapse all"]');
  await page.waitForFunction(() => document.querySelector('[role=treegrid]').getAttribute('aria-rowcount') === '1');
  assert.equal(await page.$eval('[role=row] .hidden-count', (e) => e.textContent), `+${(N - 1).toLocaleString('en-US')}`);
  await page.click('button[title="Expand all"]');
  await page.waitForFunction((n) => document.querySelector('[role=treegrid]').getAttribute('aria-rowcount') === String(n), N);
  await page.close();
});

test('find reaches a span near the end (its ancestors opened, scrolled into view); next error selects a failing span', async () => {
  const page = await open({ width: 1400, height: 260 });
  // a span late in the trace with an attribute value no other span has
  let row = -1;
  let value = '';
  for (let r = N - 1; r > N / 2 && row < 0; r--) {
    for (let a = 2 * whole.attrStart[r]; a < 2 * whole.attrStart[r + 1]; a += 2) {
      const v = whole.str(whole.attrs[a + 1]);
      if (/ -- \d+$/.test(v)) {
        row = r;
        value = v.slice(v.indexOf('$2')); // (no '=': that would be a key=value query)
        break;
      }
    }
  }
  assert.ok(row > 0, 'a db span late in the trace');
  await page.click('button[title="Collapse all"]');
  await page.waitForFunction(() => document.querySelector('[role=treegrid]').getAttribute('aria-rowcount') === '1');
  await page.fill('[data-testid=find]', value);
  await page.waitForFunction((name) => document.querySelector('[role=row][aria-selected=true] .name')?.textContent === name, whole.str(whole.name[row]));
  assert.equal(await page.textContent('[data-testid=find-count]'), '1 of 1');
  assert.ok(await rowCount(page) > 1, 'the match\'s ancestors opened');
  // scrolled into view (the rows grew from one in the same step)
  const inView = await page.evaluate(() => {
    const vp = document.querySelector('[role=treegrid]').getBoundingClientRect();
    const r = document.querySelector('[role=row][aria-selected=true]').getBoundingClientRect();
    return r.top >= vp.top && r.bottom <= vp.bottom;
  });
  assert.ok(inView, 'the match is in the viewport');
  await page.fill('[data-testid=find]', '');
  await page.focus('[role=treegrid]');
  await page.keyboard.press('e');
  await page.waitForSelector('[role=row][aria-selected=true].error');
  await page.waitForSelector('[data-testid=details]');
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: join(shots, 'windowed-error.png') });
  await page.close();
});

test('a reused document (preview panel) paints the next trace and marks its first rows, even with as many rows', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  await page.goto(`${srv.url}/harness.html?trace=ten-a&theme=dark`);
  await page.waitForFunction(() => performance.getEntriesByName('traceExplorer.firstRows').length === 1);
  const before = await page.textContent('[data-testid=legend]');
  await page.evaluate(() => {
    window.__currentTrace = 'ten-b';
    return window.__openTrace('ten-b');
  });
  await page.waitForFunction(() => performance.getEntriesByName('traceExplorer.firstRows').length === 2, null, { timeout: 10_000 });
  assert.notEqual(await page.textContent('[data-testid=legend]'), before, 'the other trace is shown');
  assert.equal(await page.getAttribute('[role=treegrid]', 'aria-rowcount'), '10');
  await page.close();
});
