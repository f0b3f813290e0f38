// Waterfall benchmark: the real webview bundle (built here in production mode, as packaged) in headless
// Chromium, fed by the harness server as the receiver feeds the panel — spans held in memory are packed
// for each load (buildTree + encodePackedTrace) on a thread of their own (the receiver is a process of its
// own, so packing never delays the webview's files), sent as bytes, transferred into the webview with
// postMessage, decoded and rendered.
//
// Prints one JSON line per size (medians over the runs):
//   firstRowsMs      page navigation start (the panel opening) → first rows painted: loads the bundle, says
//                    `ready`, gets the trace (packed on the server from the page request on, as the panel's
//                    host starts loading the trace when it creates the panel), decodes, renders. Every run loads a
//                    fresh document in the same tab with the HTTP cache off; the renderer process stays, as
//                    VS Code's webview process stays between panels. The timed loads run back to back, before
//                    the traced ones (a traced load's aftermath slowed the load after it)
//   coldFirstRowsMs  the same for the first load in a fresh renderer (one sample: the warm-up run)
//   dataToRowsMs     the part of that from the page asking for the trace to the paint
//   scrollFrameP95Ms p95 frame interval over 3 s of continuous scrolling (scrollTop += 3 rows per frame)
//   longestTaskMs    longest main-thread task of the page's renderer over a traced load and 3 s of scrolling
//   heapMB           JS heap + ArrayBuffer backing stores after a GC, at the end of the run
//                    The first rows are the head's (the first 200 rows, PANEL_HEAD_ROWS, sent ahead of the whole
//                    trace as the panel asks the receiver for them: see src/protocol/api.ts, PACKED_FRAMES_TYPE)
//   wholeTraceMs     page navigation start → the whole trace painted (every row in place of the head)
//   A trace over WINDOWED_SPANS (src/protocol/rowWindow.ts) opens windowed: the first rows are the first window
//   the receiver (here the harness's worker, which keeps the trace ordered as the receiver does: orderMs is
//   what ordering it once cost, done in steps so the receiver answers meanwhile; orderBlockMs the longest
//   step, the longest anything else waits) cuts; its line adds
//   findMs           typing a query that only a span near the end matches → that span selected and painted
//                    (the webview's 80 ms typing pause included)
//   expandAllMs      Expand all after Collapse all → every row counted and the rows painted; collapseAllMs
//                    the other way
//   also: readyMs (the bundle said `ready`), headAtMs (the head is in the page; the whole trace for a trace
//   no longer than the head), dataWaitMs (the page asked → that), decodeRenderMs (that → the first rows
//   painted, waiting for `ready` included), wholeWaitMs (the page asked → the whole trace is in it), packedMB, and
//   calibrationMs (a fixed CPU workload timed in this process in the same run) with the load average, to
//   read the others against
// Usage: node bench/waterfall.mjs [--sizes 1000,10000,100000] [--runs N] [--dev]
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHarnessServer } from '../test/webview/server.mjs';
import { launchChromium } from '../test/webview/browser.mjs';
import { createRequire } from 'node:module';
import { calibrate } from './calibrate.mjs';

const require = createRequire(import.meta.url);
const { WINDOWED_SPANS, decodeWindow } = require('../out/src/protocol/rowWindow.js');
const { decodePackedTrace } = require('../out/src/protocol/packedTrace.js');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const sizes = arg('--sizes', '1000,10000,100000').split(',').map(Number);
const runsArg = arg('--runs', '');
const dev = process.argv.includes('--dev');

let bundleDir = join(root, 'dist');
if (!dev) {
  bundleDir = join(root, 'artifacts', 'bench-webview');
  mkdirSync(bundleDir, { recursive: true });
  // the same options as scripts/build.mjs --production for the webview bundle
  await build({
    absWorkingDir: root, entryPoints: { webview: 'webview/main.tsx' }, outdir: bundleDir, bundle: true, minify: true,
    platform: 'browser', format: 'iife', target: 'chrome120', logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' }, loader: { '.css': 'css' },
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r1 = (x) => Math.round(x * 10) / 10;


const srv = await startHarnessServer({ bundleDir });
const browser = await launchChromium([]); // VS Code's webviews run without extra flags
// One tab for every run, each run a fresh document with the HTTP cache off (as cold as a new tab): a new tab
// per run made this Chromium load its omnibox popup WebUI in another renderer now and then, a third of a
// second of CPU on a 2-core machine in the middle of the measurement.
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const cdp = await page.context().newCDPSession(page);
await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
let errors = [];
page.on('pageerror', (e) => errors.push(e.message));

/** loads the panel for `name` in a fresh document; answers its timings once the first rows are painted */
async function openPanel(name, traced) {
  await page.goto('about:blank');
  if (traced) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  // the page reports the mark with a request (harness.js): polling the page with waitForFunction evaluated the
  // driver's script on the page's thread between the first rows' paint and the mark (~14 ms at every size)
  const marked = page.waitForRequest((r) => r.url().includes('/mark?name=traceExplorer.firstRows'), { timeout: 60_000 });
  const whole = page.waitForRequest((r) => r.url().includes('/mark?name=traceExplorer.wholeTrace'), { timeout: 60_000 });
  await page.goto(`${srv.url}/harness.html?trace=${name}&theme=dark`);
  await marked;
  await whole;
  return page.evaluate(() => ({
    firstRows: performance.getEntriesByName('traceExplorer.firstRows')[0].startTime,
    wholeTrace: performance.getEntriesByName('traceExplorer.wholeTrace')[0].startTime,
    ready: performance.getEntriesByName('traceExplorer.ready')[0]?.startTime,
    requestStart: window.__timing.requestStart,
    received: window.__timing.received,
    wholeReceived: window.__timing.wholeReceived,
    bytes: window.__timing.bytes,
    rows: document.querySelectorAll('[role=row]').length,
  }));
}

/** the timings of one untraced load (recording a trace slows the renderer and this process) */
async function timedLoad(name) {
  errors = [];
  const t = await openPanel(name, false);
  if (!t.rows) throw new Error('no rows rendered');
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  return {
    firstRowsMs: t.firstRows,
    dataToRowsMs: t.firstRows - t.requestStart,
    dataWaitMs: t.received - t.requestStart,
    decodeRenderMs: t.firstRows - t.received,
    readyMs: t.ready,
    headAtMs: t.received,
    wholeTraceMs: t.wholeTrace,
    wholeWaitMs: t.wholeReceived - t.requestStart,
    packedMB: t.bytes / 1048576,
  };
}

/** the longest task, scrolling and heap, from a traced load */
async function tracedLoad(name) {
  // The forced GC for the heap figure drops V8's compiled code: the load after it compiles the bundle afresh
  // (a ~60 ms task here, the cold start coldFirstRowsMs reports). An unmeasured load first, so the traced
  // one opens as warm as the timed loads.
  await openPanel(name, false);
  errors = [];
  await openPanel(name, true);
  await page.waitForTimeout(300); // let the minimap draw (it is part of the longest-task figure)
  const frames = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const vp = document.querySelector('[role=treegrid]');
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
      }),
  );
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  const events = trace.traceEvents ?? trace;
  // the main thread of the renderer that ran the webview bundle (not other renderers Chromium keeps busy)
  const ours = new Set(events.filter((e) => e.name === 'EvaluateScript' && /webview\.js/.test(e.args?.data?.url ?? '')).map((e) => e.pid));
  if (ours.size === 0) throw new Error('no renderer evaluated the webview bundle in the trace');
  const mainTids = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && ours.has(e.pid)).map((e) => `${e.pid}:${e.tid}`));
  let longest = 0;
  for (const e of events) if (e.name === 'RunTask' && e.dur && mainTids.has(`${e.pid}:${e.tid}`)) longest = Math.max(longest, e.dur / 1000);
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    scrollFrameP95Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))],
    longestTaskMs: longest,
    heapMB: (heap.usedSize + (heap.backingStorageSize ?? 0)) / 1048576,
    frames: frames.length,
  };
}

/** a query only one span near the end of the trace matches, and that span's name (asked of the server's windows) */
async function lateQuery(name, n) {
  const res = await fetch(`${srv.url}/window?trace=${name}`, { method: 'POST', body: JSON.stringify({ from: Math.max(0, n - 400), count: 400 }) });
  const { packed } = decodeWindow(new Uint8Array(await res.arrayBuffer()));
  const t = decodePackedTrace(packed);
  for (let r = t.spanCount - 1; r >= 0; r--) {
    for (let a = 2 * t.attrStart[r]; a < 2 * t.attrStart[r + 1]; a += 2) {
      const v = t.str(t.attrs[a + 1]);
      // "… -- <generation index>": unique once the whole number is in the query (no '=': that is key=value)
      if (/ -- \d+$/.test(v)) return { query: v.slice(v.indexOf('$2')), name: t.str(t.name[r]) };
    }
  }
  throw new Error('no db span near the end of the trace');
}

/** find and collapse/expand all over a windowed trace, timed in the page from the input to the paint */
async function windowedOps(name, n) {
  await openPanel(name, false);
  const late = await lateQuery(name, n);
  const findMs = await page.evaluate(async ({ query, expect }) => {
    const input = document.querySelector('[data-testid=find]');
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const t0 = performance.now();
    setter.call(input, query);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((resolve) => {
      const check = () => (document.querySelector('[role=row][aria-selected=true] .name')?.textContent === expect ? resolve() : requestAnimationFrame(check));
      check();
    });
    return performance.now() - t0;
  }, { query: late.query, expect: late.name });
  const all = (title, count) =>
    page.evaluate(async ({ title, count }) => {
      const t0 = performance.now();
      document.querySelector(`button[title="${title}"]`).click();
      await new Promise((resolve) => {
        const check = () =>
          document.querySelector('[role=treegrid]').getAttribute('aria-rowcount') === String(count) && document.querySelector('[role=row] .name')
            ? requestAnimationFrame(() => resolve())
            : requestAnimationFrame(check);
        check();
      });
      return performance.now() - t0;
    }, { title, count });
  const collapseAllMs = await all('Collapse all', 1);
  const expandAllMs = await all('Expand all', n);
  return { findMs, collapseAllMs, expandAllMs };
}

try {
  for (const n of sizes) {
    const name = `gen${n}`;
    const { orderMs, orderBlockMs } = await srv.addGeneratedTrace(name, n);
    const runs = Number(runsArg) || (n >= 100000 ? 3 : 5);
    // warm-up (the renderer's first load of the bundle, JIT of the server's encoder), then the timed loads
    // back to back, then the traced ones: a traced run leaves this process a trace of many MB to parse and
    // collect, which held up the harness server's answers in the load after it (~80 ms at 10k spans)
    const cold = await timedLoad(name);
    await tracedLoad(name);
    const res = [];
    for (let i = 0; i < runs; i++) res.push(await timedLoad(name));
    for (let i = 0; i < runs; i++) Object.assign(res[i], await tracedLoad(name));
    const windowed = n > WINDOWED_SPANS;
    if (windowed) for (let i = 0; i < runs; i++) Object.assign(res[i], await windowedOps(name, n));
    const pick = (k) => r1(median(res.map((r) => r[k])));
    const ops = windowed ? { findMs: pick('findMs'), expandAllMs: pick('expandAllMs'), collapseAllMs: pick('collapseAllMs'), orderMs: r1(orderMs), orderBlockMs: r1(orderBlockMs) } : {};
    console.log(JSON.stringify({
      bench: 'waterfall', spans: n, firstRowsMs: pick('firstRowsMs'), scrollFrameP95Ms: pick('scrollFrameP95Ms'),
      longestTaskMs: pick('longestTaskMs'), heapMB: pick('heapMB'), ...ops, dataToRowsMs: pick('dataToRowsMs'),
      dataWaitMs: pick('dataWaitMs'), decodeRenderMs: pick('decodeRenderMs'), readyMs: pick('readyMs'), headAtMs: pick('headAtMs'), wholeTraceMs: pick('wholeTraceMs'), wholeWaitMs: pick('wholeWaitMs'), packedMB: pick('packedMB'),
      firstRowsRuns: res.map((r) => r1(r.firstRowsMs)), coldFirstRowsMs: r1(cold.firstRowsMs), runs, bundle: dev ? 'development' : 'production', calibrationMs: r1(calibrate()), loadavg: os.loadavg()[0],
    }));
  }
} finally {
  await browser.close();
  await srv.close();
}
