// The waterfall in the real workbench: what a user waits for in VS Code (code-server here, see
// ../shared/E2E.md), where bench/waterfall.mjs measures the webview alone in a harness page. A generated trace
// is sent to the extension's receiver over OTLP/HTTP, then opened with "Open Trace by ID…" again and again.
//
// Prints two JSON lines per size (medians over the runs; times from pressing Enter in the quick pick):
//   {"bench":"waterfall-workbench","spans":N,"open":"first"|"reuse","firstRowsMs":…,"documentMs":…,"readyMs":…,"traceReceivedMs":…}
//   open             first: no waterfall panel is open (a new webview); reuse: a preview panel shows another
//                    (10-span) trace, whose webview then shows this one (traceExplorer.waterfall.preview)
//   documentMs       the panel's document starts (VS Code has created the webview and handed it our HTML)
//   readyMs          the bundle (written into the page) has been parsed and run; the webview says `ready`
//                    (before React's first render: the trace travels meanwhile)
//   traceReceivedMs  the packed trace is in the webview (packed by the receiver, fetched by the extension
//                    host, posted through VS Code — in code-server over its connection to the browser); for a
//                    trace of more than 200 spans its head, the first 200 rows, sent ahead of the rest
//   firstRowsMs      the first rows painted (the same mark bench/waterfall.mjs reads)
//   (a reused document keeps its earlier marks: the marks after Enter count; documentMs and readyMs are then
//   the document's, from before Enter, and left out)
//   calibrationMs    a fixed CPU workload timed in this process (as bench/waterfall.mjs), with the load average
// Needs `npm run package` and `bash scripts/setup-e2e.sh` (code-server, Chromium).
// Usage: node bench/waterfall-workbench.mjs [--sizes 10,10000] [--runs N]
import { createRequire } from 'node:module';
import os from 'node:os';
import { startCodeServer, stopCodeServer, openWorkbench, waitForReceiver, waitForHttpListening, runCommand, webviewFrame, preflight } from '../test/e2e/lib.mjs';
import { generateTrace, epoch } from '../test/webview/traces.mjs';
import { calibrate } from './calibrate.mjs';

const require = createRequire(import.meta.url);
const { spansToOtlp } = require('../out/src/otlp/toOtlpJson.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const sizes = arg('--sizes', '10,10000,100000').split(',').map(Number);
const RUNS = Number(arg('--runs', '7'));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const MARKS = ['traceExplorer.ready', 'traceExplorer.traceReceived', 'traceExplorer.firstRows'];

preflight();
const cs = await startCodeServer({ name: 'bench-workbench', settings: { 'traceExplorer.receiver.httpPort': 0, 'traceExplorer.receiver.grpcPort': 0 } });
const wb = await openWorkbench(cs, { name: 'bench-workbench' });
const { page } = wb;

/** the marks of the panel's document after `since` (Unix ms), once the first rows after it are painted */
async function panelMarks(since) {
  for (let k = 0; k < 300; k++) {
    for (const f of page.frames()) {
      const got = await f.evaluate(({ names, since }) => {
        const at = (n) => {
          const m = performance.getEntriesByName(n).map((e) => performance.timeOrigin + e.startTime).filter((x) => x > since);
          return m.length ? m[0] : undefined;
        };
        const marks = names.map(at);
        return marks[2] === undefined ? null : { document: performance.timeOrigin, marks };
      }, { names: MARKS, since }).catch(() => null);
      if (got) return got;
    }
    await page.waitForTimeout(50);
  }
  throw new Error('the panel never marked its first rows');
}

try {
  await waitForReceiver(cs);
  const health = await waitForHttpListening(cs, 30_000);
  const send = async (spans) => {
    for (let i = 0; i < spans.length; i += 2000) {
      const res = await fetch(`http://127.0.0.1:${health.http.port}/v1/traces`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlp(spans.slice(i, i + 2000), epoch)),
      });
      if (res.status !== 200) throw new Error(`the receiver answered ${res.status}: ${await res.text()}`);
    }
  };
  const openById = async (id) => {
    // (a webview that takes the focus as it paints can close the quick pick just opened: open it again)
    for (let attempt = 1; ; attempt++) {
      await runCommand(page, 'Trace Explorer: Open Trace by ID');
      try {
        await page.locator('.quick-input-widget .quick-input-box input').fill(id, { timeout: 5000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    await page.waitForTimeout(300);
    const t0 = await page.evaluate(() => performance.timeOrigin + performance.now());
    await page.keyboard.press('Enter');
    return t0;
  };
  // the trace a preview panel shows before the measured one replaces it
  const other = generateTrace(10, 7);
  await send(other.spans);
  for (const n of sizes) {
    const { traceId, spans } = generateTrace(n);
    // in requests of 2,000 spans: the receiver's body limit (20 MiB) is below a 100k-span JSON body
    for (let i = 0; i < spans.length; i += 2000) {
      const res = await fetch(`http://127.0.0.1:${health.http.port}/v1/traces`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlp(spans.slice(i, i + 2000), epoch)),
      });
      if (res.status !== 200) throw new Error(`the receiver answered ${res.status}: ${await res.text()}`);
    }
    for (const open of ['first', 'reuse']) {
      const runs = [];
      for (let i = 0; i <= RUNS; i++) {
        if (open === 'reuse') {
          await openById(other.traceId);
          await webviewFrame(page).locator('[role="row"]').first().waitFor({ timeout: 60_000 });
          await page.locator('.tabs-container .tab', { hasText: '(preview)' }).first().waitFor({ timeout: 30_000 });
          await page.waitForTimeout(500);
        }
        const t0 = await openById(traceId);
        const { document, marks } = await panelMarks(t0);
        // the first open is the warm-up (the receiver's packer and the workbench's webview code are cold)
        if (i > 0) runs.push({ documentMs: document - t0, readyMs: marks[0] - t0, traceReceivedMs: marks[1] - t0, firstRowsMs: marks[2] - t0 });
        await runCommand(page, 'View: Close All Editors');
        await page.waitForTimeout(1000);
      }
      const pick = (k) => Math.round(median(runs.map((r) => r[k])));
      const doc = open === 'first' ? { documentMs: pick('documentMs'), readyMs: pick('readyMs') } : {};
      console.log(JSON.stringify({
        bench: 'waterfall-workbench', spans: n, open, firstRowsMs: pick('firstRowsMs'), ...doc,
        traceReceivedMs: pick('traceReceivedMs'), firstRowsRuns: runs.map((r) => Math.round(r.firstRowsMs)), runs: runs.length,
        calibrationMs: Math.round(calibrate()), loadavg: os.loadavg()[0],
      }));
    }
  }
} finally {
  await wb.close();
  await stopCodeServer(cs);
}
