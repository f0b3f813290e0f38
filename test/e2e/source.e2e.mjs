// Span → source in a real workbench, with the sample app (real OpenTelemetry SDK) running from a copy
// outside the workspace: the code lens above orders.createOrder shows the latency figures of its spans
// (computed here from the spans themselves), clicking it opens the slowest trace's waterfall, "Go to source"
// on a waterfall row puts the editor on the line that started that span, and a failing request puts the
// exception in the Problems panel at the line that threw it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, openWorkbench, startSampleApp, waitForReceiver, waitForHttpListening,
  receiverApi, clearTraces, waitFor, runCommand, quickOpen, activeEditorTab, cursorLine, codeLensTexts, webviewFrame, pickQuickItem, waitForNotification, useCodeServer,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { formatMs } = require(join(ROOT, 'out/src/source/lensModel.js'));

const cs = await useCodeServer({ name: 'source' });

const HANDLERS = 'services/orders/handlers.js';
const INVENTORY = 'services/inventory/handlers.js';

/** 1-based line of the first line of a workspace file containing `needle` */
function lineOf(rel, needle) {
  const lines = readFileSync(join(cs.workspace, rel), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} in ${rel}`);
  return i + 1;
}

function attr(span, key) {
  const v = (span.attributes || []).find((a) => a.key === key)?.value;
  return v && (v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined));
}

/** every stored span, with its trace id */
async function allSpans() {
  const out = [];
  for (const s of await receiverApi(cs, '/api/traces')) {
    const t = await receiverApi(cs, `/api/traces/${s.traceId}`);
    for (const rs of t.resourceSpans) for (const ss of rs.scopeSpans) for (const sp of ss.spans) out.push(sp);
  }
  return out;
}

/** nearest-rank percentile, as the index computes it for small windows */
function pct(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

test('span → source: latency lens with the spans’ figures, waterfall → source, exceptions in Problems', { timeout: 400_000 }, async () => {
  const wb = await openWorkbench(cs, { name: 'source' });
  const { page } = wb;
  let app;
  try {
    await waitForReceiver(cs);
    const health = await waitForHttpListening(cs, 30_000);
    await clearTraces(cs);
    app = await startSampleApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${health.http.port}` } });

    // the handler file is open; requests arrive
    await quickOpen(page, HANDLERS);
    const createLine = lineOf(HANDLERS, "withSpan('orders.createOrder'");
    await app.hit(6, '/checkout?item=apple&qty=1');

    // the lens text equals what the spans themselves say (p50/p95 nearest rank, count) — waited for until
    // the receiver has them all and the lens has caught up
    let seen = { want: '', texts: [] };
    const { expected, lens } = await waitFor('the createOrder code lens to show the spans’ figures', async () => {
      const spans = (await allSpans()).filter((s) => String(attr(s, 'code.file.path') ?? '').endsWith(HANDLERS) && attr(s, 'code.line.number') === createLine);
      if (spans.length < 6) return false;
      const d = spans.map((s) => Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6).sort((a, b) => a - b);
      // (the title's $(watch) renders as a codicon element, which has no text)
      const want = `p50 ${formatMs(pct(d, 0.5))} · p95 ${formatMs(pct(d, 0.95))} · ${d.length.toLocaleString('en-US')} calls`;
      const texts = await codeLensTexts(page);
      seen = { want, texts };
      const got = texts.find((t) => t.includes(want));
      return got ? { expected: want, lens: got } : false;
    }, { timeout: 60_000 }).catch(async (e) => {
      await wb.screenshot('lens-mismatch');
      throw new Error(`${e.message}: wanted "${seen.want}", lenses: ${JSON.stringify(seen.texts)}`);
    });
    assert.ok(lens.includes(expected));
    // a codicon, not an emoji (which needs an emoji font); one latency lens on the line
    const watch = page.locator('.monaco-editor .codelens-decoration a', { hasText: expected });
    assert.equal(await watch.locator('.codicon-watch').count(), 1, 'the lens shows the watch codicon');
    assert.ok(!(await codeLensTexts(page)).some((t) => /[\u23f1\u26a0]/.test(t)), 'no emoji in lenses');
    // the inline annotation after the line
    // (decorations render their text as CSS ::after content, which innerText does not include)
    const readAnnotation = () => page.evaluate(() => {
      for (const el of document.querySelectorAll('.monaco-editor .view-lines span')) {
        const c = getComputedStyle(el, '::after').content;
        if (c && / p95 · [\d,]+×/.test(c)) return c.replace(/^"|"$/g, '');
      }
      return false;
    });
    const annotation = await waitFor('the inline latency annotation', readAnnotation, { timeout: 20_000 });
    assert.match(annotation, /p95 · \d+×/);
    await wb.screenshot('lens-and-annotation');

    // clicking the latency opens the slowest trace in the waterfall
    await page.locator('.monaco-editor .codelens-decoration a', { hasText: 'p95' }).first().click();
    const frame = webviewFrame(page);
    await frame.locator('[role="treegrid"]').waitFor({ timeout: 30_000 });
    await wb.screenshot('lens-opens-trace');

    // "Go to source" on the orders.priceOrder row opens the handler file at the line that started it
    const priceLine = lineOf(HANDLERS, "withSpan('orders.priceOrder'");
    const row = frame.locator('[role="row"]', { hasText: 'orders.priceOrder' }).first();
    await row.waitFor({ timeout: 20_000 });
    await row.hover();
    await row.locator('button.src-btn').click();
    await activeEditorTab(page, 'handlers.js').waitFor({ timeout: 20_000 });
    const line = await waitFor('the cursor on the priceOrder line', async () => ((await cursorLine(page)) === priceLine ? priceLine : false), { timeout: 20_000 });
    assert.equal(line, priceLine);
    // the editor shown again gets its annotations back
    await waitFor('the annotations on the re-shown editor', readAnnotation, { timeout: 20_000 });
    await wb.screenshot('go-to-source');

    // a span that names no place (the auto-instrumented HTTP root): the details still offer Go to source, by
    // name, and the editor says why it cannot place it
    await page.locator('.tabs-container .tab', { hasText: 'Trace:' }).first().click();
    const root = frame.locator('[role="row"]').first();
    await root.dblclick();
    const byName = frame.locator('[data-testid=details] button', { hasText: 'Go to source (by name)' });
    await byName.waitFor({ timeout: 20_000 });
    await byName.click();
    const why = await waitForNotification(page, /Cannot place the span/, { timeout: 20_000 }).catch(async (e) => {
      await wb.screenshot('cannot-place-missing');
      throw e;
    });
    assert.match(why.text, /no code location/);
    assert.ok(why.buttons.includes('Search Workspace Symbols'), why.buttons.join(', '));
    await wb.screenshot('cannot-place');
    await runCommand(page, 'Notifications: Clear All Notifications');

    // a failing request: inventory throws; the Problems panel lists it at the throwing line
    const throwLine = lineOf(INVENTORY, 'throw new Error(`no stock record');
    await app.get('/fail');
    await runCommand(page, 'View: Focus Problems');
    const problem = await waitFor('the exception in the Problems panel', async () => {
      const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
      return rows.find((r) => /no stock record/.test(r)) ?? false;
    }, { timeout: 60_000 });
    assert.match(problem, /Trace Explorer/);
    assert.match(problem, /\d+× in the last 15 min/);
    assert.match(problem, new RegExp(`\\[Ln ${throwLine}, Col \\d+\\]`));
    await wb.screenshot('problems');
    // another window for the figures: the Problems entries say which
    await runCommand(page, 'Trace Explorer: Choose the Time Window for Latency and Errors…');
    await pickQuickItem(page, 'This session');
    await waitFor('the Problems entry counted over this session', async () => {
      const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
      return rows.some((r) => /no stock record/.test(r) && /\d+× this session/.test(r));
    }, { timeout: 30_000 });
    // (typed: the row of the current window is focused and the list scrolled to it)
    const windowPick = await waitFor('the time window pick', async () => {
      await runCommand(page, 'Trace Explorer: Choose the Time Window for Latency and Errors…');
      // the pick can be closed again as it opens when focus moves (a panel settling): then ask again
      const input = page.locator('.quick-input-widget input').first();
      return (await input.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) ? input : false;
    }, { timeout: 60_000, interval: 500 });
    await windowPick.fill('Last 15 minutes');
    await page.keyboard.press('Enter');
    await waitFor('back to the last 15 min', async () => (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).some((r) => /\d+× in the last 15 min/.test(r)), { timeout: 30_000 });

    // the hover on the createOrder line lists the recent calls, each a link that opens its trace at the span
    // (the handler file's tab, clicked: it is open since Go to source)
    const handlersTab = page.locator('.tabs-container .tab', { hasText: 'handlers.js' }).first();
    await handlersTab.click();
    await activeEditorTab(page, 'handlers.js').waitFor({ timeout: 20_000 });
    await page.keyboard.press('Control+G');
    await page.keyboard.type(String(createLine));
    await page.keyboard.press('Enter');
    await waitFor('the cursor on the createOrder line', async () => ((await cursorLine(page)) === createLine ? true : false), { timeout: 20_000 });
    await runCommand(page, 'Show or Focus Hover');
    const hover = page.locator('.monaco-hover', { hasText: 'Trace Explorer' }).first();
    await hover.waitFor({ timeout: 20_000 });
    const link = hover.locator('a[data-href*="traceExplorer.openTrace"], a[href*="traceExplorer.openTrace"]').first();
    await link.waitFor({ timeout: 10_000 });
    const target = (await link.getAttribute('data-href')) ?? (await link.getAttribute('href'));
    const [traceId, spanId] = JSON.parse(decodeURIComponent(target.split('?')[1]));
    assert.match(traceId, /^[0-9a-f]{32}$/);
    await wb.screenshot('hover');
    await link.click();
    // the trace opens (or its open panel comes forward) with that span selected
    const selected = await waitFor('the hover link’s trace with its span selected', async () => {
      const n = await page.locator('iframe.webview.ready').count();
      for (let i = 0; i < n; i++) {
        const row = webviewFrame(page, { index: i }).locator('[role="row"][aria-selected="true"]').first();
        if (await row.isVisible().catch(() => false)) {
          const text = await row.innerText();
          if (text.includes('orders.createOrder')) return text;
        }
      }
      return false;
    }, { timeout: 30_000 });
    assert.match(selected, /orders\.createOrder/);
    assert.ok((await allSpans()).some((sp) => sp.traceId === traceId && sp.spanId === spanId), 'the link names a stored span');
    await wb.screenshot('hover-opens-trace');

    // the errors lens opens the latest failing trace at the failing span
    // (the tab again: the waterfall has the keyboard focus)
    await handlersTab.click();
    await activeEditorTab(page, 'handlers.js').waitFor({ timeout: 20_000 });
    const errorsLens = page.locator('.monaco-editor .codelens-decoration a', { hasText: /\d+ errors?/ }).first();
    await errorsLens.waitFor({ timeout: 30_000 });
    await errorsLens.click();
    const failing = await waitFor('the failing trace with an error span selected', async () => {
      const n = await page.locator('iframe.webview.ready').count();
      for (let i = 0; i < n; i++) {
        const row = webviewFrame(page, { index: i }).locator('[role="row"][aria-selected="true"]').first();
        if ((await row.isVisible().catch(() => false)) && /\berror\b/.test((await row.getAttribute('class')) ?? '')) return row.innerText();
      }
      return false;
    }, { timeout: 30_000 });
    assert.ok(failing.length > 0);
    await wb.screenshot('errors-lens-opens-trace');

    // the toggle hides lenses and annotations, and brings them back
    await handlersTab.click();
    await activeEditorTab(page, 'handlers.js').waitFor({ timeout: 20_000 });
    await runCommand(page, 'Trace Explorer: Toggle Latency Code Lenses and Annotations');
    await waitFor('no latency lens while toggled off', async () => !(await codeLensTexts(page)).some((t) => /\bp50 .* · p95 /.test(t)), { timeout: 20_000 });
    assert.equal(await readAnnotation(), false, 'no inline annotation while toggled off');
    await runCommand(page, 'Trace Explorer: Toggle Latency Code Lenses and Annotations');
    await waitFor('the latency lens back', async () => (await codeLensTexts(page)).some((t) => /\bp50 .* · p95 /.test(t)), { timeout: 20_000 });

    // clearing the traces clears the Problems entries that came from them
    await runCommand(page, 'Trace Explorer: Clear All Traces');
    await runCommand(page, 'View: Focus Problems');
    await waitFor('no Trace Explorer problem after Clear All Traces', async () => {
      const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
      return !rows.some((r) => /Trace Explorer/.test(r));
    }, { timeout: 30_000 });
    // and the lenses: no figures are left for them
    await waitFor('no latency lens after Clear All Traces', async () => !(await codeLensTexts(page)).some((t) => /\bp50 .* · p95 /.test(t)), { timeout: 20_000 })
      .catch(async (e) => {
        await wb.screenshot('lens-after-clear');
        throw new Error(`${e.message}: ${JSON.stringify(await codeLensTexts(page))}`);
      });
    await wb.screenshot('cleared');

    // two operations started on one line (frontend.report and the GET client span inside it): one latency
    // lens there, naming both (after the clear above: only this request's figures)
    await app.get('/slow');
    const FRONTEND = 'services/frontend/handlers.js';
    // (both files are named handlers.js: make sure the one open is frontend's, by its breadcrumbs)
    await waitFor('frontend handlers.js open', async () => {
      await quickOpen(page, FRONTEND);
      return /frontend/.test(await page.locator('.monaco-breadcrumbs').first().innerText().catch(() => ''));
    }, { timeout: 60_000 });
    let lensesSeen = [];
    const shared = await waitFor('one lens naming both operations on the report line', async () => {
      lensesSeen = await codeLensTexts(page);
      const texts = lensesSeen.filter((t) => t.includes('frontend.report'));
      return texts.length === 1 && /frontend\.report \+ GET \/orders\/report/.test(texts[0]) ? texts[0] : false;
    }, { timeout: 60_000 }).catch(async (e) => {
      await wb.screenshot('one-lens-per-line-failed');
      throw new Error(`${e.message}: ${JSON.stringify(lensesSeen)}`);
    });
    assert.equal((shared.match(/\bp50 /g) ?? []).length, 1, `one latency figure on the line: ${shared}`);
    await wb.screenshot('one-lens-per-line');
  } finally {
    await app?.stop();
    await wb.close();
  }
});
