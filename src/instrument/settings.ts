// What the runtime reads from the environment: the standard OTEL_* variables plus TRACE_EXPLORER_INSTRUMENT,
// TRACE_EXPLORER_LOG and TRACE_EXPLORER_QUIET. Runs inside the user's program: only fs/path, never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type RuntimeMode = 'auto' | 'full' | 'locations' | 'off';

export interface RuntimeSettings {
  mode: RuntimeMode;
  /** full URL of the traces endpoint (…/v1/traces) */
  tracesUrl: string;
  serviceName: string;
  /** where the nearest package.json is (undefined when none was found) */
  packageJson?: string;
}

export const DEFAULT_ENDPOINT = 'http://localhost:4318';

export function parseMode(value: string | undefined): RuntimeMode {
  const v = (value ?? '').trim().toLowerCase();
  return v === 'full' || v === 'locations' || v === 'off' ? v : 'auto';
}

/**
 * The receiver's endpoint as the editor's terminal tracing sets it: used only when the user's environment names
 * no OTLP endpoint (a terminal cannot set OTEL_EXPORTER_OTLP_ENDPOINT without overriding the user's own).
 */
export const ENDPOINT_FALLBACK_VAR = 'TRACE_EXPLORER_OTLP_ENDPOINT';

/** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as is; the general endpoint gets /v1/traces appended (spec). */
export function tracesUrl(env: NodeJS.ProcessEnv): string {
  const traces = (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '').trim();
  if (traces) return traces;
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() || (env[ENDPOINT_FALLBACK_VAR] ?? '').trim() || DEFAULT_ENDPOINT;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** The nearest package.json at or above dir, or undefined. */
export function nearestPackageJson(dir: string): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    const p = path.join(d, 'package.json');
    if (fs.existsSync(p)) return p;
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

export function readPackageJson(file: string | undefined): Record<string, unknown> | undefined {
  if (!file) return undefined;
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return j && typeof j === 'object' ? (j as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** OTEL_SERVICE_NAME, else service.name in OTEL_RESOURCE_ATTRIBUTES, else package name, else the script name. */
export function serviceName(env: NodeJS.ProcessEnv, entry: string | undefined, cwd: string): { name: string; packageJson?: string } {
  // a main script under node_modules is a runner that loads the app in this process (ts-node, babel-node):
  // the project is where it was started from
  if (entry && /[\\/]node_modules[\\/]/.test(path.resolve(entry))) entry = undefined;
  const start = entry ? path.dirname(path.resolve(entry)) : cwd;
  const packageJson = nearestPackageJson(start);
  const explicit = (env.OTEL_SERVICE_NAME ?? '').trim();
  if (explicit) return { name: explicit, packageJson };
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === 'service.name') {
      const v = decodeURIComponentSafe(pair.slice(eq + 1).trim());
      if (v) return { name: v, packageJson };
    }
  }
  const pkgName = readPackageJson(packageJson)?.name;
  if (typeof pkgName === 'string' && pkgName) return { name: pkgName, packageJson };
  const base = entry ? path.basename(entry).replace(/\.[cm]?[jt]s$/, '') : path.basename(cwd);
  return { name: base || 'node', packageJson };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Launchers that only start the real program in a child process (which inherits NODE_OPTIONS and is traced
 * itself): tracing them would add a second startup line and the package manager's own requests.
 */
const LAUNCHER = /[\\/]node_modules[\\/](npm|pnpm|yarn|corepack|nodemon|tsx[\\/]dist[\\/]cli\.[cm]?js)([\\/]|$)|[\\/](npm|npx|pnpm|pnpx|yarn|yarnpkg|corepack)(-cli)?(\.c?js)?$/;

/** True for a launcher script, as given (node_modules/.bin/tsx is a link) or after following links. */
const BIN_LAUNCHER = /[\\/]node_modules[\\/]\.bin[\\/](npm|npx|pnpm|yarn|corepack|nodemon|tsx)(\.cmd)?$/;

export function isLauncher(script: string | undefined): boolean {
  if (!script) return false;
  if (LAUNCHER.test(script) || BIN_LAUNCHER.test(script)) return true;
  try {
    return LAUNCHER.test(fs.realpathSync(script));
  } catch {
    return false;
  }
}

export function readSettings(env: NodeJS.ProcessEnv, argv: string[], cwd: string): RuntimeSettings {
  const svc = serviceName(env, argv[1], cwd);
  return { mode: parseMode(env.TRACE_EXPLORER_INSTRUMENT), tracesUrl: tracesUrl(env), serviceName: svc.name, packageJson: svc.packageJson };
}

/**
 * The runtime's own diagnostics: appended to TRACE_EXPLORER_LOG when set, else written to stderr — and to
 * stderr only the lines marked `startup` (one line per program), never with TRACE_EXPLORER_QUIET=1.
 */
export function logLine(env: NodeJS.ProcessEnv, message: string, startup: boolean): void {
  const line = `trace-explorer: ${message}\n`;
  try {
    const file = (env.TRACE_EXPLORER_LOG ?? '').trim();
    if (file) fs.appendFileSync(file, `${new Date().toISOString()} pid ${process.pid} ${line}`);
    else if (startup && env.TRACE_EXPLORER_QUIET !== '1') process.stderr.write(line);
  } catch {
    // a log we cannot write must not stop the program
  }
}
