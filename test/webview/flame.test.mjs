// The flame graph tab (webview/components/FlameGraph.tsx) in headless Chromium through the harness page.
// Where a box should be is computed with the same pure layout (out/webview/model/flame.js) from the same
// packed trace, then found on the real canvas: drawn there, under the pointer, selectable and findable.
// Run `npm run build` first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startHarnessServer } from './server.mjs';
import { launchChromium } from './browser.mjs';
import { sampleTrace, generateTrace, epoch, HOSTILE } from './traces.mjs';

const require = createRequire(import.meta.url);
const { packTrace, decodePackedTrace } = require('../../out/src/protocol/packedTrace.js');
const { flameLayout, wholeWindow, boxPx, nodeLabel } = require('../../out/webview/model/flame.js');
const { rowTarget } = require('../../out/webview/model/rowTarget.js');

const ROW_H = 18; // FlameGraph.tsx
let srv;
let browser;
const gen = generateTrace(3000);

before(async () => {
  srv = await startHarnessServer();
  srv.addTrace('sample', sampleTrace());
  srv.addTrace('gen', gen);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await srv?.close();
});

/** the panel with the flame graph tab open and painted */
async function openFlame(trace = 'sample', theme = 'dark') {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto(`${srv.url}/harness.html?trace=${trace}&theme=${theme}`);
  await page.waitForSelector('[role=treegrid] [role=row]');
  await page.waitForFunction(() => performance.getEntriesByName('traceExplorer.wholeTrace').length > 0);
  await page.click('[role=tab]:has-text("Flame graph")');
  await page.waitForFunction(() => performance.getEntriesByName('traceExplorer.flamePainted').length > 0);
  return page;
}

/** the layout the webview draws, from the trace the harness serves */
function layoutOf(trace, mode) {
  const t = decodePackedTrace(packTrace(trace.spans, epoch).encode());
  return { t, f: flameLayout(t, mode, (r) => rowTarget(t, r)) };
}

/** page coordinates of the middle of the box labelled `name` (the first one), with the canvas's size */
async function boxOf(page, { t, f }, name) {
  const c = await page.locator('[data-testid=flame-canvas]').boundingBox();
  let node = -1;
  for (let i = 0; i < f.count && node < 0; i++) if (nodeLabel(t, f, i) === name) node = i;
  assert.ok(node >= 0, `a box labelled ${name}`);
  const b = boxPx(f, wholeWindow(f), c.width, node);
  return { x: c.x + b.left + Math.min(b.width / 2, 20), y: c.y + f.depth[node] * ROW_H + ROW_H / 2, node, canvas: c };
}

/** the canvas pixel (RGBA) under page coordinates */
const pixel = (page, x, y) =>
  page.evaluate(([px, py]) => {
    const c = document.querySelector('[data-testid=flame-canvas]');
    const r = c.getBoundingClientRect();
    const dpr = c.width / r.width;
    return Array.from(c.getContext('2d').getImageData(Math.round((px - r.left) * dpr), Math.round((py - r.top) * dpr), 1, 1).data);
  }, [x, y]);

test('the flame graph tab draws each span as a box where the layout puts it; hover tells what it is', async () => {
  const page = await openFlame();
  const L = layoutOf(sampleTrace(), 'spans');
  const charge = await boxOf(page, L, 'charge card');
  const px = await pixel(page, charge.x, charge.y);
  assert.equal(px[3], 255, `an opaque box at charge card: ${px}`);
  // below the deepest level there is nothing
  const empty = await pixel(page, charge.x, charge.canvas.y + (L.f.maxDepth + 2) * ROW_H);
  assert.equal(empty[3], 0);
  await page.mouse.move(charge.x, charge.y);
  const tip = page.locator('[data-testid=flame-tip]');
  await tip.waitFor();
  const text = await tip.textContent();
  assert.ok(text.startsWith('charge card'), text);
  assert.ok(text.includes('payments'), text);
  assert.match(text, /Duration54 ms/);
  assert.match(text, /Self54 ms/);
  assert.match(text, /Errors1/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a click selects the span and the details pane shows it, with Go to Source', async () => {
  const page = await openFlame();
  const L = layoutOf(sampleTrace(), 'spans');
  const orders = await boxOf(page, L, 'POST /api/orders');
  await page.mouse.click(orders.x, orders.y);
  const d = page.locator('[data-testid=details]');
  await d.waitFor();
  assert.equal(await d.locator('.details-title').textContent(), 'POST /api/orders');
  await d.locator('button:has-text("Go to source")').click();
  const log = await page.evaluate(() => window.__hostLog);
  const go = log.filter((m) => m.method === 'goToSource');
  assert.equal(go.length, 1);
  assert.equal(go[0].params.spanId, L.t.spanId(L.f.row[orders.node]));
  // the selection is the waterfall's too
  await page.click('[role=tab]:has-text("Waterfall")');
  assert.equal(await page.$eval('[role=row][aria-selected=true] .name', (e) => e.textContent), 'POST /api/orders');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('find highlights the matching boxes and dims the rest', async () => {
  const page = await openFlame();
  const L = layoutOf(sampleTrace(), 'spans');
  const charge = await boxOf(page, L, 'charge card');
  const select = await boxOf(page, L, 'SELECT orders');
  const before = await pixel(page, select.x, select.y);
  await page.fill('[data-testid=find]', 'payments');
  await page.waitForFunction(() => document.querySelector('[data-testid=find-count]').textContent.length > 0);
  // the find jumped to the match: the waterfall tab stays the flame graph
  await page.locator('[data-testid=flame-canvas]').waitFor();
  await page.waitForTimeout(100);
  const dim = await pixel(page, select.x, select.y);
  assert.ok(dim[3] < 128, `SELECT orders is dimmed: ${before} → ${dim}`);
  const hit = await pixel(page, charge.x, charge.y);
  assert.equal(hit[3], 255, `charge card (payments) is not: ${hit}`);
  await page.fill('[data-testid=find]', '');
  await page.waitForTimeout(100);
  assert.equal((await pixel(page, select.x, select.y))[3], 255, 'no query, no dimming');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('double-click zooms into a subtree, the breadcrumb leads back; keyboard and wheel zoom too', async () => {
  const page = await openFlame();
  const L = layoutOf(sampleTrace(), 'spans');
  const orders = await boxOf(page, L, 'POST /api/orders');
  await page.mouse.dblclick(orders.x, orders.y);
  const crumbs = page.locator('[data-testid=flame-crumbs]');
  await page.waitForFunction(() => document.querySelector('[data-testid=flame-crumbs]').textContent.includes('POST /api/orders'));
  assert.equal(await crumbs.textContent(), 'Whole trace › GET /checkout › POST /api/orders');
  // zoomed: the POST box fills the width (the click before the double-click opened the details, so the
  // canvas is narrower now), so its right end is drawn at the canvas's right edge
  await page.waitForTimeout(100);
  const zc = await page.locator('[data-testid=flame-canvas]').boundingBox();
  assert.ok(zc.width < orders.canvas.width, 'the details pane took room');
  assert.equal((await pixel(page, zc.x + zc.width - 4, orders.y))[3], 255);
  assert.equal((await pixel(page, zc.x + 4, orders.y))[3], 255);
  await page.click('[data-testid=details] button[aria-label="Close details"]');
  // Escape zooms out a level
  await page.locator('[data-testid=flame-canvas]').focus();
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid=flame-crumbs]').textContent.includes('POST'));
  assert.equal(await crumbs.textContent(), 'Whole trace › GET /checkout');
  await crumbs.locator('button:has-text("Whole trace")').click();
  assert.equal(await crumbs.textContent(), 'Whole trace');
  // Ctrl+wheel over the left edge zooms in there: the first root box now spans past where it ended
  const root = await boxOf(page, L, 'GET /checkout');
  const rootEnd = boxPx(L.f, wholeWindow(L.f), root.canvas.width, root.node);
  const probe = { x: root.canvas.x + rootEnd.left + rootEnd.width + 30, y: root.y };
  assert.ok(probe.x < root.canvas.x + root.canvas.width, 'the probe is inside the canvas');
  const other = L.f.count > 1 ? await pixel(page, probe.x, probe.y) : null;
  await page.mouse.move(root.canvas.x + 5, root.y);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -400);
  await page.keyboard.up('Control');
  await page.waitForTimeout(100);
  const after = await pixel(page, probe.x, probe.y);
  assert.notDeepEqual(after, other, 'the view changed under the probe');
  assert.equal(await crumbs.locator('button:has-text("Whole trace")').isEnabled(), true, 'zoomed: Whole trace resets');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('operations mode merges spans by path of (service, operation): the tooltip counts them', async () => {
  const trace = generateTrace(3000);
  const page = await openFlame('gen');
  await page.click('[role=radio]:has-text("Operations")');
  await page.waitForTimeout(100);
  const L = layoutOf(trace, 'operations');
  // the widest merged box below the root
  let node = -1;
  for (let i = 0; i < L.f.count; i++) if (L.f.depth[i] >= 1 && L.f.spans[i] > 1 && (node < 0 || L.f.width[i] > L.f.width[node])) node = i;
  assert.ok(node >= 0);
  const c = await page.locator('[data-testid=flame-canvas]').boundingBox();
  const b = boxPx(L.f, wholeWindow(L.f), c.width, node);
  await page.mouse.move(c.x + b.left + b.width / 2, c.y + L.f.depth[node] * ROW_H + ROW_H / 2);
  const tip = page.locator('[data-testid=flame-tip]');
  await tip.waitFor();
  const text = await tip.textContent();
  assert.ok(text.startsWith(nodeLabel(L.t, L.f, node)), text);
  assert.ok(text.includes(`Count${L.f.spans[node].toLocaleString('en-US')}`), text);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('span text in the tooltip and the breadcrumb is text, never markup', async () => {
  const page = await openFlame('sample', 'light');
  const L = layoutOf(sampleTrace(), 'spans');
  const h = await boxOf(page, L, HOSTILE);
  await page.mouse.move(h.x, h.y);
  await page.locator('[data-testid=flame-tip]').waitFor();
  assert.ok((await page.locator('[data-testid=flame-tip]').textContent()).startsWith(HOSTILE));
  await page.mouse.dblclick(h.x, h.y);
  await page.waitForFunction((s) => document.querySelector('[data-testid=flame-crumbs]').textContent.includes(s), HOSTILE);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.evaluate(() => window.__alerted ?? false), false);
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** the 3,000-span trace opened windowed (?windowAbove: it stands in for a million-span one) on its flame graph tab */
async function openWindowedFlame() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto(`${srv.url}/harness.html?trace=gen&theme=dark&windowAbove=1000`);
  await page.waitForSelector('[data-testid=windowed]');
  await page.click('[role=tab]:has-text("Flame graph")');
  await page.waitForFunction(() => performance.getEntriesByName('traceExplorer.flamePainted').length > 0);
  return page;
}

/** the flame requests the page sent (the harness logs what it asks the host) */
const flameAsks = (page) => page.evaluate(() => window.__hostLog.filter((m) => m.method === 'rowWindow' && m.params.flame).map((m) => m.params));

test('a windowed trace\'s flame graph: the receiver\'s boxes where the whole layout puts them; hover, click selects, double-click zooms', async () => {
  const page = await openWindowedFlame();
  const L = layoutOf(gen, 'spans');
  // the widest box below the root, and a narrower one at the same depth
  let node = -1;
  for (let i = 0; i < L.f.count; i++) if (L.f.depth[i] === 1 && (node < 0 || L.f.width[i] > L.f.width[node])) node = i;
  const c = await page.locator('[data-testid=flame-canvas]').boundingBox();
  const at = (n, canvas = c) => {
    const b = boxPx(L.f, wholeWindow(L.f), canvas.width, n);
    return { x: canvas.x + b.left + Math.min(b.width / 2, 20), y: canvas.y + L.f.depth[n] * ROW_H + ROW_H / 2 };
  };
  const p = at(node);
  assert.equal((await pixel(page, p.x, p.y))[3], 255, 'a box drawn where the whole layout puts it');
  assert.equal((await pixel(page, p.x, c.y + (L.f.maxDepth + 2) * ROW_H))[3], 0, 'nothing below the deepest level');
  const asks = await flameAsks(page);
  assert.ok(asks.length >= 1 && asks.every((q) => q.count === 0), 'flame requests ask no rows');
  assert.equal(await page.locator('[data-testid=whole-only]').count(), 0);
  // hover: the tooltip names the span
  await page.mouse.move(p.x, p.y);
  const tip = page.locator('[data-testid=flame-tip]');
  await tip.waitFor();
  assert.ok((await tip.textContent()).startsWith(nodeLabel(L.t, L.f, node)));
  // click: the span is selected and the details pane shows it
  await page.mouse.click(p.x, p.y);
  const d = page.locator('[data-testid=details]');
  await d.waitFor();
  await page.waitForFunction((name) => document.querySelector('[data-testid=details] .details-title')?.textContent === name, L.t.str(L.t.name[L.f.row[node]]));
  await d.locator('button:has-text("Go to source")').click();
  const go = (await page.evaluate(() => window.__hostLog)).filter((m) => m.method === 'goToSource');
  assert.equal(go.at(-1).params.spanId, L.t.spanId(L.f.row[node]));
  // double-click: zoomed into the box (the breadcrumb shows its path) and the finer boxes are asked
  const before = (await flameAsks(page)).length;
  const c2 = await page.locator('[data-testid=flame-canvas]').boundingBox();
  const p2 = at(node, c2);
  await page.mouse.dblclick(p2.x, p2.y);
  await page.waitForFunction((s) => document.querySelector('[data-testid=flame-crumbs]').textContent.includes(s), nodeLabel(L.t, L.f, node));
  await page.waitForFunction((n) => window.__hostLog.filter((m) => m.method === 'rowWindow' && m.params.flame).length > n, before);
  const zoom = (await flameAsks(page)).at(-1).flame;
  assert.ok(zoom.x1 - zoom.x0 < L.f.total, `a sub-range asked: ${JSON.stringify(zoom)}`);
  assert.ok(zoom.nsPerPx < L.f.total / c.width, 'at finer detail');
  await page.waitForTimeout(200);
  const zc = await page.locator('[data-testid=flame-canvas]').boundingBox();
  assert.equal((await pixel(page, zc.x + zc.width - 4, p2.y))[3], 255, 'the box fills the width');
  await page.locator('[data-testid=flame-canvas]').focus();
  // Escape zooms out to the parent (the root), then to the whole trace
  await page.keyboard.press('Escape');
  await page.waitForFunction((root) => document.querySelector('[data-testid=flame-crumbs] [aria-current]')?.textContent === root, nodeLabel(L.t, L.f, L.f.parent[node]));
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid=flame-crumbs] [aria-current]'));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a windowed trace\'s flame graph: operations mode merges spans (a click selects the longest), find dims the rest', async () => {
  const page = await openWindowedFlame();
  await page.click('[role=radio]:has-text("Operations")');
  const L = layoutOf(gen, 'operations');
  let node = -1;
  for (let i = 0; i < L.f.count; i++) if (L.f.depth[i] >= 1 && L.f.spans[i] > 1 && (node < 0 || L.f.width[i] > L.f.width[node])) node = i;
  await page.waitForFunction(() => window.__hostLog.some((m) => m.method === 'rowWindow' && m.params.flame?.mode === 'operations'));
  const c = await page.locator('[data-testid=flame-canvas]').boundingBox();
  const b = boxPx(L.f, wholeWindow(L.f), c.width, node);
  const p = { x: c.x + b.left + b.width / 2, y: c.y + L.f.depth[node] * ROW_H + ROW_H / 2 };
  const tip = page.locator('[data-testid=flame-tip]');
  // (the pointer is moved until the operations' answer is drawn under it)
  for (let i = 0; i < 20; i++) {
    await page.mouse.move(p.x, p.y + (i % 2));
    if ((await tip.count()) && (await tip.textContent()).includes('Count')) break;
    await page.waitForTimeout(100);
  }
  const text = await tip.textContent();
  assert.ok(text.startsWith(nodeLabel(L.t, L.f, node)), text);
  assert.ok(text.includes(`Count${L.f.spans[node].toLocaleString('en-US')}`), text);
  await page.mouse.click(p.x, p.y);
  await page.waitForFunction((name) => document.querySelector('[data-testid=details] .details-title')?.textContent === name, L.t.str(L.t.name[L.f.row[node]]));
  const go = page.locator('[data-testid=details] button:has-text("Go to source")');
  await go.click();
  const sent = (await page.evaluate(() => window.__hostLog)).filter((m) => m.method === 'goToSource');
  assert.equal(sent.at(-1).params.spanId, L.t.spanId(L.f.row[node]), 'the merged box\'s longest span');
  await page.click('[data-testid=details] button[aria-label="Close details"]');
  // find: a box without a match is dimmed once the receiver marked the boxes
  const c2 = await page.locator('[data-testid=flame-canvas]').boundingBox();
  const rootPx = { x: c2.x + 10, y: c2.y + ROW_H / 2 };
  assert.equal((await pixel(page, rootPx.x, rootPx.y))[3], 255);
  await page.fill('[data-testid=find]', 'no span is named like this');
  await page.waitForFunction(([x, y]) => {
    const cv = document.querySelector('[data-testid=flame-canvas]');
    const r = cv.getBoundingClientRect();
    const dpr = cv.width / r.width;
    return cv.getContext('2d').getImageData(Math.round((x - r.left) * dpr), Math.round((y - r.top) * dpr), 1, 1).data[3] < 128;
  }, [rootPx.x, rootPx.y]);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the keyboard walks the boxes: up to the parent, down to the first child, Enter zooms', async () => {
  const page = await openFlame();
  const L = layoutOf(sampleTrace(), 'spans');
  const orders = await boxOf(page, L, 'POST /api/orders');
  await page.mouse.click(orders.x, orders.y);
  const title = page.locator('[data-testid=details] .details-title');
  await page.waitForFunction(() => document.querySelector('[data-testid=details] .details-title')?.textContent === 'POST /api/orders');
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction(() => document.querySelector('[data-testid=details] .details-title')?.textContent === 'GET /checkout');
  await page.keyboard.press('ArrowDown');
  // the first child in start order
  await page.waitForFunction(() => document.querySelector('[data-testid=details] .details-title')?.textContent === 'render page');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('[data-testid=details] .details-title')?.textContent === 'POST /api/orders');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=flame-crumbs]').textContent.endsWith('POST /api/orders'));
  assert.equal(await title.textContent(), 'POST /api/orders');
  assert.deepEqual(page.errors, []);
  await page.close();
});
