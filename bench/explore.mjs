// Explore benchmark (issue 24): the trace search page and the service map with 1,000,000 spans in 100,000
// traces stored (test/webview/exploreData.mjs: ten-span shop traces over the last hour, children added before
// parents as exporters send them), and the flame graph (bench/explore-flame.mjs). Prints one JSON line per view
// (medians over the runs), each with calibrationMs (a fixed CPU workload timed in this process, to read the
// others against) and the load average:
//   search      the real explore bundle (production build, as packaged) in headless Chromium, fed by the
//               receiver's own /api/explore routes (test/webview/exploreServer.mjs) over that store:
//     firstPaintMs      navigation start (the panel opening; the host asks the receiver for the summary columns
//                       at that moment) → the plot drawn and the first table rows in the DOM, once the browser
//                       showed the frame (the `traceExplorer.explore.firstPaint` mark). That first paint is of
//                       the first screen (src/protocol/exploreColumns.ts FIRST_SCREEN: the newest 80 rows and
//                       a sample of 2,000 points with the plot's edges); allRowsPaintMs: → every row and point
//                       shown (`traceExplorer.explore.allRowsPaint`). Each run a fresh document in one tab, HTTP
//                       cache off
//     filterMs          with every row shown: a filter typed (is:error, service:payments, GET /cart, min:100ms,
//                       cleared) → the plot and table redrawn and the frame shown; median over those five and the runs
//     scrollFrameP95Ms  p95 frame interval over 3 s of continuous table scrolling (3 rows per frame)
//     columnsMB, encodeMs (the receiver's answer with every row: its kept columns copied into one buffer, in
//                       this process), firstScreenMs and firstScreenKB (its first screen), fullEncodeMs (a fresh
//                       encode of every summary, which the kept columns spare each open)
//   servicemap  ms: the receiver's answer for the whole store (the per-minute index summed, as JSON), as
//               GET /api/explore/servicemap computes it; windowMs for the last 15 minutes; mapPaintMs: the
//               service map page's navigation start → the laid-out map shown
// Usage: node bench/explore.mjs [--traces 100000] [--runs N] [--views search,servicemap,flamegraph]
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { launchChromium } from '../test/webview/browser.mjs';
import { startExploreServer } from '../test/webview/exploreServer.mjs';
import { shopStore } from '../test/webview/exploreData.mjs';
import { calibrate } from './calibrate.mjs';

const require = createRequire(import.meta.url);
const { encodeSummaries, columnsOf } = require('../out/src/explore/summaryRows.js');
const { FIRST_SCREEN } = require('../out/src/protocol/exploreColumns.js');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const traces = Number(arg('--traces', '100000'));
const runs = Number(arg('--runs', '5'));
const views = arg('--views', 'search,servicemap,flamegraph').split(',');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r1 = (x) => Math.round(x * 10) / 10;

const bundleDir = join(root, 'artifacts', 'bench-explore');
mkdirSync(bundleDir, { recursive: true });
// the options of scripts/build.mjs --production for the explore bundle
await build({
  absWorkingDir: root, entryPoints: { explore: 'webview/explore/main.tsx' }, outdir: bundleDir, bundle: true, minify: true,
  platform: 'browser', format: 'iife', target: 'chrome120', logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' }, loader: { '.css': 'css' },
});

const needStore = views.includes('search') || views.includes('servicemap');
const { store, map } = needStore ? shopStore({ traces, spansPerTrace: 10 }) : {};
const storedSpans = needStore ? store.stats().spans : 0;
const srv = needStore ? await startExploreServer({ store, map, bundleDir }) : null;
const browser = needStore ? await launchChromium([]) : null;

async function newPage() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

/** loads a view in a fresh document; resolves the marks' times from navigation start (the first mark's alone) */
async function load(page, query, markName, ...more) {
  await page.goto('about:blank');
  const names = [markName, ...more];
  const marked = names.map((n) => page.waitForRequest((r) => r.url().includes(`/mark?name=${n}`), { timeout: 120_000 }));
  await page.goto(`${srv.url}/explore.html?${query}`);
  await Promise.all(marked);
  const at = await page.evaluate((ns) => ns.map((n) => performance.getEntriesByName(n)[0].startTime), names);
  return more.length ? at : at[0];
}

async function benchSearch() {
  const page = await newPage();
  const fullEncodes = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    encodeSummaries(store.summaries());
    fullEncodes.push(performance.now() - t0);
  }
  columnsOf(store); // the receiver's first ask fills its kept columns from every summary (once)
  const encodes = [];
  const firstScreens = [];
  let bytes = 0;
  let firstBytes = 0;
  for (let i = 0; i < 5; i++) {
    let t0 = performance.now();
    bytes = columnsOf(store).encode().byteLength;
    encodes.push(performance.now() - t0);
    t0 = performance.now();
    firstBytes = columnsOf(store).encodeFirstScreen(FIRST_SCREEN.rows, FIRST_SCREEN.sample).byteLength;
    firstScreens.push(performance.now() - t0);
  }
  const FIRST = 'traceExplorer.explore.firstPaint';
  const ALL = 'traceExplorer.explore.allRowsPaint';
  await load(page, 'view=search', FIRST, ALL); // warm-up: the renderer's first load of the bundle
  const paints = [];
  const allPaints = [];
  const filters = [];
  const scrolls = [];
  for (let i = 0; i < runs; i++) {
    const [first, all] = await load(page, 'view=search', FIRST, ALL);
    paints.push(first);
    allPaints.push(all);
  }
  for (let i = 0; i < runs; i++) {
    await load(page, 'view=search', FIRST, ALL);
    filters.push(...(await page.evaluate(async (texts) => {
      const input = document.querySelector('.filter-input');
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      const out = [];
      for (const t of texts) {
        const t0 = performance.now();
        setValue.call(input, t);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        out.push(performance.now() - t0);
      }
      return out;
    }, ['is:error', 'service:payments', 'GET /cart', 'min:100ms', ''])));
    const frames = await page.evaluate(() => new Promise((resolve) => {
      const vp = document.querySelector('.tbody');
      const deltas = [];
      let last = 0;
      const t0 = performance.now();
      const step = (ts) => {
        if (last) deltas.push(ts - last);
        last = ts;
        vp.scrollTop = vp.scrollTop + 66 >= vp.scrollHeight - vp.clientHeight ? 0 : vp.scrollTop + 66;
        if (ts - t0 < 3000) requestAnimationFrame(step);
        else resolve(deltas);
      };
      requestAnimationFrame(step);
    }));
    const sorted = [...frames].sort((a, b) => a - b);
    scrolls.push(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]);
  }
  const rows = await page.$$eval('.tbody [role=row]', (els) => els.length);
  if (!rows) throw new Error('no table rows rendered');
  if (page.errors.length) throw new Error(`page errors: ${page.errors.join('; ')}`);
  await page.close();
  return {
    bench: 'explore', view: 'search', storedSpans, traces: store.stats().traces, firstPaintMs: r1(median(paints)), filterMs: r1(median(filters)),
    scrollFrameP95Ms: r1(median(scrolls)), firstPaintRuns: paints.map(r1), allRowsPaintMs: r1(median(allPaints)), filterMaxMs: r1(Math.max(...filters)),
    encodeMs: r1(median(encodes)), columnsMB: r1(bytes / 1048576), firstScreenMs: r1(median(firstScreens)), firstScreenKB: Math.round(firstBytes / 1024),
    fullEncodeMs: r1(median(fullEncodes)), runs, bundle: 'production', calibrationMs: r1(calibrate()), loadavg: os.loadavg()[0],
  };
}

async function benchServiceMap() {
  const whole = [];
  const windowed = [];
  for (let i = 0; i < runs + 1; i++) {
    let t0 = performance.now();
    const m = JSON.stringify(map.query(null, null));
    whole.push(performance.now() - t0);
    t0 = performance.now();
    JSON.stringify(map.query(Date.now() - 15 * 60_000, null));
    windowed.push(performance.now() - t0);
    if (!m.includes('s:orders')) throw new Error('the map has no orders service');
  }
  const page = await newPage();
  await load(page, 'view=servicemap', 'traceExplorer.explore.mapPainted');
  const paints = [];
  for (let i = 0; i < runs; i++) paints.push(await load(page, 'view=servicemap', 'traceExplorer.explore.mapPainted'));
  await page.close();
  return {
    bench: 'explore', view: 'servicemap', storedSpans, ms: r1(median(whole.slice(1))), windowMs: r1(median(windowed.slice(1))),
    mapPaintMs: r1(median(paints)), runs, calibrationMs: r1(calibrate()), loadavg: os.loadavg()[0],
  };
}

try {
  if (views.includes('search')) console.log(JSON.stringify(await benchSearch()));
  if (views.includes('servicemap')) console.log(JSON.stringify(await benchServiceMap()));
} finally {
  await browser?.close();
  await srv?.close();
}
// the flame graph's line (bench/explore-flame.mjs, kept by the waterfall's flame graph)
if (views.includes('flamegraph') && existsSync(join(root, 'bench', 'explore-flame.mjs'))) {
  const { benchFlame } = await import('./explore-flame.mjs');
  console.log(JSON.stringify(await benchFlame({ runs })));
}
