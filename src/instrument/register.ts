// dist/instrument/register.js — preloaded into the user's program (`node --require …/register.js app.js`,
// usually through NODE_OPTIONS). Decides the mode, starts tracing, registers the ESM loader hook, and says in
// one line what it did. Anything that goes wrong here leaves the program running untraced, with one line why.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isLauncher, logLine, readSettings, type RuntimeMode } from './settings';

const STATE_KEY = Symbol.for('trace-explorer.runtime');

function registerEsmHook(dir: string, include: string[]): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('node:module') as { register?: (specifier: string, parent: string, options: object) => void };
  if (typeof mod.register !== 'function') return 'ESM imports are not instrumented (this Node has no module.register; 18.19+/20.6+ has)';
  mod.register(pathToFileURL(path.join(dir, 'iitm', 'hook.mjs')).href, pathToFileURL(`${dir}${path.sep}`).href, { data: { include } });
  return undefined;
}

/** Flush spans when the program ends, without changing how it ends. */
function flushOnExit(flush: () => Promise<unknown>): void {
  let flushed = false;
  const once = (): Promise<unknown> => {
    if (flushed) return Promise.resolve();
    flushed = true;
    return flush().catch(() => undefined);
  };
  // beforeExit: the loop is empty; the flush's request keeps it alive, then the program exits as it would have
  process.on('beforeExit', () => void once());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const handler = () => {
      // the program handles this signal itself: just flush alongside
      if (process.listenerCount(signal) > 1) {
        void once();
        return;
      }
      const timer = setTimeout(reraise, 1500);
      timer.unref();
      void once().then(reraise);
      function reraise() {
        clearTimeout(timer);
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, handler);
  }
}

function start(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[STATE_KEY]) return; // preloaded twice (--require and --import, or a child that inherits both)
  g[STATE_KEY] = true;
  // preloads run in every thread, also in the ESM loader-hooks thread module.register starts: trace the main one
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!(require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread) return;
  const env = process.env;
  if (isLauncher(process.argv[1])) {
    logLine(env, `not tracing the launcher ${process.argv[1]}; the program it starts is traced`, false);
    return;
  }
  const settings = readSettings(env, process.argv, process.cwd());
  let mode: RuntimeMode = settings.mode;
  if (mode === 'off') {
    logLine(env, 'tracing is off (TRACE_EXPLORER_INSTRUMENT=off)', false);
    return;
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 18) {
    logLine(env, `tracing is off: Node ${process.versions.node} is older than 18`, true);
    return;
  }
  let why = '';
  if (mode === 'auto') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ownSdkReason } = require('./detect') as typeof import('./detect');
    const reason = ownSdkReason(env, process.execArgv, settings.packageJson);
    mode = reason ? 'locations' : 'full';
    if (reason) why = `, the app brings its own OpenTelemetry SDK: ${reason}`;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./sourceMaps') as typeof import('./sourceMaps')).watchCompiledSources();
  if (mode === 'locations') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startLocationsMode } = require('./locationsMode') as typeof import('./locationsMode');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { attributeAppKoaInstrumentation, attributeExpressLayers, attributeFastify } = require('./frameworks') as typeof import('./frameworks');
    attributeFastify();
    attributeExpressLayers();
    attributeAppKoaInstrumentation();
    startLocationsMode((provider) => logLine(env, `adding code locations to the spans of the app's ${provider}`, false));
    logLine(env, `code locations only for ${settings.serviceName} (locations mode${why}); its own exporter is unchanged`, true);
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk, ESM_MODULES } = require('./sdk') as typeof import('./sdk');
  const { provider, failed } = startSdk(settings);
  flushOnExit(() => provider.forceFlush());
  let esmNote: string | undefined;
  try {
    esmNote = registerEsmHook(__dirname, ESM_MODULES);
  } catch (e) {
    esmNote = `ESM imports are not instrumented: ${(e as Error).message}`;
  }
  const endpoint = settings.tracesUrl.replace(/\/v1\/traces$/, '');
  logLine(env, `tracing ${settings.serviceName} → ${endpoint} (full${why})`, true);
  if (failed.length) logLine(env, `instrumentations that did not load: ${failed.join(', ')}`, false);
  if (esmNote) logLine(env, esmNote, false);
}

try {
  start();
} catch (e) {
  logLine(process.env, `tracing is off: ${(e as Error)?.message ?? String(e)}`, true);
}
