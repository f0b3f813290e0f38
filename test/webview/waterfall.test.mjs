// The built webview bundle (dist/webview.js) in headless Chromium, driven through the harness page that
// plays the extension host. Run `npm run build` first. Screenshots land in artifacts/webview/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHarnessServer } from './server.mjs';
import { launchChromium } from './browser.mjs';
import { sampleTrace, generateTrace, makeSpan, HOSTILE, SAMPLE_TRACE } from './traces.mjs';

const shots = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'artifacts', 'webview');
mkdirSync(shots, { recursive: true });
let srv;
let browser;
let gen;

before(async () => {
  srv = await startHarnessServer();
  srv.addTrace('sample', sampleTrace());
  gen = generateTrace(3000);
  srv.addTrace('gen', gen);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await srv?.close();
});

async function open(trace = 'sample', theme = 'dark', viewport = { width: 1400, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  const csp = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  page.cspViolations = csp;
  await page.goto(`${srv.url}/harness.html?trace=${trace}&theme=${theme}`);
  await page.waitForSelector('[role=treegrid] [role=row]');
  page.errors = errors;
  return page;
}
const rowNames = (page) => page.$$eval('[role=row] .name', (els) => els.map((e) => e.textContent));
const hostLog = (page) => page.evaluate(() => window.__hostLog);
const rowByName = (page, name) => page.locator('[role=row]', { has: page.locator('.name', { hasText: name }) }).first();
const selectedName = (page) => page.$eval('[role=row][aria-selected=true] .name', (e) => e.textContent).catch(() => null);

test('renders the trace as a treegrid: depth-first rows, levels, service legend, ticks, markers', async () => {
  const page = await open();
  assert.deepEqual(await rowNames(page), [
    'GET /checkout', 'render page', 'POST /api/orders', 'cache lookup', 'SELECT orders', HOSTILE, 'charge card', 'loop a', 'loop b', 'late webhook',
  ]);
  assert.equal(await page.getAttribute('[role=treegrid]', 'aria-rowcount'), '10');
  assert.equal(await rowByName(page, 'charge card').getAttribute('aria-level'), '4');
  assert.equal(await rowByName(page, 'POST /api/orders').getAttribute('aria-expanded'), 'true');
  const legend = await page.textContent('[data-testid=legend]');
  for (const s of ['frontend', 'orders-db', 'payments', '10 spans', '3 errors', '4 flagged']) assert.ok(legend.includes(s), `legend shows ${s}: ${legend}`);
  const ticks = await page.$$eval('.axis .tick', (els) => els.map((e) => e.textContent));
  assert.ok(ticks.length >= 4 && ticks[0] === '0 ms', `ticks: ${ticks}`);
  assert.equal(await rowByName(page, 'late webhook').locator('.badge').textContent(), 'orphan');
  assert.equal(await rowByName(page, 'loop a').locator('.badge').textContent(), 'cycle');
  // one host, one clock: a child ending after its parent is an async child, not skew (nor flagged)
  assert.equal(await rowByName(page, 'render page').locator('.badge.skew').count(), 0);
  assert.equal(await rowByName(page, 'render page').locator('.bar.skew').count(), 0);
  assert.equal(await rowByName(page, 'render page').locator('.badge.note').textContent(), 'async');
  assert.match(await rowByName(page, 'render page').locator('.badge.note').getAttribute('title'), /^Ends 10 ms after its parent, on the same host \(one clock: not skew/);
  // another host recorded it: two clocks, so skew
  assert.match(await rowByName(page, 'cache lookup').locator('.badge.skew').getAttribute('title'), /^Clock skew: starts 1 ms before its parent, which another host recorded/);
  assert.equal(await rowByName(page, 'charge card').locator('[role=img][aria-label=error]').count(), 1);
  assert.equal(await page.locator('.row.error').count(), 3);
  // webview/context menus (e.g. Copy Span Subtree as Test Fixture) get the span under the pointer
  // (and the row's own actions replace the browser's Cut/Copy/Paste there)
  assert.deepEqual(JSON.parse(await rowByName(page, 'charge card').getAttribute('data-vscode-context')),
    { webviewSection: 'span', traceId: SAMPLE_TRACE, spanId: '0000000000000005', preventDefaultContextMenuItems: true });
  assert.deepEqual(JSON.parse(await page.getAttribute('.app', 'data-vscode-context')), { webviewSection: 'trace', traceId: SAMPLE_TRACE });
  await rowByName(page, 'loop b').click({ button: 'right' });
  assert.equal(await selectedName(page), 'loop b', 'a right-click selects the span the menu is for');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.cspViolations, [], 'nothing violates the panel CSP');
  await page.close();
});

test('hostile strings are text: names, services, attributes, status, exception and logs', async () => {
  const page = await open();
  assert.equal(await page.locator('img').count(), 0);
  await rowByName(page, HOSTILE).click();
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=details] .kv-item');
  const d = page.locator('[data-testid=details]');
  assert.equal(await d.locator('.details-title').textContent(), HOSTILE);
  assert.equal(await d.locator('.kv-item dt', { hasText: HOSTILE }).count(), 1);
  await rowByName(page, 'POST /api/orders').click();
  await page.waitForSelector('[data-testid=exception]');
  const text = await d.textContent();
  assert.ok(text.includes(`payment declined ${HOSTILE}`));
  assert.ok(text.includes(`card declined ${HOSTILE}`));
  assert.ok(text.includes(`payment failed for order 123 ${HOSTILE}`));
  assert.ok(text.includes(`declined ${HOSTILE}`), 'a log record\'s exception message');
  assert.equal(await page.locator('img').count(), 0, 'no element was created from span text');
  assert.equal(await page.evaluate(() => window.__alerted ?? false), false);
  await page.close();
});

test('collapse and expand: twisty, subtree, collapse all, levels', async () => {
  const page = await open();
  await rowByName(page, 'POST /api/orders').locator('.twisty').click();
  assert.deepEqual(await rowNames(page), ['GET /checkout', 'render page', 'POST /api/orders', 'loop a', 'loop b', 'late webhook']);
  assert.equal(await rowByName(page, 'POST /api/orders').getAttribute('aria-expanded'), 'false');
  assert.equal(await rowByName(page, 'POST /api/orders').locator('.hidden-count').textContent(), '+4');
  await rowByName(page, 'POST /api/orders').locator('.twisty').click();
  assert.equal((await rowNames(page)).length, 10);
  await page.click('button:has-text("Collapse all")');
  assert.deepEqual(await rowNames(page), ['GET /checkout', 'loop a', 'late webhook']);
  await page.selectOption('select[aria-label="Expand to level"]', '2');
  assert.deepEqual(await rowNames(page), ['GET /checkout', 'render page', 'POST /api/orders', 'loop a', 'loop b', 'late webhook']);
  await page.click('button:has-text("Expand all")');
  assert.equal((await rowNames(page)).length, 10);
  // Alt+click collapses the whole subtree: expanding the top again leaves the inner one folded
  await rowByName(page, 'POST /api/orders').locator('.twisty').click({ modifiers: ['Alt'] });
  await rowByName(page, 'POST /api/orders').locator('.twisty').click();
  assert.equal(await rowByName(page, HOSTILE).getAttribute('aria-expanded'), 'false');
  await page.close();
});

test('find: highlight, count, next/previous, attribute key=value, only matches keeps ancestors', async () => {
  const page = await open();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'find');
  await page.keyboard.type('orders');
  // typing goes to the first match at once: never "? of 3"
  await page.waitForFunction(() => document.querySelector('[data-testid=find-count]')?.textContent?.includes('of 3'));
  assert.equal(await page.textContent('[data-testid=find-count]'), '1 of 3');
  assert.equal(await selectedName(page), 'POST /api/orders');
  assert.deepEqual(await page.$$eval('.row.match .name', (els) => els.map((e) => e.textContent)), ['POST /api/orders', 'cache lookup', 'SELECT orders']);
  await page.keyboard.press('Enter');
  assert.equal(await selectedName(page), 'cache lookup');
  assert.equal(await page.textContent('[data-testid=find-count]'), '2 of 3');
  await page.keyboard.press('Shift+Enter');
  assert.equal(await selectedName(page), 'POST /api/orders');
  // a narrower query keeps the selection while it still matches
  await page.fill('[data-testid=find]', 'api/orders');
  await page.waitForFunction(() => document.querySelector('[data-testid=find-count]')?.textContent === '1 of 1');
  assert.equal(await selectedName(page), 'POST /api/orders');
  await page.fill('[data-testid=find]', 'db.system=redis');
  await page.waitForFunction(() => document.querySelector('[data-testid=find-count]')?.textContent?.includes('of 1'));
  await page.check('text=Only matches');
  assert.deepEqual(await rowNames(page), ['GET /checkout', 'POST /api/orders', 'cache lookup']);
  await page.fill('[data-testid=find]', 'no such thing');
  await page.waitForFunction(() => document.querySelector('[data-testid=find-count]')?.textContent === 'No results');
  assert.match(await page.textContent('.no-rows'), /No span matches/);
  await page.keyboard.press('Escape');
  assert.equal(await page.inputValue('[data-testid=find]'), '');
  await page.waitForFunction(() => document.querySelector('[role=treegrid]')?.getAttribute('aria-rowcount') === '10');
  await page.close();
});

test('find: typing selects the first match far down a large trace and scrolls it into view', async () => {
  // the database span that starts last: its row is near the end of the depth-first order
  const last = gen.spans.filter((x) => x.attrs[0] === 'db.system' && x.attrs[1] === 'postgresql').sort((a, b) => b.start - a.start)[0];
  const query = last.attrs[3].slice(last.attrs[3].indexOf('-- '));
  const page = await open('gen');
  await page.fill('[data-testid=find]', query);
  await page.waitForFunction(() => /^1 of \d/.test(document.querySelector('[data-testid=find-count]')?.textContent ?? ''));
  const sel = page.locator('[role=row][aria-selected=true]');
  assert.equal(await sel.locator('.name').textContent(), last.name);
  assert.ok(Number(await sel.getAttribute('aria-rowindex')) > 1000, 'the match is far down');
  const vp = await page.locator('[role=treegrid]').boundingBox();
  const box = await sel.boundingBox();
  assert.ok(box.y >= vp.y && box.y + box.height <= vp.y + vp.height, 'the match is scrolled into view');
  // moving off the matches counts them instead of a "?"
  await page.focus('[role=treegrid]');
  await page.keyboard.press('Home');
  assert.match(await page.textContent('[data-testid=find-count]'), /^\d[\d,]* match(es)?$/);
  await page.close();
});

/** WCAG contrast ratio of two CSS colours as the page resolves them (through a canvas: any colour syntax) */
const contrast = (page, a, b) => page.evaluate(([a, b]) => {
  const c = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  const rgb = (css) => {
    c.clearRect(0, 0, 1, 1);
    c.fillStyle = '#000';
    c.fillStyle = css;
    c.fillRect(0, 0, 1, 1);
    return [...c.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  };
  const lum = (css) => {
    const [r, g, bl] = rgb(css).map((v) => {
      const x = v / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}, [a, b]);

test('find matches are clearly marked in the light and dark themes', async () => {
  for (const theme of ['light', 'dark']) {
    const page = await open('sample', theme);
    await page.fill('[data-testid=find]', 'orders');
    await page.waitForFunction(() => document.querySelector('[data-testid=find-count]')?.textContent === '1 of 3');
    assert.equal(await page.locator('.row.match .match-mark').count(), 3, 'every match has a mark');
    assert.equal(await page.locator('.row:not(.match) .match-mark').count(), 0);
    const mark = await page.$eval('.row.match .match-mark', (e) => getComputedStyle(e).backgroundColor);
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background'));
    const ratio = await contrast(page, mark, bg);
    assert.ok(ratio >= 3, `the mark stands out from the ${theme} background: ${ratio.toFixed(2)}:1`);
    const outline = await page.$eval('.row.match:not(.selected) .name', (e) => getComputedStyle(e).outlineColor);
    assert.ok((await contrast(page, outline, bg)) >= 3, `the match's outline too (${theme})`);
    await page.screenshot({ path: join(shots, `find-${theme}.png`) });
    await page.close();
  }
});

test('numbers read the same everywhere: "1 span", "1,031 errors", thousands separated', async () => {
  const one = 'e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1';
  srv.addTrace('one', { spans: [makeSpan(one, 'e100000000000001', '', 'lonely', 'solo', 0, 1e6, { status: 2 })], logs: [] });
  let page = await open('one');
  const parts = await page.locator('[data-testid=legend] .summary > *').allTextContents();
  assert.ok(parts.includes('1 span') && parts.includes('1 error'), parts.join(' | '));
  await page.close();
  const many = 'e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2';
  const id = (i) => `e2${i.toString(16).padStart(14, '0')}`;
  const spans = [makeSpan(many, id(0), '', 'batch', 'worker', 0, 1e9)];
  for (let i = 1; i < 1100; i++) spans.push(makeSpan(many, id(i), id(0), 'item', 'worker', i * 1e5, i * 1e5 + 5e4, { status: i <= 1031 ? 2 : 0 }));
  srv.addTrace('many', { spans, logs: [] });
  page = await open('many');
  const legend = await page.textContent('[data-testid=legend]');
  for (const s of ['1,100 spans', '1,031 errors', 'worker1,100']) assert.ok(legend.includes(s), `legend shows ${s}: ${legend}`);
  await page.click('button:has-text("Collapse all")');
  assert.equal(await rowByName(page, 'batch').locator('.hidden-count').textContent(), '+1,099');
  await page.fill('[data-testid=find]', 'item');
  await page.waitForFunction(() => document.querySelector('[data-testid=find-count]')?.textContent === '1 of 1,099');
  await page.click('[role=tab]:has-text("Statistics")');
  const svc = await page.locator('[data-testid=stats] table').first().locator('tbody tr').first().locator('td').allTextContents();
  assert.deepEqual([svc[1], svc[5]], ['1,100', '1,031']);
  await page.close();
});

test('an error keeps its service colour and is marked in red on top of it', async () => {
  const page = await open('sample', 'light');
  const row = rowByName(page, 'charge card');
  const bar = await row.locator('.bar').evaluate((e) => getComputedStyle(e).backgroundColor);
  const swatch = await row.locator('.swatch').evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(bar, swatch, 'the bar has the service colour');
  const ok = await rowByName(page, 'charge card').locator('.bar').evaluate((e) => getComputedStyle(e).backgroundImage);
  assert.equal(ok, 'none', 'no red stripes over the colour');
  const mark = await row.locator('.bar').evaluate((e) => getComputedStyle(e, '::after').backgroundColor);
  const red = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-red').trim());
  assert.ok((await contrast(page, mark, red)) < 1.01, `the mark on top is red: ${mark}`);
  assert.notEqual(await rowByName(page, 'GET /checkout').locator('.bar').evaluate((e) => getComputedStyle(e).backgroundColor),
    await rowByName(page, 'POST /api/orders').locator('.bar').evaluate((e) => getComputedStyle(e).backgroundColor),
    'two failed spans of two services have two colours');
  await page.close();
});

test('40 services: the legend shows 12 and "+28 more", and the colours stay apart in light and dark themes', async () => {
  const tid = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0';
  const id = (i) => `f0${i.toString(16).padStart(14, '0')}`;
  const spans = [makeSpan(tid, id(0), '', 'fan out', 'svc-00', 0, 100e6)];
  for (let i = 1; i < 40; i++) spans.push(makeSpan(tid, id(i), id(0), `call ${i}`, `svc-${String(i).padStart(2, '0')}`, i * 1e6, i * 1e6 + 50e6, { status: i % 7 === 0 ? 2 : 0 }));
  srv.addTrace('forty', { spans, logs: [] });
  for (const theme of ['light', 'dark']) {
    const page = await open('forty', theme);
    const chips = page.locator('[data-testid=services] .svc-chip');
    assert.equal(await chips.count(), 12);
    assert.equal(await page.textContent('[data-testid=more-services]'), '+28 more');
    const rowH = await page.locator('.svc-chip').first().evaluate((e) => e.getBoundingClientRect().height);
    assert.ok((await page.locator('[data-testid=legend]').boundingBox()).height <= 3 * rowH + 12, 'the legend stays short');
    await page.click('[data-testid=more-services]');
    assert.equal(await chips.count(), 40);
    const box = await page.locator('[data-testid=services]').evaluate((e) => ({ h: e.clientHeight, sh: e.scrollHeight }));
    assert.ok(box.h <= 3 * rowH + 4, `every service, in a box of at most three rows that scrolls: ${JSON.stringify(box)}`);
    // every pair of the 40 colours is apart in OKLab (rendered through a canvas: the colours as shown)
    const min = await page.evaluate(() => {
      const c = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
      const lab = (css) => {
        c.fillStyle = '#000';
        c.fillStyle = css;
        c.fillRect(0, 0, 1, 1);
        const [r, g, b] = [...c.getImageData(0, 0, 1, 1).data.slice(0, 3)].map((v) => {
          const x = v / 255;
          return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
        });
        const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
        const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
        const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
        return [0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s, 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s, 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s];
      };
      const labs = [...document.querySelectorAll('[data-testid=services] .svc-chip .swatch')].map((e) => lab(getComputedStyle(e).backgroundColor));
      let d = Infinity;
      for (let i = 0; i < labs.length; i++) for (let j = i + 1; j < labs.length; j++) d = Math.min(d, Math.hypot(labs[i][0] - labs[j][0], labs[i][1] - labs[j][1], labs[i][2] - labs[j][2]));
      return d;
    });
    assert.ok(min >= 0.05, `the closest two of 40 service colours are ${min.toFixed(3)} apart (${theme})`);
    await page.screenshot({ path: join(shots, `forty-services-${theme}.png`) });
    await page.close();
  }
});

test('keyboard: arrows move and fold, Enter opens details, e jumps to errors, n/N step matches, Escape closes', async () => {
  const page = await open();
  await page.focus('[role=treegrid]');
  await page.keyboard.press('ArrowDown');
  assert.equal(await selectedName(page), 'GET /checkout');
  assert.equal(await page.getAttribute('[role=treegrid]', 'aria-activedescendant'), await rowByName(page, 'GET /checkout').getAttribute('id'));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await selectedName(page), 'POST /api/orders');
  await page.keyboard.press('ArrowLeft'); // collapse
  assert.equal(await rowByName(page, 'POST /api/orders').getAttribute('aria-expanded'), 'false');
  await page.keyboard.press('ArrowLeft'); // to parent
  assert.equal(await selectedName(page), 'GET /checkout');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight'); // expand
  assert.equal(await rowByName(page, 'POST /api/orders').getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('ArrowRight'); // first child
  assert.equal(await selectedName(page), 'cache lookup');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=details]');
  assert.equal(await page.textContent('[data-testid=details] .details-title'), 'cache lookup');
  await page.keyboard.press('e');
  assert.equal(await selectedName(page), 'charge card');
  assert.equal(await page.textContent('[data-testid=details] .details-title'), 'charge card');
  await page.keyboard.press('e');
  assert.equal(await selectedName(page), 'GET /checkout', 'wraps around to the first error');
  await page.keyboard.press('Shift+E');
  assert.equal(await selectedName(page), 'charge card');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid=details]').count(), 0);
  await page.keyboard.press('/');
  await page.keyboard.type('loop');
  // the matches follow the query one render later (a deferred value): step once they are there
  await page.waitForFunction(() => [...document.querySelectorAll('.row.match .name')].some((e) => e.textContent === 'loop a'));
  await page.keyboard.press('ArrowDown'); // back to the grid
  assert.equal(await selectedName(page), 'loop a', 'typing went to the first match');
  await page.keyboard.press('n');
  assert.equal(await selectedName(page), 'loop b');
  await page.keyboard.press('n');
  assert.equal(await selectedName(page), 'loop a');
  await page.keyboard.press('Shift+N');
  assert.equal(await selectedName(page), 'loop b');
  await page.keyboard.press('End');
  assert.equal(await selectedName(page), 'late webhook');
  await page.keyboard.press('Home');
  assert.equal(await selectedName(page), 'GET /checkout');
  await page.close();
});

test('a single click shows the span\'s details, also after the pane was closed with its close button', async () => {
  const page = await open();
  const d = page.locator('[data-testid=details]');
  await rowByName(page, 'SELECT orders').click();
  assert.equal(await d.locator('.details-title').textContent(), 'SELECT orders');
  await d.locator('button[aria-label="Close details"]').click();
  assert.equal(await d.count(), 0);
  await rowByName(page, 'charge card').click();
  assert.equal(await d.locator('.details-title').textContent(), 'charge card', 'a click after closing opens it again');
  await d.locator('button[aria-label="Close details"]').click();
  await rowByName(page, 'charge card').click();
  assert.equal(await d.locator('.details-title').textContent(), 'charge card', 'also on the span that was shown');
  await page.keyboard.press('Escape');
  assert.equal(await d.count(), 0);
  await rowByName(page, 'render page').click();
  assert.equal(await d.locator('.details-title').textContent(), 'render page', 'and after Escape');
  // a right-click only selects (the context menu is for that span); the twisty only folds
  await d.locator('button[aria-label="Close details"]').click();
  await rowByName(page, 'loop b').click({ button: 'right' });
  assert.equal(await d.count(), 0);
  await rowByName(page, 'POST /api/orders').locator('.twisty').click();
  assert.equal(await d.count(), 0);
  await page.close();
});

test('the split between tree and details is dragged, kept within bounds, and remembered by the webview state', async () => {
  const page = await open('sample', 'dark', { width: 1200, height: 700 });
  await rowByName(page, 'POST /api/orders').click();
  const d = page.locator('[data-testid=details]');
  await d.waitFor();
  const w0 = (await d.boundingBox()).width;
  const sp = await page.locator('[data-testid=details-splitter]').boundingBox();
  await page.mouse.move(sp.x + 2, sp.y + 200);
  await page.mouse.down();
  await page.mouse.move(sp.x - 200, sp.y + 200, { steps: 5 });
  await page.mouse.up();
  const w1 = (await d.boundingBox()).width;
  assert.ok(Math.abs(w1 - (w0 + 200)) <= 4, `dragged 200 px to the left: ${w0} -> ${w1}`);
  // the waterfall keeps at least 320 px, the details at least 240 px
  await page.mouse.move(sp.x - 200, sp.y + 200);
  await page.mouse.down();
  await page.mouse.move(5, sp.y + 200, { steps: 5 });
  await page.mouse.up();
  assert.ok((await page.locator('.waterfall').boundingBox()).width >= 318, 'the waterfall keeps its minimum');
  const wide = (await d.boundingBox()).width;
  await page.focus('[data-testid=details-splitter]');
  await page.keyboard.press('ArrowRight');
  assert.ok((await d.boundingBox()).width < wide, 'the arrow keys resize too');
  const kept = Math.round((await d.boundingBox()).width);
  // a recreated webview (VS Code destroys hidden ones) keeps the width and the selection
  await page.reload();
  await page.waitForSelector('[role=treegrid] [role=row]');
  await rowByName(page, 'SELECT orders').click();
  await d.waitFor();
  assert.ok(Math.abs((await d.boundingBox()).width - kept) <= 2, `the width is remembered: ${kept}`);
  // double-click returns to the default
  await page.dblclick('[data-testid=details-splitter]');
  assert.ok(Math.abs((await d.boundingBox()).width - w0) <= 2);
  await page.close();
});

test('span names stay readable beside the details, and attribute keys are shown whole, wrapping between their parts', async () => {
  const tid = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0';
  const ms = 1e6;
  const longKey = 'process.executable.path.of.the.running.service';
  const path = '/home/developer/projects/shop/services/inventory/node_modules/.bin/inventory-service-main.js';
  srv.addTrace('keys', {
    spans: [
      makeSpan(tid, 'c000000000000001', '', 'inventory.reserve', 'inventory-service-with-a-long-name', 0, 50 * ms, { attrs: [longKey, path, 'process.executable.name', 'node'] }),
      makeSpan(tid, 'c000000000000002', 'c000000000000001', 'SELECT stock FROM items', 'inventory-service-with-a-long-name', 5 * ms, 20 * ms),
    ],
    logs: [],
  });
  const page = await open('keys', 'dark', { width: 900, height: 600 });
  await rowByName(page, 'SELECT stock FROM items').click();
  const d = page.locator('[data-testid=details]');
  await d.locator('.kv-item').first().waitFor();
  // names are not cut while the service beside them can give way
  for (const name of ['inventory.reserve', 'SELECT stock FROM items']) {
    const cut = await rowByName(page, name).locator('.name').evaluate((e) => {
      const r = document.createRange();
      r.selectNodeContents(e);
      return r.getBoundingClientRect().width > e.getBoundingClientRect().width + 0.01;
    });
    assert.equal(cut, false, `${name} is shown whole`);
  }
  await rowByName(page, 'inventory.reserve').click();
  const key = d.locator('.kv-item dt', { hasText: longKey });
  await key.waitFor();
  assert.equal(await key.textContent(), longKey);
  assert.equal(await key.evaluate((e) => e.scrollWidth <= e.clientWidth), true, 'the key is not cut');
  // wrapped lines end at a separator: every line break falls after '.', never inside a word
  const lines = async (loc) => loc.evaluate((el) => {
    const range = document.createRange();
    const text = el.textContent;
    const out = [];
    let top = null;
    let cur = '';
    let node = null;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const chars = [];
    while ((node = walker.nextNode())) for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
    for (const [n, i] of chars) {
      range.setStart(n, i);
      range.setEnd(n, i + 1);
      const y = Math.round(range.getBoundingClientRect().top);
      if (top !== null && y > top + 2) {
        out.push(cur);
        cur = '';
      }
      top = y;
      cur += n.data[i];
    }
    out.push(cur);
    return { text, out };
  });
  const k = await lines(key);
  assert.ok(k.out.length > 1, `the key wraps in a narrow pane: ${JSON.stringify(k.out)}`);
  for (const l of k.out.slice(0, -1)) assert.match(l, /[.]$/, `a key line ends at a dot: ${JSON.stringify(k.out)}`);
  const v = await lines(d.locator('.kv-item', { hasText: longKey }).locator('.value'));
  assert.equal(v.out.join(''), path);
  for (const l of v.out.slice(0, -1)) assert.match(l, /[/.\-]$/, `a path line ends at a separator: ${JSON.stringify(v.out)}`);
  await page.screenshot({ path: join(shots, 'details-narrow-dark.png') });
  await page.close();
});

test('a span with 100,000 attributes shows the first 200 of each list, more on demand, and its filter searches them all', async () => {
  const tid = 'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0';
  const attrs = [];
  for (let i = 0; i < 100_000; i++) attrs.push(`attr.${i}`, `value ${i}`);
  const events = Array.from({ length: 300 }, (_, i) => ({ time: 1000 + i, name: `tick ${i}`, attrs: [], droppedAttributesCount: 0 }));
  srv.addTrace('wide', { spans: [makeSpan(tid, 'd000000000000001', '', 'bulk import', 'importer', 0, 5e6, { attrs, events })], logs: [] });
  const page = await open('wide');
  await rowByName(page, 'bulk import').click();
  const d = page.locator('[data-testid=details]');
  const spanAttrs = d.locator('section.section').first().locator('dl.kv').first();
  await spanAttrs.locator('.kv-item').first().waitFor();
  assert.ok((await d.locator('h4').allTextContents()).includes('Span (100,000)'));
  assert.equal(await spanAttrs.locator('.kv-item').count(), 200);
  const more = spanAttrs.locator('[data-testid=show-more]');
  assert.equal(await more.textContent(), 'Show 2,000 more (99,800 not shown of 100,000)');
  await more.click();
  assert.equal(await spanAttrs.locator('.kv-item').count(), 2200);
  // the filter looks through every attribute, not just those shown
  await d.locator('input[aria-label="Filter attributes"]').fill('attr.99999');
  assert.deepEqual(await spanAttrs.locator('.kv-item dt').allTextContents(), ['attr.99999']);
  // events are capped the same way; under the step, one click shows them all
  assert.equal(await d.locator('.event').count(), 200);
  const moreEvents = d.locator('section.section', { hasText: 'Events (300)' }).locator('[data-testid=show-more]');
  assert.equal(await moreEvents.textContent(), 'Show all 300');
  await moreEvents.click();
  assert.equal(await d.locator('.event').count(), 300);
  assert.equal(await moreEvents.count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Focus Subtree (context menu or details) shows the span and its descendants, zoomed to it, until Show whole trace', async () => {
  const page = await open();
  const ticks = () => page.$$eval('.axis .tick', (els) => els.map((e) => e.textContent));
  const whole = await ticks();
  // what the host sends for the context menu's Focus Subtree
  await page.evaluate(() => window.postMessage({ type: 'notification', method: 'focusSubtree', params: { spanId: '0000000000000002' } }, '*'));
  await page.waitForSelector('[data-testid=focus-bar]');
  assert.deepEqual(await rowNames(page), ['POST /api/orders', 'cache lookup', 'SELECT orders', HOSTILE, 'charge card']);
  assert.equal(await page.textContent('[data-testid=focus-bar] .focus-name'), 'POST /api/orders');
  assert.match(await page.textContent('[data-testid=focus-bar]'), /\(5 spans\)/);
  assert.equal(await selectedName(page), 'POST /api/orders');
  assert.notDeepEqual(await ticks(), whole, 'the time axis is zoomed to the span');
  await page.click('[data-testid=focus-bar] button:has-text("Show whole trace")');
  assert.equal((await rowNames(page)).length, 10);
  assert.deepEqual(await ticks(), whole);
  // the same from the details pane; the next error outside the subtree brings the whole trace back
  await rowByName(page, HOSTILE).click();
  await page.locator('[data-testid=details] button', { hasText: 'Focus subtree' }).click();
  assert.deepEqual(await rowNames(page), [HOSTILE, 'charge card']);
  await page.focus('[role=treegrid]');
  await page.keyboard.press('e');
  assert.equal(await selectedName(page), 'charge card', 'an error inside keeps the focus');
  assert.equal((await rowNames(page)).length, 2);
  await page.keyboard.press('e');
  assert.equal(await selectedName(page), 'GET /checkout');
  assert.equal(await page.locator('[data-testid=focus-bar]').count(), 0);
  assert.equal((await rowNames(page)).length, 10);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('details: every fact and the whole span can be copied', async () => {
  const page = await open('sample');
  await rowByName(page, 'POST /api/orders').dblclick();
  const d = page.locator('[data-testid=details]');
  await page.waitForSelector('[data-testid=exception]'); // the full detail has arrived
  // (the buttons show when the pointer is over their fact, as for attributes)
  const press = async (label) => {
    const sel = `button[aria-label="${label}"]`;
    await d.locator('dd', { has: page.locator(sel) }).hover();
    await d.locator(sel).click();
  };
  for (const what of ['service', 'kind', 'status', 'start time (Unix ns)', 'duration (ns)', 'span id', 'parent id']) await press(`Copy ${what} value`);
  await press('Copy status as JSON');
  await d.locator('button[aria-label="Copy span as JSON"]').click();
  const copies = (await hostLog(page)).filter((m) => m.type === 'command' && m.method === 'copy').map((m) => m.params.text);
  assert.equal(copies.length, 9);
  assert.deepEqual(copies.slice(0, 2), ['orders', 'SERVER']);
  assert.match(copies[2], /^Error: payment declined <img/);
  assert.match(copies[3], /^\d{19}$/, 'start as Unix ns');
  assert.equal(copies[4], String(95e6));
  assert.deepEqual(copies.slice(5, 7), ['0000000000000002', '0000000000000001']);
  assert.equal(JSON.parse(copies[7]).code, 2);
  const span = JSON.parse(copies[8]);
  assert.equal(span.name, 'POST /api/orders');
  assert.equal(span.spanId, '0000000000000002');
  await page.close();
});

test('a span with no location signal still offers Go to source, by name, and the host is asked for it', async () => {
  const page = await open('sample');
  await rowByName(page, 'render page').dblclick();
  const d = page.locator('[data-testid=details]');
  await d.waitFor();
  // no source button on its row (no code.* attributes or stack trace), one in the details pane
  assert.equal(await rowByName(page, 'render page').locator('button.src-btn').count(), 0);
  const btn = d.locator('button', { hasText: 'Go to source (by name)' });
  assert.match(await btn.getAttribute('title'), /name is looked up among the workspace's symbols/);
  await btn.click();
  const cmds = (await hostLog(page)).filter((m) => m.type === 'command' && m.method === 'goToSource');
  assert.deepEqual(cmds.map((m) => m.params), [{ spanId: '0000000000000006' }]);
  await page.close();
});

test('details pane: status, attributes by group with filter, events with offsets, stack frames, links, logs, copy, go to source', async () => {
  const page = await open('sample', 'dark', { width: 1500, height: 1100 });
  await rowByName(page, 'POST /api/orders').dblclick();
  await page.waitForSelector('[data-testid=exception]');
  const d = page.locator('[data-testid=details]');
  const facts = await d.locator('.facts').textContent();
  for (const s of ['orders', 'SERVER', 'Error', '+5 ms', '95 ms', '0000000000000002']) assert.ok(facts.includes(s), `facts show ${s}: ${facts}`);
  assert.ok((await d.locator('h4').allTextContents()).includes('Span (4)'));
  assert.ok((await d.textContent()).includes('createOrder'));
  await d.locator('input[aria-label="Filter attributes"]').fill('code.line');
  assert.deepEqual(await d.locator('section.section').first().locator('.kv-item dt').allTextContents(), ['code.line.number']);
  await d.locator('input[aria-label="Filter attributes"]').fill('');
  const events = await d.locator('.event .event-head').allTextContents();
  assert.ok(events[0].includes('+60 ms') && events[0].includes('+55 ms in span') && events[0].includes('order.validated'), events[0]);
  assert.ok(events[1].includes('+95 ms') && events[1].includes('exception'), events[1]);
  assert.equal(await d.locator('.event .exc-type').textContent(), 'PaymentDeclinedError');
  const frames = d.locator('.event .frame-link');
  // only frames whose file the host finds in the workspace are links: charge.ts (payments) yes, create.ts
  // (not in this workspace), node:internal and the hostile line no
  await frames.first().waitFor();
  assert.equal(await frames.count(), 1);
  assert.match(await frames.first().textContent(), /charge \(\/app\/src\/payments\/charge\.ts:88:13\)/);
  const plain = d.locator('.stack-lines .frame', { hasText: 'create.ts' });
  assert.equal(await plain.locator('button').count(), 0);
  assert.match(await plain.getAttribute('title'), /is not a file of this workspace/);
  await frames.first().click();
  await d.locator('.link-item .link').click();
  await d.locator('button:has-text("Go to source")').click();
  await d.locator('.kv-item', { hasText: 'code.function.name' }).hover();
  await d.locator('.kv-item', { hasText: 'code.function.name' }).locator('button[aria-label="Copy attribute as JSON"]').click();
  const logs = await d.locator('.log').allTextContents();
  assert.equal(logs.length, 2);
  assert.ok(logs.some((l) => l.includes('ERROR') && l.includes('+94 ms')), logs.join(' | '));
  // a log record's exception reads like an event's, its frames links by the same rule; a log's code.* (the
  // deprecated names here) says where it was written, a link when the file is in the workspace
  const errLog = d.locator('.log', { hasText: 'payment failed' });
  assert.equal(await errLog.locator('.exc-type').textContent(), 'CardDeclined');
  const logFrames = errLog.locator('.frame-link');
  await logFrames.first().waitFor();
  assert.equal(await logFrames.count(), 1, 'gateway.py (payments) is a link, retry.py is not');
  assert.match(await logFrames.first().textContent(), /gateway\.py", line 31/);
  assert.equal(await errLog.locator('.kv-item dt', { hasText: 'exception.stacktrace' }).count(), 0, 'the stack is not repeated as an attribute');
  const site = d.locator('.log', { hasText: 'order validated' }).locator('.log-site');
  await site.locator('.frame-link').waitFor();
  assert.equal(await site.textContent(), 'Logged at validate (/app/src/payments/validate.py:7)');
  await logFrames.first().click();
  await site.locator('.frame-link').click();
  const log = await hostLog(page);
  const cmds = log.filter((m) => m.type === 'command' && m.method !== 'ready');
  assert.deepEqual(cmds.map((m) => m.method), ['openStackFrame', 'openLinkedTrace', 'goToSource', 'copy', 'openStackFrame', 'openStackFrame']);
  assert.deepEqual([cmds[4].params.file, cmds[4].params.line, cmds[4].params.spanId], ['/app/src/payments/gateway.py', 31, '0000000000000002']);
  assert.deepEqual(cmds[5].params, { file: '/app/src/payments/validate.py', line: 7, function: 'validate', spanId: '0000000000000002' });
  assert.deepEqual(cmds[0].params, { file: '/app/src/payments/charge.ts', line: 88, column: 13, function: 'charge', spanId: '0000000000000002' });
  assert.deepEqual(cmds[1].params, { traceId: 'aaaabbbbccccddddeeeeffff00001111', spanId: '000000000000004d' });
  assert.deepEqual(cmds[2].params, { spanId: '0000000000000002' });
  assert.deepEqual(JSON.parse(cmds[3].params.text), { 'code.function.name': 'createOrder' });
  // code.stacktrace reads as a stack, its frames links by the same rule (payments is in the workspace)
  await rowByName(page, 'cache lookup').click();
  const codeStack = d.locator('section.section', { hasText: 'Stack at the span' });
  await codeStack.locator('.frame-link').waitFor();
  assert.equal(await codeStack.locator('.frame-link').count(), 1);
  await codeStack.locator('.frame-link').click();
  const opened = (await hostLog(page)).filter((m) => m.type === 'command' && m.method === 'openStackFrame').pop();
  assert.deepEqual(opened.params, { file: '/app/src/payments/cache.ts', line: 14, column: 9, function: 'getCached', spanId: '000000000000000a' });
  // a long value is folded and expands on demand
  await rowByName(page, 'SELECT orders').click();
  await page.waitForSelector('[data-testid=details] .kv-item');
  const fold = d.locator('.kv-item', { hasText: 'db.query.text' }).locator('button.fold');
  assert.match(await fold.textContent(), /Show all \(\d+ chars\)/);
  const before = await d.locator('.kv-item', { hasText: 'db.query.text' }).locator('.value').textContent();
  await fold.click();
  const afterText = await d.locator('.kv-item', { hasText: 'db.query.text' }).locator('.value').textContent();
  assert.ok(afterText.length > before.length + 200);
  await page.screenshot({ path: join(shots, 'details-dark.png') });
  await page.close();
});

test('critical path, statistics, minimap zoom and reset', async () => {
  const page = await open();
  await page.check('[data-testid=critical]');
  const crit = await page.$$eval('.row.critical .name', (els) => els.map((e) => e.textContent));
  assert.deepEqual(crit, ['GET /checkout', 'render page'], 'render page ends last (clamped to its parent)');
  const before = await page.$$eval('.axis .tick', (els) => els.map((e) => e.textContent));
  const mm = await page.locator('[data-testid=minimap]').boundingBox();
  await page.mouse.move(mm.x + mm.width * 0.25, mm.y + 10);
  await page.mouse.down();
  await page.mouse.move(mm.x + mm.width * 0.5, mm.y + 10, { steps: 4 });
  await page.mouse.up();
  const after = await page.$$eval('.axis .tick', (els) => els.map((e) => e.textContent));
  assert.notDeepEqual(after, before);
  assert.ok(!after.includes('0 ms'), `zoomed ticks: ${after}`);
  assert.equal(await page.isEnabled('button:has-text("Reset zoom")'), true);
  await page.screenshot({ path: join(shots, 'zoomed-dark.png') });
  // drag on the axis zooms further, Reset returns to the whole trace
  const ax = await page.locator('[data-testid=axis]').boundingBox();
  await page.mouse.move(ax.x + ax.width * 0.1, ax.y + 5);
  await page.mouse.down();
  await page.mouse.move(ax.x + ax.width * 0.6, ax.y + 5, { steps: 4 });
  await page.mouse.up();
  assert.notDeepEqual(await page.$$eval('.axis .tick', (els) => els.map((e) => e.textContent)), after);
  await page.click('button:has-text("Reset zoom")');
  assert.deepEqual(await page.$$eval('.axis .tick', (els) => els.map((e) => e.textContent)), before);
  await page.click('[role=tab]:has-text("Statistics")');
  const stats = page.locator('[data-testid=stats]');
  const svcRows = await stats.locator('table').first().locator('tbody tr').allTextContents();
  assert.equal(svcRows.length, 7);
  const orders = svcRows.find((r) => r.startsWith('orders') && !r.startsWith('orders-db'));
  assert.ok(orders.includes('2') && orders.includes('95 ms'), orders);
  await page.screenshot({ path: join(shots, 'statistics-dark.png') });
  await stats.locator('td.op', { hasText: 'charge card' }).click();
  assert.equal(await page.inputValue('[data-testid=find]'), 'charge card');
  await page.close();
});

test('a span named by its HTTP method alone shows its route or path: rows, statistics, find', async () => {
  const tid = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';
  const ms = 1e6;
  srv.addTrace('bare', {
    spans: [
      makeSpan(tid, 'b000000000000001', '', 'GET', 'frontend', 0, 50 * ms, { kind: 2, attrs: ['http.request.method', 'GET', 'url.path', '/checkout', 'http.target', '/checkout?user=42'] }),
      makeSpan(tid, 'b000000000000002', 'b000000000000001', 'GET', 'frontend', 5 * ms, 20 * ms, { kind: 3, attrs: ['url.full', `http://stock:8080/api/stock/${HOSTILE}?token=secret`] }),
      makeSpan(tid, 'b000000000000003', 'b000000000000001', 'GET', 'frontend', 20 * ms, 30 * ms, { kind: 3, attrs: ['url.full', 'http://stock:8080/api/stock/7?token=secret'] }),
      makeSpan(tid, 'b000000000000004', 'b000000000000001', 'GET', 'frontend', 30 * ms, 40 * ms, { kind: 3, attrs: ['server.address', 'cache'] }),
    ],
    logs: [],
  }, { details: false });
  const page = await open('bare');
  const labels = await page.$$eval('[role=row] .name-cell', (els) => els.map((e) => [e.querySelector('.name').textContent, e.querySelector('.target')?.textContent ?? null]));
  assert.deepEqual(labels, [['GET', '/checkout'], ['GET', `/api/stock/${HOSTILE}`], ['GET', '/api/stock/7'], ['GET', null]], 'the query is left out');
  assert.equal(await page.locator('img').count(), 0, 'a path is text, never HTML');
  assert.equal(await page.locator('[role=row] .name').first().getAttribute('title'), 'GET /checkout — frontend');
  await page.click('[role=tab]:has-text("Statistics")');
  const ops = await page.locator('[data-testid=stats] td.op').allTextContents();
  assert.deepEqual([...ops].sort(), ['GET', 'GET /api/stock/7', `GET /api/stock/${HOSTILE}`, 'GET /checkout'].sort());
  await page.locator('[data-testid=stats] td.op', { hasText: 'GET /api/stock/7' }).click();
  assert.equal(await page.inputValue('[data-testid=find]'), 'GET /api/stock/7');
  await page.waitForFunction(() => document.querySelector('[data-testid=find-count]')?.textContent?.includes('of 1'));
  assert.deepEqual(await page.$$eval('.row.match .target', (els) => els.map((e) => e.textContent)), ['/api/stock/7']);
  await page.screenshot({ path: join(shots, 'bare-method-dark.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a trace that grows updates in place: selection, collapse and scroll position stay', async () => {
  const base = sampleTrace();
  srv.addTrace('growing', { spans: base.spans.slice(0, 6), logs: [] }, { details: false });
  const page = await open('growing');
  await page.evaluate(() => (window.__currentTrace = 'growing'));
  await rowByName(page, 'SELECT orders').click();
  await rowByName(page, 'GET /checkout').locator('.twisty').click({ modifiers: [] });
  await rowByName(page, 'GET /checkout').locator('.twisty').click();
  await rowByName(page, HOSTILE).locator('.twisty').click();
  const extra = makeSpan(SAMPLE_TRACE, '00000000000000aa', '0000000000000002', 'new child', 'orders', 7e9 + 31e6, 7e9 + 33e6);
  srv.addTrace('growing', { spans: [...base.spans, extra], logs: [] }, { details: false });
  await page.evaluate(() => window.__sendTrace('growing', true));
  await page.waitForFunction(() => document.querySelector('[role=treegrid]')?.getAttribute('aria-rowcount') !== '5');
  assert.equal(await selectedName(page), 'SELECT orders');
  assert.equal(await rowByName(page, HOSTILE).getAttribute('aria-expanded'), 'false');
  assert.ok((await rowNames(page)).includes('new child'));
  assert.ok((await rowNames(page)).includes('late webhook'));
  assert.equal((await page.textContent('[data-testid=legend]')).includes('11 spans'), true);
  await page.close();
});

test('a trace that grows while scrolled keeps the span at the top of the viewport where it was', async () => {
  const { spans } = generateTrace(3000);
  srv.addTrace('growing-big', { spans: spans.slice(0, 2000), logs: [] }, { details: false });
  const page = await open('growing-big');
  await page.evaluate(() => (window.__currentTrace = 'growing-big'));
  // the row under the viewport's top edge: its text (name, service, duration: unique here) and its offset
  const top = () => page.evaluate(() => {
    const vp = document.querySelector('[role=treegrid]').getBoundingClientRect();
    const el = document.elementFromPoint(vp.left + 60, vp.top + 3)?.closest('[role=row]');
    return el ? { text: el.innerText.replace(/\s+/g, ' '), dy: Math.round(el.getBoundingClientRect().top - vp.top) } : null;
  });
  await page.locator('[role=treegrid]').evaluate((e) => { e.scrollTop = 12_345; });
  await page.waitForFunction(() => document.querySelector('[role=treegrid]').scrollTop > 12_000);
  await page.waitForTimeout(200); // the rows of that block are rendered
  const before = await top();
  assert.ok(before, 'a row at the top');
  srv.addTrace('growing-big', { spans, logs: [] }, { details: false });
  await page.evaluate(() => window.__sendTrace('growing-big', true));
  await page.waitForFunction(() => document.querySelector('[role=treegrid]')?.getAttribute('aria-rowcount') === '3000');
  await page.waitForTimeout(200);
  const after = await top();
  assert.deepEqual(after, before, 'same span, same offset from the top');
  await page.close();
});

test('a first load paints the head first; the whole trace then replaces it in place, keeping the selection', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${srv.url}/harness.html?trace=gen&head=20&hold=1`);
  await page.waitForSelector('[role=treegrid] [role=row]');
  assert.equal(await page.getAttribute('[role=treegrid]', 'aria-rowcount'), '20', 'the head: its first 20 rows');
  const legend = await page.textContent('[data-testid=legend]');
  assert.ok(legend.includes('3,000 spans'), `the legend counts the whole trace: ${legend}`);
  assert.equal(await page.textContent('[data-testid=partial]'), 'showing the first 20, loading the rest…');
  assert.ok(!/error/.test(legend), 'no error count from the head alone');
  await page.click('[role=tab]:has-text("Statistics")');
  assert.equal(await page.textContent('.no-rows'), 'Loading all 3,000 spans…', 'no statistics from the head alone');
  await page.click('[role=tab]:has-text("Waterfall")');
  // fold a subtree inside the head (not the root): it stays folded in the whole trace
  const folder = page.locator('[role=row][aria-level="2"][aria-expanded=true]').first();
  const folderId = await folder.getAttribute('id');
  await folder.locator('.twisty').click();
  assert.equal(await page.getAttribute(`#${folderId}`, 'aria-expanded'), 'false');
  const third = page.locator('[role=row]').last();
  const name = await third.locator('.name').textContent();
  await third.click();
  assert.equal(await selectedName(page), name);
  await page.evaluate(() => window.__releaseWhole());
  await page.waitForFunction(() => document.querySelector('[role=treegrid]').getAttribute('aria-rowcount') !== '20');
  assert.equal(await page.locator('[data-testid=partial]').count(), 0);
  assert.equal(await page.getAttribute(`#${folderId}`, 'aria-expanded'), 'false', 'the fold made in the head stays');
  const hidden = Number((await page.textContent(`#${folderId} .hidden-count`)).slice(1).replaceAll(',', ''));
  assert.equal(Number(await page.getAttribute('[role=treegrid]', 'aria-rowcount')), 3000 - hidden, 'every row of the whole trace but the folded ones');
  assert.equal(await selectedName(page), name, 'the selection made in the head stays');
  assert.deepEqual((await hostLog(page)).filter((m) => m.method === 'headShown').map((m) => m.params), [{ traceId: gen.traceId }],
    'the webview said once that the head was painted (the host sends the rest then)');
  await page.click('[role=tab]:has-text("Statistics")');
  await page.waitForSelector('[data-testid=stats]');
  const traces = (await hostLog(page)).filter((m) => m.method === 'reportError');
  assert.deepEqual(traces, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a large trace scrolls virtualized: only visible rows are in the DOM', async () => {
  const page = await open('gen');
  const count = await page.locator('[role=row]').count();
  assert.ok(count < 80, `${count} rows in the DOM for 3000 spans`);
  assert.equal(await page.getAttribute('[role=treegrid]', 'aria-rowcount'), '3000');
  await page.focus('[role=treegrid]');
  await page.keyboard.press('End');
  const last = await page.$eval('[role=row][aria-selected=true]', (e) => Number(e.getAttribute('aria-rowindex')));
  assert.equal(last, 3000);
  assert.ok(await page.locator('[role=row][aria-selected=true]').isVisible());
  await page.screenshot({ path: join(shots, 'large-dark.png') });
  await page.close();
});

test('a corrupt packed trace shows a clear error and is reported to the host', async () => {
  const page = await open();
  await page.evaluate(() => window.postMessage({ type: 'notification', method: 'trace', params: { traceId: 'x', packed: new ArrayBuffer(16), update: false } }, '*'));
  await page.waitForSelector('[data-testid=status]');
  assert.match(await page.textContent('[data-testid=status]'), /Could not load the trace: packed trace: 16 bytes is too short/);
  const log = await hostLog(page);
  assert.ok(log.some((m) => m.method === 'reportError'));
  await page.close();
});

test('screenshots in light, dark and high-contrast themes', async () => {
  for (const theme of ['light', 'dark', 'hc']) {
    const page = await open('sample', theme, { width: 1400, height: 700 });
    await rowByName(page, 'POST /api/orders').click();
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=exception]');
    await page.fill('[data-testid=find]', 'orders');
    await page.check('[data-testid=critical]');
    await page.screenshot({ path: join(shots, `waterfall-${theme}.png`) });
    await page.close();
  }
});
