#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }) and
// @vscode/test-cli's `useInstallation.fromPath`: no desktop VS Code can be downloaded on these machines, so
// this accepts the desktop CLI flags test-electron passes (--extensionDevelopmentPath=, --extensionTestsPath=,
// --user-data-dir=, --extensions-dir=, [folder]; the others are desktop-only and ignored), starts code-server
// (a real VS Code workbench + Node extension host) on a free loopback port, opens the workbench in headless
// Chromium with the development/test paths in the `payload` URL parameter (code-server's equivalent of those
// flags, enabled by --vscode-option enable-smoke-test-driver), relays the extension host's console (mocha's
// reporter) to stdout, and exits with the test runner's exit code.
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { format } from 'node:util';
import { startCodeServer, stopCodeServer, launchBrowser, BASE_SETTINGS, ROOT } from './lib.mjs';

// workbench chatter relayed with the extension host's console; E2E_VERBOSE=1 shows it
const WORKBENCH_NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional builtin|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Timed out waiting for authentication provider|Updating additional builtin extensions cache)/;

const dev = [];
let testsPath, userDataDir, extensionsDir, folder;
for (const a of process.argv.slice(2)) {
  const eq = a.indexOf('=');
  const k = eq > 0 ? a.slice(0, eq) : a;
  const v = eq > 0 ? a.slice(eq + 1) : '';
  if (k === '--extensionDevelopmentPath') dev.push(resolve(v));
  else if (k === '--extensionTestsPath') testsPath = resolve(v);
  else if (k === '--user-data-dir') userDataDir = resolve(v);
  else if (k === '--extensions-dir') extensionsDir = resolve(v);
  else if (!a.startsWith('-')) folder = resolve(a);
}
if (!testsPath || dev.length === 0) {
  console.error('code-server-test-shim: needs --extensionDevelopmentPath=… and --extensionTestsPath=…');
  process.exit(2);
}
userDataDir ??= resolve('.vscode-test/user-data');
extensionsDir ??= resolve('.vscode-test/extensions');
// the test-electron layout keeps user-data and extensions side by side; code-server's own state goes next to them
const runDir = resolve(userDataDir, '..', 'code-server-state');
const settingsFile = resolve(userDataDir, 'User', 'settings.json');

let cs;
let browser;
let exitCode = 1;
let cleaning;
const cleanup = () => (cleaning ??= (async () => {
  if (browser) await browser.close().catch(() => {});
  if (cs) await stopCodeServer(cs); // also stops the receiver the extension forked
})());
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => { console.error(`code-server-test-shim: ${sig}, stopping`); await cleanup(); process.exit(130); });
}

try {
  cs = await startCodeServer({
    name: 'test-electron', runDir, userDataDir, extensionsDir, install: 'none', workspace: folder ?? null,
    // keep a user's own settings in a reused user-data dir; otherwise the quiet defaults
    settings: existsSync(settingsFile) ? false : BASE_SETTINGS,
  });
  browser = await launchBrowser({ name: 'test-electron' });
  const { page } = browser;
  let onExit;
  const exited = new Promise((r) => { onExit = r; });
  await page.exposeFunction('codeAutomationExit', (code) => onExit(code));
  await page.exposeFunction('codeAutomationLog', (_type, args) => {
    const text = format(...args);
    if (process.env.E2E_VERBOSE || !WORKBENCH_NOISE.test(text)) console.log(text);
  });
  const authority = new URL(cs.url).host; // code-server takes the page's own host:port as the remote authority
  const remote = (p) => `vscode-remote://${authority}${p}`;
  const payload = [...dev.map((d) => ['extensionDevelopmentPath', remote(d)]), ['extensionTestsPath', remote(testsPath)]];
  const where = folder ? `folder=${encodeURIComponent(folder)}` : 'ew=true';
  await page.goto(`${cs.url}/?${where}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  const limit = Number(process.env.SHIM_TIMEOUT_MS || 600000);
  let timer;
  exitCode = await Promise.race([exited, new Promise((r) => {
    timer = setTimeout(() => { console.error(`code-server-test-shim: no result after ${limit} ms`); r(124); }, limit);
  })]);
  clearTimeout(timer);
  if (exitCode !== 0) {
    await page.screenshot({ path: resolve(process.env.E2E_ARTIFACTS || resolve(ROOT, 'artifacts/e2e'), 'test-electron-failed.png') }).catch(() => {});
  }
} catch (err) {
  console.error('code-server-test-shim:', err && err.stack || err);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
