// The trace list in a real workbench: its activity-bar view, the empty state that tells the user how to send
// traces (and copies the environment variables for the running ports), rows appearing live as the sample app
// (real OpenTelemetry SDK) sends traces, opening one in the waterfall, the filter, sorting, a window reload that keeps the traces, and
// clearing from the view's title bar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openWorkbench, startSampleApp, waitForReceiver, waitForHttpListening, receiverApi,
  clearTraces, waitFor, runCommand, pickQuickItem, quickPickItems, waitForWorkbench, waitForExtensionStatus, webviewFrame, cursorLine, useCodeServer,
} from './lib.mjs';

// Alone, this file runs a private code-server whose receiver takes free ports (4318 may belong to someone
// else's receiver on a shared machine); under the runner it uses the shared one.
const cs = await useCodeServer({ name: 'tracelist' });

const SIDEBAR = '#workbench\\.parts\\.sidebar';
const rowsLocator = (page) => page.locator(`${SIDEBAR} .monaco-list-row`);
const rowTexts = async (page) => (await rowsLocator(page).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

test('trace list: empty state, live rows from the sample app, filter, sort, reload keeps traces, clear', { timeout: 300_000 }, async () => {
  const wb = await openWorkbench(cs, { name: 'tracelist' });
  const { page } = wb;
  let app;
  try {
    const state = await waitForReceiver(cs);
    const health = await waitForHttpListening(cs, 30_000);
    const httpPort = health.http.port;
    await clearTraces(cs);

    // the view in its own activity-bar container, empty: the welcome content says how to send traces
    await runCommand(page, 'Trace Explorer: Show Traces');
    const welcome = page.locator(`${SIDEBAR} .welcome-view-content`);
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await welcome.innerText(), /No traces yet/);
    await wb.screenshot('empty-state');

    // its button copies the OTEL_EXPORTER_OTLP_* variables for the running port
    await welcome.locator('.monaco-button', { hasText: 'Copy Environment Variables' }).first().click();
    const items = await quickPickItems(page);
    assert.ok(items.some((t) => /bash/.test(t)) && items.some((t) => /PowerShell/.test(t)), items.join(' | '));
    await pickQuickItem(page, 'bash / zsh / sh');
    const copied = await waitFor('the clipboard to hold the variables', async () => {
      const t = await page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
      return t.includes('OTEL_EXPORTER_OTLP_ENDPOINT') ? t : false;
    }, { timeout: 10_000 });
    assert.match(copied, new RegExp(`^export OTEL_EXPORTER_OTLP_ENDPOINT=http://127\\.0\\.0\\.1:${httpPort}$`, 'm'));
    assert.match(copied, /^export OTEL_EXPORTER_OTLP_PROTOCOL=http\/protobuf$/m);
    assert.match(copied, new RegExp(`^export OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127\\.0\\.0\\.1:${httpPort}/v1/traces$`, 'm'));

    // live: the sample app's traces appear as rows with root name, service, duration, spans, age
    app = await startSampleApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${httpPort}` } });
    await app.hit(8);
    const traces = await waitFor('traces with errors in the receiver', async () => {
      const t = await receiverApi(cs, '/api/traces');
      return t.length >= 4 && t.some((x) => x.errorCount > 0) ? t : false;
    }, { timeout: 30_000 });
    // the newest trace as the receiver has it now (spans of one trace may still be arriving)
    let newest;
    const rows = await waitFor('the newest trace as a row', async () => {
      newest = (await receiverApi(cs, '/api/traces'))[0];
      const r = await rowTexts(page);
      // the sample app's roots are named "GET" by Node's HTTP instrumentation: the row adds the path
      const label = newest.rootTarget ? `${newest.rootName} ${newest.rootTarget}` : newest.rootName;
      return r.some((x) => x.includes(label) && x.includes(newest.rootService) && /\d+ spans?/.test(x)) ? r : false;
    }, { timeout: 30_000 });
    // (the newest may still lack its root: a child service's span stands in for it until the root arrives)
    const bare = (await receiverApi(cs, '/api/traces')).filter((x) => x.rootName === 'GET');
    assert.ok(bare.length > 0 && bare.every((x) => /^\/\w/.test(x.rootTarget)), JSON.stringify(bare.map((x) => x.rootTarget)));
    assert.ok(rows.some((x) => /\bGET \/\w/.test(x)), rows.join(" | "));
    // the duration comes first after the name (a narrow sidebar cuts the end of the line)
    assert.ok(rows.some((x) => /\bGET \/[a-z]+\s*(incomplete · )?[\d.]+ (ns|µs|ms|s) · /.test(x)), rows.join(' | '));
    assert.ok(rows.length >= 4, rows.join(' | '));
    assert.ok(traces.length >= 4);
    assert.ok(await page.locator(`${SIDEBAR} .monaco-list-row .codicon-error`).count() > 0, 'error traces are marked');
    await wb.screenshot('rows');

    // open: a click on a row opens that trace's waterfall (traceExplorer.openTrace with the row's trace id)
    const errorRow = rowsLocator(page).filter({ has: page.locator('.codicon-error') }).first();
    await errorRow.click();
    await page.locator('.tabs-container .tab', { hasText: 'Trace:' }).first().waitFor({ timeout: 30_000 });
    await webviewFrame(page).locator('[role="row"]').first().waitFor({ timeout: 30_000 });
    assert.ok(await webviewFrame(page).locator('[role="row"]').count() > 1, 'the waterfall shows the trace\'s spans');
    // the panel's title names the root as the row does: "GET" with its path
    await page.locator('.tabs-container .tab', { hasText: /Trace: GET \/\w/ }).first().waitFor({ timeout: 15_000 });
    await wb.screenshot('opened-from-list');

    // Go to Source from the list (context menu): the editor opens the code of a span of that trace
    await errorRow.click({ button: 'right' });
    const item = page.locator('.context-view .action-item', { hasText: 'Go to Source of the Trace' }).first();
    await item.hover();
    await item.click();
    // (a click that lands while the menu is still settling leaves it open with the item highlighted, as a
    // user would then press Enter)
    if (await page.locator('.context-view .monaco-menu').first().isVisible().catch(() => false)) await page.keyboard.press('Enter');
    const opened = await waitFor('a source file opened from the trace list', async () => {
      const label = await page.locator('.tabs-container .tab.active').first().getAttribute('aria-label').catch(() => null);
      const line = await cursorLine(page).catch(() => undefined);
      return label && /\.js\b/.test(label) && line ? { file: label.split(',')[0].trim(), line } : false;
    }, { timeout: 30_000 });
    const placed = [];
    for (const t of await receiverApi(cs, '/api/traces')) {
      const otlp = await receiverApi(cs, `/api/traces/${t.traceId}`);
      for (const rs of otlp.resourceSpans) for (const ss of rs.scopeSpans) for (const sp of ss.spans) {
        const a = Object.fromEntries((sp.attributes || []).map((x) => [x.key, x.value.stringValue ?? x.value.intValue]));
        if (a['code.file.path']) placed.push(`${String(a['code.file.path']).split('/').pop()}:${a['code.line.number']}`);
      }
    }
    assert.ok(placed.includes(`${opened.file}:${opened.line}`), `${opened.file}:${opened.line} is where one of the spans says it ran (${[...new Set(placed)].join(', ')})`);
    await wb.screenshot('source-from-list');
    // (after the context menu: closing editors can raise a modal save dialog for an untitled editor that an
    // earlier e2e file left in this shared code-server, which would block the click)
    await runCommand(page, 'View: Close All Editors');

    // filter: errors only
    await runCommand(page, 'Trace Explorer: Filter Traces…');
    // type into the filter box itself: keys sent before it has focus went elsewhere (seen once in CI)
    const filterBox = page.locator('.quick-input-widget .quick-input-box input');
    await page.locator('.quick-input-widget', { hasText: 'Filter traces' }).waitFor({ state: 'visible', timeout: 15_000 });
    // a term it cannot read is not applied by Enter: the box stays open and says why
    await filterBox.fill('min:abc');
    await filterBox.press('Enter');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: /Not applied: "min:abc"/ }).waitFor({ state: 'visible', timeout: 10_000 });
    assert.ok(await page.locator('.quick-input-widget').isVisible(), 'the filter box stays open');
    await filterBox.fill('is:error');
    await filterBox.press('Enter');
    const latest = await receiverApi(cs, '/api/traces');
    const errors = latest.filter((t) => t.errorCount > 0).length;
    await waitFor('only error traces listed', async () => (await rowsLocator(page).count()) === errors, { timeout: 15_000 });
    const message = await page.locator(`${SIDEBAR} .message`).first().innerText();
    assert.match(message, new RegExp(`Filter “is:error”: ${errors} of ${latest.length} traces?`));
    await wb.screenshot('filtered');
    await runCommand(page, 'Trace Explorer: Clear Trace Filter');
    await waitFor('every trace listed again', async () => (await rowsLocator(page).count()) >= latest.length, { timeout: 15_000 });

    // sort by duration: the longest trace comes first
    await runCommand(page, 'Trace Explorer: Sort and Group Traces…');
    await pickQuickItem(page, 'Longest first');
    const longest = [...latest].sort((a, b) => b.durationMs - a.durationMs)[0];
    await waitFor('the longest trace on top', async () => (await rowTexts(page))[0]?.includes(longest.rootName), { timeout: 15_000 });
    await wb.screenshot('sorted-by-duration');
    await runCommand(page, 'Trace Explorer: Sort and Group Traces…');
    await pickQuickItem(page, 'Newest first');

    // pause (the view's title bar): new traces wait in a "N new traces — show" row at the top, and the rows
    // below stay where they were; resume lists them
    const titleAction = async (label) => {
      await page.locator(`${SIDEBAR} .composite.title`).hover(); // title actions show on hover
      await page.locator(`${SIDEBAR} .action-label[aria-label^="${label}"]`).first().click();
    };
    const settled = async () => (await receiverApi(cs, '/api/traces')).length;
    const countBefore = await settled();
    await waitFor('every trace listed', async () => (await rowsLocator(page).count()) === countBefore, { timeout: 15_000 });
    await titleAction('Pause Trace List');
    await page.locator(`${SIDEBAR} .action-label[aria-label^="Resume Trace List"]`).first().waitFor({ state: 'attached', timeout: 10_000 });
    // (ages and figures change as time passes: compare the rows without their numbers)
    const shape = async () => (await rowTexts(page)).map((t) => t.replace(/just now|[\d.,]+/g, '#'));
    const rowsBefore = await shape();
    await app.hit(3);
    const heldRow = rowsLocator(page).filter({ hasText: /^\d+ new traces? — show/ }).first();
    await heldRow.waitFor({ timeout: 30_000 });
    await waitFor('all three new traces held', async () => /^3 new traces — show/.test((await rowTexts(page))[0]), { timeout: 30_000 });
    assert.deepEqual((await shape()).slice(1), rowsBefore, 'the rows under the new-traces row did not move');
    await wb.screenshot('paused-with-new-traces');
    await titleAction('Resume Trace List');
    await waitFor('the new traces listed, no held row', async () => {
      const t = await rowTexts(page);
      return t.length === countBefore + 3 && !t.some((x) => /new traces? — show/.test(x));
    }, { timeout: 15_000 });

    // a window reload keeps the traces: the receiver outlives the window and the list comes back
    await app.stop();
    app = undefined;
    const kept = await receiverApi(cs, '/api/traces');
    const pidBefore = (await receiverApi(cs, '/api/health')).pid;
    await page.reload();
    await waitForWorkbench(page);
    await waitForExtensionStatus(page);
    await runCommand(page, 'Trace Explorer: Show Traces');
    await waitFor('the same traces listed after the reload', async () => (await rowsLocator(page).count()) === kept.length, { timeout: 30_000 });
    const after = await receiverApi(cs, '/api/health');
    assert.equal(after.pid, pidBefore, 'the same receiver serves the reloaded window');
    assert.equal(after.traces, kept.length);
    await wb.screenshot('after-reload');

    // clear from the view's title bar: back to the empty state
    await page.locator(`${SIDEBAR} .composite.title`).hover(); // title actions show on hover
    await page.locator(`${SIDEBAR} .action-label[aria-label^="Clear All Traces"]`).first().click();
    await welcome.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal((await receiverApi(cs, '/api/health')).traces, 0);
    assert.ok(state.pid > 0);
  } catch (e) {
    await wb.screenshot('failed').catch(() => {});
    throw e;
  } finally {
    if (app) await app.stop();
    await wb.close();
  }
});
