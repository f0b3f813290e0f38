// The flame graph's share of bench:explore (issue 24): a generated trace opened in the real waterfall
// webview bundle (production build, as packaged) in headless Chromium through the harness of
// bench/waterfall.mjs and test/webview/, then the Flame graph tab clicked.
//   firstPaintMs        the tab's click → the flame graph painted (layout of every span + first canvas
//                       frame, after the browser showed it: the `traceExplorer.flamePainted` mark)
//   operationsMs        then the Operations button's click → the merged graph painted (two frames later)
//   calibrationMs       a fixed CPU workload timed in this process, to read the others against
// Medians over the runs; each run loads the panel in a fresh document (HTTP cache off) and waits for the
// whole trace before the click.
// Used by bench/explore.mjs (import { benchFlame }); on its own: node bench/explore-flame.mjs [--spans N] [--runs N]
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHarnessServer } from '../test/webview/server.mjs';
import { launchChromium } from '../test/webview/browser.mjs';
import { calibrate } from './calibrate.mjs';
export { calibrate };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r1 = (x) => Math.round(x * 10) / 10;

/** one JSON-ready result: {bench, view, spans, firstPaintMs, …} */
export async function benchFlame({ spans = 100_000, runs = 5 } = {}) {
  const bundleDir = join(root, 'artifacts', 'bench-flame');
  mkdirSync(bundleDir, { recursive: true });
  // the options of scripts/build.mjs --production for the webview bundle
  await build({
    absWorkingDir: root, entryPoints: { webview: 'webview/main.tsx' }, outdir: bundleDir, bundle: true, minify: true,
    platform: 'browser', format: 'iife', target: 'chrome120', logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' }, loader: { '.css': 'css' },
  });
  const srv = await startHarnessServer({ bundleDir });
  const browser = await launchChromium([]);
  try {
    const name = `gen${spans}`;
    await srv.addGeneratedTrace(name, spans);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const once = async () => {
      await page.goto('about:blank');
      const whole = page.waitForRequest((r) => r.url().includes('/mark?name=traceExplorer.wholeTrace'), { timeout: 120_000 });
      await page.goto(`${srv.url}/harness.html?trace=${name}&theme=dark`);
      await whole;
      // the mark is reported with a request (harness.js), so nothing polls the page while it paints
      const painted = page.waitForRequest((r) => r.url().includes('/mark?name=traceExplorer.flamePainted'), { timeout: 120_000 });
      await page.evaluate(() => {
        window.__flameClick = performance.now();
        [...document.querySelectorAll('[role=tab]')].find((b) => b.textContent === 'Flame graph').click();
      });
      await painted;
      const firstPaint = await page.evaluate(() => performance.getEntriesByName('traceExplorer.flamePainted')[0].startTime - window.__flameClick);
      const operations = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const t0 = performance.now();
            [...document.querySelectorAll('[role=radio]')].find((b) => b.textContent === 'Operations').click();
            requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0)));
          }),
      );
      const drawn = await page.evaluate(() => {
        const c = document.querySelector('[data-testid=flame-canvas]');
        const d = c.getContext('2d').getImageData(0, 0, c.width, 20).data;
        let opaque = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] === 255) opaque++;
        return opaque;
      });
      if (!drawn) throw new Error('the flame graph drew nothing');
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      return { firstPaint, operations };
    };
    await once(); // warm-up: the renderer's first load of the bundle, the server's encoder
    const res = [];
    for (let i = 0; i < runs; i++) res.push(await once());
    return {
      bench: 'explore', view: 'flamegraph', spans, firstPaintMs: r1(median(res.map((r) => r.firstPaint))),
      operationsMs: r1(median(res.map((r) => r.operations))), firstPaintRuns: res.map((r) => r1(r.firstPaint)), runs,
      calibrationMs: r1(calibrate()), loadavg: os.loadavg()[0],
    };
  } finally {
    await browser.close();
    await srv.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (flag, dflt) => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? Number(process.argv[i + 1]) : dflt;
  };
  console.log(JSON.stringify(await benchFlame({ spans: arg('--spans', 100_000), runs: arg('--runs', 5) })));
}
