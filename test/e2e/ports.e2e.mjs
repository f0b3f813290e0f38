// A port conflict resolved from the notification: the receiver's OTLP/HTTP port is held by another program,
// the window still activates, says which port, and "Choose Another Port" (input box with a free port already
// filled in) writes the setting and restarts the receiver on the new port, where an app's spans then arrive.
// Then a store limit setting restarts the receiver, and filling the store tells the user eviction started.
// Then a host setting that is no address of this machine (an error with its own fix, not a conflict), and a
// second window whose workspace settings differ from the running receiver's: told, and able to apply them.
// Last, an untrusted folder whose settings would move the receiver (host 0.0.0.0, its own port): ignored in
// Restricted Mode, applied once the user trusts the folder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import {
  startCodeServer, stopCodeServer, openWorkbench, holdPort, freePort, waitForStatusBarText, waitForNotification,
  startSampleApp, receiverApi, waitFor, userSettingsFile, runCommand, webviewFrame, notificationTexts, ROOT, RUN_ROOT,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { TracerProvider, BatchSpanProcessor } = require(`${ROOT}/node_modules/@opentelemetry/sdk-trace`);
const { resourceFromAttributes } = require(`${ROOT}/node_modules/@opentelemetry/resources`);
const { OTLPTraceExporter } = require(`${ROOT}/node_modules/@opentelemetry/exporter-trace-otlp-proto`);

/** `traces` traces of `perTrace` spans each, through the real OTLP/HTTP protobuf exporter. */
async function sendSpans(port, traces, perTrace) {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'filler' }),
    spanProcessors: [new BatchSpanProcessor({
      exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` }),
      maxExportBatchSize: 512, maxQueueSize: 100_000, scheduledDelayMillis: 100,
    })],
  });
  const tracer = provider.getTracer('e2e');
  for (let t = 0; t < traces; t++) {
    const root = tracer.startSpan(`fill ${t}`);
    const ctx = require(`${ROOT}/node_modules/@opentelemetry/api`).trace.setSpan(require(`${ROOT}/node_modules/@opentelemetry/api`).context.active(), root);
    for (let i = 1; i < perTrace; i++) tracer.startSpan(`child ${i}`, {}, ctx).end();
    root.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
}

test('port taken: the notification names it, Choose Another Port moves the receiver, spans arrive there', { timeout: 300_000 }, async () => {
  const taken = await freePort();
  const blocker = await holdPort(taken);
  const cs = await startCodeServer({
    name: 'ports',
    settings: { 'traceExplorer.receiver.httpPort': taken, 'traceExplorer.receiver.grpcPort': 0 },
  });
  after(() => stopCodeServer(cs));
  const wb = await openWorkbench(cs, { name: 'ports' });
  const { page } = wb;
  let app;
  try {
    await waitForStatusBarText(page, new RegExp(`OTLP :${taken} in use`), { timeout: 60_000 });
    const note = await waitForNotification(page, new RegExp(`port ${taken} \\(OTLP/HTTP\\) is already in use`), { timeout: 30_000 });
    assert.deepEqual(note.buttons, ['Choose Another Port', 'Show How to Point a Collector Here']);
    await wb.screenshot('conflict');

    await page.locator('.notification-list-item', { hasText: 'already in use' }).first()
      .locator('.monaco-button', { hasText: 'Choose Another Port' }).click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    const suggested = Number(await input.inputValue());
    assert.ok(suggested > 0 && suggested !== taken, `suggested port ${suggested}`);
    // validation: the taken-by-gRPC case and garbage are refused with a message
    await input.fill('http');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'Enter a port number' }).waitFor({ timeout: 10_000 });
    await input.fill(String(suggested));
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'Enter a port number' }).waitFor({ state: 'detached', timeout: 10_000 });
    await wb.screenshot('choose-port');
    await page.keyboard.press('Enter');

    const text = await waitForStatusBarText(page, new RegExp(`OTLP :${suggested} :\\d+ · `), { timeout: 60_000 });
    assert.doesNotMatch(text, /in use/);
    const settings = JSON.parse(readFileSync(userSettingsFile(cs), 'utf8'));
    assert.equal(settings['traceExplorer.receiver.httpPort'], suggested, 'the choice is saved in the user settings');
    const health = await receiverApi(cs, '/api/health');
    assert.equal(health.http.port, suggested);
    assert.equal(health.http.listening, true);

    app = await startSampleApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${suggested}` } });
    await app.hit(3);
    await waitFor('spans on the new port', async () => (await receiverApi(cs, '/api/health')).spans > 0, { timeout: 30_000 });
    await waitForStatusBarText(page, new RegExp(`OTLP :${suggested} :\\d+ · [1-9][\\d,]* spans?`), { timeout: 30_000 });
    await wb.screenshot('moved');

    // the how-to the notification offered: the README opens at its collector section
    await runCommand(page, 'Trace Explorer: How to Point a Collector Here');
    await webviewFrame(page).locator('h3', { hasText: /collector/i }).first().waitFor({ timeout: 30_000 });
    await wb.screenshot('collector-help');
    await runCommand(page, 'View: Close All Editors');

    // a store limit: the receiver restarts with it, and filling the store tells the user once
    await app.stop();
    app = undefined;
    const pidBefore = (await receiverApi(cs, '/api/health')).pid;
    // through the Settings editor, as a user would (code-server does not watch settings.json written from outside)
    await runCommand(page, 'Preferences: Open Settings (UI)');
    const search = page.locator('.settings-editor .search-container .monaco-editor').first();
    await search.waitFor({ timeout: 20_000 });
    await search.click();
    // the limit below is the memory store's: with the store on disk (the default) a full memory only moves the
    // oldest traces to disk, so this part runs memory-only, as a user who turned persistence off would
    await page.keyboard.type('traceExplorer.store.persist');
    const persist = page.locator('.settings-editor .setting-item-bool', { hasText: 'Store: Persist' }).locator('.setting-value-checkbox').first();
    await persist.waitFor({ timeout: 20_000 });
    await persist.click();
    await waitFor('persistence off in the settings', () => /"traceExplorer\.store\.persist": false\b/.test(readFileSync(userSettingsFile(cs), 'utf8')), { timeout: 15_000 });
    await search.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('traceExplorer.store.maxSpans');
    const box = page.locator('.settings-editor .setting-item-number', { hasText: 'Store: Max Spans' }).locator('input').first();
    await box.waitFor({ timeout: 20_000 });
    await box.fill('1000');
    await box.press('Tab');
    await waitFor('the setting saved', () => /"traceExplorer\.store\.maxSpans": 1000\b/.test(readFileSync(userSettingsFile(cs), 'utf8')), { timeout: 15_000 });
    await waitFor('the receiver restarted with the new limit', async () => {
      const h = await receiverApi(cs, '/api/health').catch(() => undefined);
      return h && h.pid !== pidBefore && h.maxSpans === 1000 && !h.store;
    }, { timeout: 60_000 });
    await waitForStatusBarText(page, new RegExp(`OTLP :${suggested} :\\d+ · 0 spans`), { timeout: 30_000 });
    await runCommand(page, 'View: Close All Editors');
    await sendSpans(suggested, 150, 10);
    const full = await waitForNotification(page, /Trace Explorer is full \(1,000 spans or 1024 MB\): the oldest traces are being evicted/, { timeout: 30_000 });
    assert.deepEqual(full.buttons, ['Raise the Limits', "Don't Show Again"]);
    const h = await receiverApi(cs, '/api/health');
    assert.ok(h.spans <= 1000 && h.evictedTraces > 0 && h.evicting, JSON.stringify(h));
    await wb.screenshot('eviction-notice');
  } catch (e) {
    await wb.screenshot('failed').catch(() => {});
    throw e;
  } finally {
    if (app) await app.stop();
    await wb.close();
    await blocker.close();
  }
});

test('a host that is no address here is an error with its own fix; a window whose settings differ is told and can apply them', { timeout: 300_000 }, async () => {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  // 192.0.2.1 is TEST-NET-1 (documentation only): binding it fails at once, nothing is sent anywhere
  const cs = await startCodeServer({
    name: 'ports-host',
    settings: { 'traceExplorer.receiver.host': '192.0.2.1', 'traceExplorer.receiver.httpPort': httpPort, 'traceExplorer.receiver.grpcPort': grpcPort },
  });
  after(() => stopCodeServer(cs));
  // a second folder whose workspace settings ask for the loopback address instead
  const other = join(cs.runDir, 'ws', 'loopback-project');
  mkdirSync(join(other, '.vscode'), { recursive: true });
  writeFileSync(join(other, '.vscode', 'settings.json'), JSON.stringify({ 'traceExplorer.receiver.host': '127.0.0.1' }));
  writeFileSync(join(other, 'README.md'), 'a project whose workspace settings move the receiver to 127.0.0.1\n');

  const wb = await openWorkbench(cs, { name: 'ports-host' });
  let wb2;
  try {
    const { page } = wb;
    await waitForStatusBarText(page, new RegExp(`OTLP :${httpPort} bad host :${grpcPort} bad host · `), { timeout: 60_000 });
    const item = page.locator('.statusbar-item', { hasText: `:${httpPort} bad host` }).first();
    assert.match(await item.getAttribute('class'), /error-kind/, 'an error, not a warning like a port in use');
    const note = await waitForNotification(page, /"192\.0\.2\.1" \(setting traceExplorer\.receiver\.host\) is not an address of this machine/, { timeout: 30_000 });
    assert.deepEqual(note.buttons, ['Change the Host Setting']);
    const texts = await notificationTexts(page);
    assert.equal(texts.filter((t) => /cannot open its OTLP ports/.test(t)).length, 1, `one notice for the host, not one per port: ${JSON.stringify(texts)}`);
    assert.ok(!texts.some((t) => /already in use/.test(t)), 'no "in use" notice for a bad host');
    await runCommand(page, 'Trace Explorer: Show Traces');
    await page.locator('.welcome-view-content', { hasText: 'a receiver port could not be opened' }).waitFor({ timeout: 20_000 });
    await wb.screenshot('bad-host');
    const health = await receiverApi(cs, '/api/health');
    assert.deepEqual([health.host, health.http.code, health.grpc.code], ['192.0.2.1', 'EADDRNOTAVAIL', 'EADDRNOTAVAIL']);

    // the other folder's window connects to the same receiver, says how its settings differ, and applies them on request
    wb2 = await openWorkbench(cs, { name: 'ports-host-2', folder: other });
    const differs = await waitForNotification(wb2.page, /runs with other settings than this window's, which ask for host 127\.0\.0\.1 \(it has 192\.0\.2\.1\)/, { timeout: 30_000 });
    assert.deepEqual(differs.buttons, ["Restart It With This Window's Settings"]);
    await wb2.screenshot('settings-differ');
    await wb2.page.locator('.notification-list-item', { hasText: 'runs with other settings' }).first()
      .locator('.monaco-button', { hasText: 'Restart It' }).click();
    await waitForStatusBarText(wb2.page, new RegExp(`OTLP :${httpPort} :${grpcPort} · 0 spans`), { timeout: 60_000 });
    const after2 = await receiverApi(cs, '/api/health');
    assert.notEqual(after2.pid, health.pid, 'the receiver was restarted');
    assert.deepEqual([after2.host, after2.http.listening, after2.grpc.listening], ['127.0.0.1', true, true]);
    // the first window follows the new receiver and now is the one told that its settings differ
    await waitForStatusBarText(page, new RegExp(`OTLP :${httpPort} :${grpcPort} · `), { timeout: 60_000 });
    await waitForNotification(page, /which ask for host 192\.0\.2\.1 \(it has 127\.0\.0\.1\)/, { timeout: 30_000 });
    await wb.screenshot('settings-differ-first-window');
  } catch (e) {
    await wb.screenshot('bad-host-failed').catch(() => {});
    if (wb2) await wb2.screenshot('settings-differ-failed').catch(() => {});
    throw e;
  } finally {
    if (wb2) await wb2.close();
    await wb.close();
  }
});

test('an untrusted workspace cannot move the receiver: its host and port settings are ignored, the user’s apply', { timeout: 300_000 }, async () => {
  const [userPort, workspacePort] = [await freePort(), await freePort()];
  // a cloned repository whose settings would open the receiver to the network on a port of its choosing
  const project = join(RUN_ROOT, 'untrusted-project');
  mkdirSync(join(project, '.vscode'), { recursive: true });
  writeFileSync(join(project, '.vscode', 'settings.json'), JSON.stringify({
    'traceExplorer.receiver.host': '0.0.0.0', 'traceExplorer.receiver.httpPort': workspacePort,
  }));
  writeFileSync(join(project, 'README.md'), 'a cloned repository nobody has looked at yet\n');
  const cs = await startCodeServer({
    name: 'ports-untrusted', workspace: project, workspaceTrust: true,
    settings: { 'security.workspace.trust.enabled': true, 'traceExplorer.receiver.httpPort': userPort, 'traceExplorer.receiver.grpcPort': 0 },
  });
  after(() => stopCodeServer(cs));
  const wb = await openWorkbench(cs, { name: 'ports-untrusted', waitForExtension: false });
  const { page } = wb;
  try {
    // an untrusted folder opens in Restricted Mode (desktop VS Code asks first; code-server goes straight there)
    const no = page.getByRole('button', { name: /No, I don.t trust the authors/ });
    if (await no.isVisible().catch(() => false)) await no.click();
    await waitForStatusBarText(page, /Restricted Mode/, { timeout: 60_000 });
    const text = await waitForStatusBarText(page, new RegExp(`OTLP :${userPort} :\\d+ · `), { timeout: 60_000 });
    assert.doesNotMatch(text, new RegExp(`:${workspacePort}\\b`));
    const health = await receiverApi(cs, '/api/health');
    assert.deepEqual([health.host, health.http.port, health.http.listening], ['127.0.0.1', userPort, true]);
    assert.ok(!(await notificationTexts(page)).some((t) => /other settings/.test(t)), 'no "settings differ" notice: the workspace values do not count');
    await wb.screenshot('restricted');

    // trusted, the same folder's settings do apply: the receiver restarts on them
    await runCommand(page, 'Workspaces: Manage Workspace Trust');
    const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.waitFor({ timeout: 30_000 });
    await trust.click();
    await waitFor('the receiver restarted on the workspace settings', async () => {
      const h = await receiverApi(cs, '/api/health').catch(() => undefined);
      return h && h.http.port === workspacePort && h.host === '0.0.0.0';
    }, { timeout: 60_000 });
    await wb.screenshot('trusted');
  } catch (e) {
    await wb.screenshot('untrusted-failed').catch(() => {});
    throw e;
  } finally {
    await wb.close();
  }
});
