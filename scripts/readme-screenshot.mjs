// Retakes the README's picture (media/readme-screenshot.png): the sample app's orders handlers with their
// latency code lenses, and the trace behind the p95 lens in the waterfall beside them, in a real workbench.
// Needs the e2e setup (bash scripts/setup-e2e.sh), a build (npm run build) and ImageMagick's convert
// (apt-get install imagemagick). Keeps clear of the ports
// the demo and the test suite use: the receiver and code-server take free ports, and everything runs under a
// folder of its own, so the test runner's cleanup never sees it.
//   node scripts/readme-screenshot.mjs [out.png]
import { join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { statSync, renameSync, mkdirSync, existsSync } from 'node:fs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.env.E2E_RUN_ROOT ??= join(tmpdir(), 'trace-explorer-readme-shot');
process.env.E2E_ARTIFACTS ??= join(process.env.E2E_RUN_ROOT, 'artifacts');
const out = resolve(process.argv[2] || join(ROOT, 'media', 'readme-screenshot.png'));

const lib = await import('../test/e2e/lib.mjs');
const { startCodeServer, stopCodeServer, openWorkbench, startSampleApp, waitForReceiver, waitForHttpListening,
  waitFor, quickOpen, codeLensTexts, webviewFrame, runCommand } = lib;

const cs = await startCodeServer({
  name: 'readme-shot',
  install: 'folder',
  settings: {
    'traceExplorer.receiver.httpPort': 0,
    'traceExplorer.receiver.grpcPort': 0,
    'workbench.colorTheme': 'Default Dark Modern',
    'editor.fontSize': 13,
    'window.commandCenter': false,
  },
});
let wb;
let app;
try {
  wb = await openWorkbench(cs, { name: 'readme-shot' });
  const { page } = wb;
  await page.setViewportSize({ width: 1680, height: 900 });
  await waitForReceiver(cs);
  const health = await waitForHttpListening(cs, 30_000);
  app = await startSampleApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${health.http.port}` } });
  await app.hit(40);

  await runCommand(page, 'Trace Explorer: Show Traces');
  await quickOpen(page, 'services/orders/handlers.js');
  await waitFor('latency lenses above the handlers', async () => (await codeLensTexts(page)).filter((t) => / calls/.test(t)).length >= 2,
    { timeout: 60_000 });
  // the slowest createOrder call opens in the waterfall; moved beside the code it came from
  await page.locator('.monaco-editor .codelens-decoration a', { hasText: 'p95' }).first().click();
  const frame = webviewFrame(page);
  await frame.locator('[role="treegrid"]').waitFor({ timeout: 30_000 });
  await runCommand(page, 'View: Move Editor into Right Group');
  await waitFor('the waterfall beside the code', async () => (await page.locator('.editor-group-container').count()) >= 2, { timeout: 20_000 });
  const wf = webviewFrame(page);
  await wf.locator('[role="row"]', { hasText: 'orders.createOrder' }).first().waitFor({ timeout: 30_000 });
  // the bars, not the span details, beside the code
  const close = wf.locator('[data-testid=details] button[aria-label="Close details"]');
  if (await close.isVisible().catch(() => false)) await close.click();
  await page.waitForTimeout(1500); // lenses and annotations settle
  await page.mouse.move(5, 5);
  const raw = out.replace(/\.png$/, '.raw.png');
  await page.screenshot({ path: raw });
  // 256 colours without dithering keep the text sharp and the file small enough for a README (~130 KB)
  execFileSync(existsSync('/usr/bin/convert') ? '/usr/bin/convert' : 'convert',
    [raw, '-strip', '+dither', '-colors', '256', '-define', 'png:compression-level=9', out]);
  mkdirSync(process.env.E2E_ARTIFACTS, { recursive: true });
  renameSync(raw, join(process.env.E2E_ARTIFACTS, 'readme-shot-raw.png'));
  process.stdout.write(`${out} (${Math.round(statSync(out).size / 1024)} KB)\n`);
} finally {
  await app?.stop();
  await wb?.close();
  await stopCodeServer(cs);
}
