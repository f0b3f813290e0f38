// The built compare bundle (dist/compare.js) in headless Chromium. The page plays the extension host: it
// answers the webview's `ready` with a comparison computed by the real diff (src/diff/) and records what the
// webview posts. Run `node scripts/build.mjs` first. Screenshots land in artifacts/webview/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { launchChromium } from './browser.mjs';

const require = createRequire(import.meta.url);
const { diffTraces, compareRuns } = require('../../out/src/diff/index.js');

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const shots = join(root, 'artifacts', 'webview');
mkdirSync(shots, { recursive: true });

const HOSTILE = '<img src=x onerror="window.__pwned=1"> $(bug) \u202e';

let nextId = 1;
function build(node, parent = '', out = []) {
  const [name, start, end, kids = [], extra = {}] = node;
  const spanId = (nextId++).toString(16).padStart(16, '0');
  out.push({ spanId, parentSpanId: parent, name, kind: 1, service: 'shop', start: start * 1e6, end: end * 1e6, error: false, ...extra });
  for (const k of kids) build(k, spanId, out);
  return out;
}

function tracesView() {
  const a = { traceId: 'a'.repeat(32), spans: build(['GET /orders', 0, 30, [['auth', 0, 2], ['SELECT orders', 2, 10], [HOSTILE, 10, 12], ['render', 12, 20, [['template', 13, 14]]]]]) };
  // cache.get in another place than the span that went (a leaf elsewhere is no rename)
  const b = { traceId: 'b'.repeat(32), spans: build(['GET /orders', 0, 95, [['auth', 0, 2], ['SELECT orders', 2, 9], ['render', 10, 90, [['template', 11, 12]]], ['cache.get', 90, 91]]]) };
  const restore = { mode: 'traces', a: a.traceId, b: b.traceId, labelA: 'GET /orders · before', labelB: 'GET /orders · after' };
  return { mode: 'traces', labelA: 'GET /orders · before', labelB: 'GET /orders · after', diff: diffTraces(a, b), canOpenSource: true, restore };
}

function bigView() {
  const kids = [];
  for (let i = 0; i < 10_000; i++) kids.push([`step ${i % 50}`, i * 0.01, i * 0.01 + 0.005]);
  const a = { traceId: 'c'.repeat(32), spans: build(['root', 0, 200, kids]) };
  const b = { traceId: 'd'.repeat(32), spans: build(['root', 0, 210, kids]) };
  return { mode: 'traces', labelA: 'big A', labelB: 'big B', diff: diffTraces(a, b), canOpenSource: true };
}

function runsView() {
  const op = (name, o) => ({ service: 'shop', name, kind: 2, count: 10, p50Ms: 5, p95Ms: 10, errors: 0, ...o });
  const runs = compareRuns(
    { runId: 'a', operations: [op('GET /a'), op('GET /b')], locations: [{ file: '/app/x.js', line: 3, count: 4, p50Ms: 1, p95Ms: 2, errors: 0 }] },
    { runId: 'b', operations: [op('GET /a', { p95Ms: 30 }), op('GET /b', { errors: 3 })], locations: [{ file: '/app/x.js', line: 3, count: 4, p50Ms: 1, p95Ms: 9, errors: 0 }] },
  );
  return { mode: 'runs', service: 'shop', labelA: 'run 1', labelB: 'run 2', runs };
}

const VIEWS = { traces: tracesView, big: bigView, runs: runsView };

let server;
let url;
let browser;
before(async () => {
  server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/compare.js' || u.pathname === '/compare.css') {
      res.writeHead(200, { 'content-type': u.pathname.endsWith('.js') ? 'text/javascript' : 'text/css' });
      res.end(readFileSync(join(root, 'dist', u.pathname.slice(1))));
      return;
    }
    if (u.pathname === '/view.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(VIEWS[u.searchParams.get('v')]()));
      return;
    }
    // the webview's page: the same CSP as the extension's (no inline script: the host stand-in is a file too)
    if (u.pathname === '/host.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(`window.__posted = [];
window.acquireVsCodeApi = () => ({
  postMessage(m) {
    window.__posted.push(m);
    if (m.type === 'ready') fetch('/view.json' + location.search).then((r) => r.json()).then((view) => window.postMessage({ type: 'show', view }, '*'));
  },
  getState() { return undefined; },
  setState(s) { window.__state = s; },
});`);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html',
      'content-security-policy': "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:",
    });
    res.end('<!DOCTYPE html><html><head><link rel="stylesheet" href="/compare.css"></head><body class="vscode-dark"><div id="root"></div><script src="/host.js"></script><script src="/compare.js"></script></body></html>');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

async function open(v) {
  const page = await browser.newPage({ viewport: { width: 1300, height: 700 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/?v=${v}`);
  page.errors = errors;
  return page;
}

test('compare traces: matched rows with both durations, marks, the slower span first and selected', async () => {
  const page = await open('traces');
  await page.waitForSelector('.cmp-change');
  assert.match(await page.textContent('[data-testid=structure]'), /Structure differs: 5 matched, 1 added, 1 removed, 0 renamed/);
  assert.equal(await page.textContent('.cmp-change .cmp-change-name'), 'render', 'the slower span by own time first');
  assert.match(await page.textContent('.cmp-row.selected'), /render.*8\.00 ms.*80\.0 ms.*\+72\.0 ms.*\+900 %/);
  assert.equal(await page.locator('.cmp-row.added').count(), 1);
  assert.match(await page.textContent('.cmp-row.added'), /added.*cache\.get/);
  // untrusted span text is text: no element, no script, no icon
  const removed = page.locator('.cmp-row.removed');
  assert.ok((await removed.textContent()).includes('<img src=x'));
  assert.equal(await page.locator('.cmp-row img').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // what the host's serializer reads back after a reload: the same two traces
  assert.deepEqual(await page.evaluate(() => window.__state), { mode: 'traces', a: 'a'.repeat(32), b: 'b'.repeat(32), labelA: 'GET /orders · before', labelB: 'GET /orders · after' });
  await page.screenshot({ path: join(shots, 'compare-traces.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('compare traces: clicking a change selects its row; Go to Source and Open in Waterfall post the side and span', async () => {
  const page = await open('traces');
  await page.waitForSelector('.cmp-change');
  const faster = page.locator('.cmp-change', { hasText: 'SELECT orders' });
  await faster.click();
  await page.waitForSelector('.cmp-row.selected:has-text("SELECT orders")');
  await page.click('.cmp-actions button:has-text("Go to Source")');
  await page.click('.cmp-actions button:has-text("Open A in Waterfall")');
  const posted = await page.evaluate(() => window.__posted);
  const go = posted.find((m) => m.type === 'goToSource');
  assert.equal(go.side, 'b');
  assert.match(go.spanId, /^[0-9a-f]{16}$/);
  assert.equal(posted.find((m) => m.type === 'openTrace').side, 'a');
  // keyboard: the arrow keys move the selection
  await page.focus('.cmp-scroll');
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('.cmp-row.selected:has-text("template")', { timeout: 2000 }).catch(() => {});
  assert.notEqual(await page.textContent('.cmp-row.selected .cmp-name'), null);
  await page.close();
});

test('compare traces of 10,000 spans: only the visible rows are in the page, scrolling shows the rest', async () => {
  const page = await open('big');
  await page.waitForSelector('.cmp-row[data-row]');
  const rendered = await page.locator('.cmp-scroll .cmp-row').count();
  assert.ok(rendered > 10 && rendered < 100, `rendered rows: ${rendered}`);
  await page.evaluate(() => {
    const el = document.querySelector('.cmp-scroll');
    el.scrollTop = el.scrollHeight;
  });
  await page.waitForSelector('.cmp-row[data-row="10000"]');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('compare runs: operations and locations, new errors first and marked; a location opens its file', async () => {
  const page = await open('runs');
  await page.waitForSelector('[data-testid=runs-row]');
  const first = page.locator('.runs-section').first().locator('[data-testid=runs-row]').first();
  assert.match(await first.textContent(), /GET \/b.*new errors/);
  assert.match(await page.locator('.runs-section').first().locator('[data-testid=runs-row]').nth(1).textContent(), /GET \/a.*\+20\.0 ms/);
  await page.click('button.link:has-text("/app/x.js:3")');
  const posted = await page.evaluate(() => window.__posted);
  assert.deepEqual(posted.find((m) => m.type === 'openLocation'), { type: 'openLocation', file: '/app/x.js', line: 3 });
  await page.screenshot({ path: join(shots, 'compare-runs.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});
