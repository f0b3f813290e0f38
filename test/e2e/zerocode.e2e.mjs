// Zero-code tracing in a real workbench: an Express app with no OpenTelemetry dependency at all, started from
// the Run and Debug view with a plain Node launch configuration, fills the trace list; a code lens above each
// route handler shows that route's call count; Go to Source on a span opens the handler's line. Then the
// terminal toggle: `node ping.js` typed into an integrated terminal is traced while the toggle is on and not
// once it is off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, symlinkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  ROOT, openWorkbench, waitForReceiver, waitForHttpListening,
  receiverApi, clearTraces, waitFor, runCommand, quickOpen, activeEditorTab, cursorLine, codeLensTexts, webviewFrame,
  freePort, STATUS_BAR, useCodeServer,
} from './lib.mjs';

const cs = await useCodeServer({ name: 'zerocode' });

const SERVICE = 'shop-zero';
const APP = `'use strict';
const express = require('express');

const port = Number(process.env.PORT);
const app = express();

function stamp(req, res, next) {
  res.setHeader('x-served-by', 'shop-zero');
  next();
}
app.use(stamp);

app.get('/hello', (req, res) => {
  res.send('hello');
});

app.get('/users/:id', async function getUser(req, res) {
  const greeting = await fetch('http://127.0.0.1:' + port + '/hello').then((r) => r.text());
  res.json({ id: req.params.id, greeting });
});

app.listen(port, '127.0.0.1', () => console.log('listening on ' + port));
`;
// a script that serves one request to itself and exits: run from a terminal
const PING = `'use strict';
const http = require('node:http');
const tag = process.argv[2] || 'none';
const server = http.createServer((req, res) => res.end('pong'));
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  await fetch('http://127.0.0.1:' + port + '/ping-' + tag).then((r) => r.text());
  server.close();
  console.log('pinged ' + tag);
});
`;

function makeWorkspace() {
  const dir = join(cs.runDir, 'ws', SERVICE);
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: SERVICE, private: true, dependencies: { express: '*' } }, null, 2));
  writeFileSync(join(dir, 'app.js'), APP);
  writeFileSync(join(dir, 'ping.js'), PING);
  // express comes from the repo's node_modules (the app itself declares no OpenTelemetry package)
  try { symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir'); } catch {}
  return dir;
}

function lineOf(dir, file, needle) {
  const i = readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, needle);
  return i + 1;
}

async function tracesOf(service) {
  return (await receiverApi(cs, '/api/traces')).filter((t) => t.services.includes(service));
}

function attr(span, key) {
  const v = (span.attributes || []).find((a) => a.key === key)?.value;
  return v && (v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined));
}

test('F5 on an app without OpenTelemetry: traces, a lens per handler, Go to Source; terminal toggle', { timeout: 420_000 }, async () => {
  const dir = makeWorkspace();
  const port = await freePort();
  writeFileSync(join(dir, '.vscode', 'launch.json'), JSON.stringify({
    version: '0.2.0',
    configurations: [{ type: 'node', request: 'launch', name: 'Launch shop', program: '${workspaceFolder}/app.js', env: { PORT: String(port) } }],
  }, null, 2));
  const wb = await openWorkbench(cs, { name: 'zerocode', folder: dir });
  const { page } = wb;
  try {
    await waitForReceiver(cs);
    await waitForHttpListening(cs, 30_000);
    await clearTraces(cs);

    // Run and Debug: the plain launch configuration, as F5 starts it
    await runCommand(page, 'Debug: Start Debugging', { exact: true });
    await waitFor('the app to listen', async () => (await fetch(`http://127.0.0.1:${port}/hello`).then((r) => r.ok, () => false)), { timeout: 60_000 });
    // the probe above is not part of the counts: wait until it arrived, then clear
    await waitFor('the probe’s trace', async () => (await tracesOf(SERVICE)).length > 0, { timeout: 30_000 });
    await clearTraces(cs);
    for (let i = 0; i < 3; i++) assert.equal(await (await fetch(`http://127.0.0.1:${port}/hello`)).text(), 'hello');
    for (let i = 0; i < 2; i++) assert.equal((await (await fetch(`http://127.0.0.1:${port}/users/${i}`)).json()).greeting, 'hello');

    // the receiver holds the app's traces under its package name (5 requests from here + 2 it made itself)
    const traces = await waitFor('the app’s traces', async () => ((await tracesOf(SERVICE)).length >= 5 ? tracesOf(SERVICE) : false), { timeout: 30_000 });
    assert.ok(traces.some((t) => (t.rootTarget ?? t.rootName).includes('/users/')), JSON.stringify(traces.map((t) => t.rootName)));

    // what the runtime said about itself is in the extension's log folder (followed into the Trace Explorer log)
    const runtimeLogs = execFileSync('find', [cs.userDataDir, '-name', 'runtime.log'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    assert.ok(runtimeLogs.some((f) => /tracing shop-zero → http:\/\/127\.0\.0\.1:\d+ \(full\)/.test(readFileSync(f, 'utf8'))),
      `the runtime's startup line in ${runtimeLogs.join(', ') || 'no runtime.log'}`);

    // the trace list shows them
    await runCommand(page, 'Trace Explorer: Show Traces', { exact: true });
    const rows = page.locator('.sidebar .monaco-list-row', { hasText: 'GET /hello' });
    await rows.first().waitFor({ timeout: 30_000 });
    await wb.screenshot('trace-list');

    // every span the framework or the app started is placed in app.js
    const helloLine = lineOf(dir, 'app.js', "app.get('/hello'");
    const userLine = lineOf(dir, 'app.js', "app.get('/users/:id'");
    const fetchLine = lineOf(dir, 'app.js', 'await fetch(');
    const spans = [];
    for (const t of traces) {
      const full = await receiverApi(cs, `/api/traces/${t.traceId}`);
      for (const rs of full.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
    }
    const unplaced = spans.filter((s) => !String(attr(s, 'code.file.path') ?? '').endsWith('app.js'));
    assert.deepEqual(unplaced.map((s) => s.name), [], 'spans without a location in app.js');
    const server = (route) => spans.filter((s) => s.kind === 2 && (attr(s, 'http.route') === route));
    assert.ok(server('/hello').every((s) => attr(s, 'code.line.number') === helloLine), 'GET /hello server spans → the handler line');
    assert.ok(server('/users/:id').every((s) => attr(s, 'code.line.number') === userLine), 'GET /users/:id server spans → the handler line');
    assert.ok(spans.filter((s) => s.kind === 3).every((s) => attr(s, 'code.line.number') === fetchLine), 'fetch client spans → the fetch line');

    // a lens above each handler with that route's requests (the request and the framework's handler span are
    // counted apart): 5 for /hello (3 + 2 from /users), 2 for /users/:id
    await quickOpen(page, 'app.js');
    const lenses = await waitFor('lenses with the routes’ call counts', async () => {
      const t = await codeLensTexts(page);
      // (/users/:id's handler and the fetch line in it both count 2)
      return t.some((x) => x.includes('· 5 calls')) && t.filter((x) => x.includes('· 2 calls')).length >= 2 ? t : false;
    }, { timeout: 60_000 }).catch(async (e) => {
      await wb.screenshot('lens-missing');
      throw new Error(`${e.message}: ${JSON.stringify(await codeLensTexts(page))}`);
    });
    assert.ok(lenses.length >= 2);
    await wb.screenshot('handler-lenses');

    // Go to Source from the /users/:id server span opens the handler line
    await page.locator('.monaco-editor .codelens-decoration a', { hasText: '2 calls' }).first().click();
    const frame = webviewFrame(page);
    await frame.locator('[role="treegrid"]').waitFor({ timeout: 30_000 });
    const row = frame.locator('[role="row"]', { hasText: 'GET /users/:id' }).first();
    await row.waitFor({ timeout: 20_000 });
    await row.hover();
    await row.locator('button.src-btn').click();
    await activeEditorTab(page, 'app.js').waitFor({ timeout: 20_000 });
    await waitFor('the cursor on the /users/:id handler', async () => (await cursorLine(page)) === userLine, { timeout: 20_000 });
    await wb.screenshot('go-to-source');
    await runCommand(page, 'Debug: Stop', { exact: true }).catch(() => {});

    // terminals: traced while the toggle is on…
    await runCommand(page, 'Trace Explorer: Toggle Tracing of Node Programs in Terminals', { exact: true });
    await page.locator(STATUS_BAR).getByText('Terminals traced').waitFor({ timeout: 20_000 });
    const runInNewTerminal = async (cmd) => {
      await runCommand(page, 'Terminal: Create New Terminal', { exact: true });
      await page.locator('.terminal-wrapper.active .xterm').waitFor({ timeout: 30_000 });
      await page.waitForTimeout(1500); // the shell's prompt
      await page.locator('.terminal-wrapper.active .xterm').click();
      await page.keyboard.type(`cd ${JSON.stringify(dir)} && ${cmd}\n`);
    };
    await runInNewTerminal('node ping.js on');
    await waitFor('the terminal program’s trace', async () => (await tracesOf(SERVICE)).some((t) => (t.rootTarget ?? '').includes('/ping-on')), { timeout: 60_000 });
    await wb.screenshot('terminal-traced');

    // …and not once it is off
    await runCommand(page, 'Trace Explorer: Toggle Tracing of Node Programs in Terminals', { exact: true });
    await page.locator(STATUS_BAR).getByText('Terminals traced').waitFor({ state: 'hidden', timeout: 20_000 });
    await runInNewTerminal('node ping.js off && node -e "console.log(1)" > ping-off.done');
    await waitFor('the untraced program to finish', async () => {
      try { readFileSync(join(dir, 'ping-off.done')); return true; } catch { return false; }
    }, { timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 3000)); // longer than any export delay
    assert.ok(!(await tracesOf(SERVICE)).some((t) => (t.rootTarget ?? t.rootName).includes('/ping-off')), 'no trace from the untraced terminal');
  } finally {
    await wb.close();
  }
});
