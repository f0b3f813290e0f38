// A port conflict resolved from the notification: the receiver's OTLP/HTTP port is held by another program,
// the window still activates, says which port, and "Choose Another Port" (input box with a free port already
// filled in) writes the setting and restarts the receiver on the new port, where an app's spans then arrive.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  startCodeServer, stopCodeServer, openWorkbench, holdPort, freePort, waitForStatusBarText, waitForNotification,
  startSampleApp, receiverApi, waitFor, userSettingsFile,
} from './lib.mjs';

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
  } catch (e) {
    await wb.screenshot('failed').catch(() => {});
    throw e;
  } finally {
    if (app) await app.stop();
    await wb.close();
    await blocker.close();
  }
});
