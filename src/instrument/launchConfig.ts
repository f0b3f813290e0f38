// What a debug launch configuration needs to be traced: the Node runtime preloaded (node, pwa-node,
// node-terminal), or only the receiver's OTLP variables for runtimes whose own agents read them (Python,
// Java, .NET, Go). Pure (no vscode): the extension host's debug configuration provider calls it.
// The user's own values always win: env in the configuration, then its envFile, then the editor's environment.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { instrumentEnv, MARKER_VAR } from './launchEnv';

/** The debug types whose programs get the Node runtime. */
export const NODE_DEBUG_TYPES = ['node', 'pwa-node', 'node-terminal'] as const;
/** Debug types that only get the OTLP variables (their debuggers take an `env`). */
export const OTLP_ENV_DEBUG_TYPES = ['debugpy', 'python', 'java', 'coreclr', 'go'] as const;

export const PYTHON_DEBUG_TYPES: readonly string[] = ['debugpy', 'python'];

/** The launch configuration property that opts one configuration out: `"traceExplorer": false`. */
export const OPT_OUT_PROPERTY = 'traceExplorer';
/** Set on configurations this module changed (the debug console note reads it). */
export const TRACED_PROPERTY = '__traceExplorerTraced';

export interface LaunchConfig {
  type: string;
  request: string;
  name?: string;
  program?: string;
  cwd?: string;
  env?: Record<string, string | null | undefined>;
  envFile?: string;
  [key: string]: unknown;
}

export interface TraceLaunchOptions {
  registerPath: string;
  /** OTLP/HTTP base URL of the running receiver */
  endpoint: string;
  /** the receiver listens on the OTLP default ports (4318 and 4317): other SDKs reach it with their defaults */
  defaultPorts: boolean;
  /** the folder the configuration belongs to (its cwd when it names none) */
  folder?: string;
  /** the environment the debugger itself runs in (programs inherit it) */
  processEnv: Record<string, string | undefined>;
  /** Python launches: the folder of Trace Explorer's sitecustomize, when the interpreter has the distro */
  pythonRuntimeDir?: string;
}

export type TraceLaunchResult =
  | { traced: true; config: LaunchConfig; what: 'node' | 'python' | 'otlp-env'; serviceName?: string }
  | { traced: false; config: LaunchConfig; reason: string };

/** Reads a .env file as the debuggers do: KEY=value lines, `#` comments, optional quotes, `export ` prefix. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([\w.-]+)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if ((v.startsWith('"') && v.endsWith('"') && v.length >= 2) || (v.startsWith("'") && v.endsWith("'") && v.length >= 2)) {
      v = v.slice(1, -1);
      if (m[2].startsWith('"')) v = v.replace(/\\n/g, '\n');
    } else {
      v = v.replace(/\s+#.*$/, '');
    }
    out[m[1]] = v;
  }
  return out;
}

/** The project name nearest above `dir` (package.json, or pyproject.toml): the service name a developer expects. */
export function packageNameAbove(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  let d = path.resolve(dir);
  for (;;) {
    try {
      const j = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')) as { name?: unknown };
      if (typeof j.name === 'string' && j.name.trim()) return j.name.trim();
    } catch {
      // no package.json here (or not JSON): a Python project's pyproject.toml, else further up
      try {
        const toml = fs.readFileSync(path.join(d, 'pyproject.toml'), 'utf8');
        const m = /^\[(?:project|tool\.poetry)\][^[]*?^name\s*=\s*["']([^"'\n]+)["']/m.exec(toml);
        if (m) return m[1].trim();
      } catch {
        // neither: look further up
      }
    }
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

function envFileValues(config: LaunchConfig): Record<string, string> {
  if (typeof config.envFile !== 'string' || !config.envFile) return {};
  try {
    return parseEnvFile(fs.readFileSync(config.envFile, 'utf8'));
  } catch {
    return {}; // the debugger reports a missing envFile itself
  }
}

/** The environment the program would see without us: the debugger's, then envFile, then `env`. */
function effectiveEnv(config: LaunchConfig, processEnv: Record<string, string | undefined>): Record<string, string | undefined> {
  const own: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(config.env ?? {})) own[k] = v ?? undefined;
  return { ...processEnv, ...envFileValues(config), ...own };
}

/** Adds what makes the configuration's program traced, or says why it is left as it is. */
export function traceLaunchConfig(config: LaunchConfig, o: TraceLaunchOptions): TraceLaunchResult {
  if (config[OPT_OUT_PROPERTY] === false) {
    return { traced: false, config, reason: `"${OPT_OUT_PROPERTY}": false in the launch configuration` };
  }
  if (config.request !== 'launch') return { traced: false, config, reason: `request is "${config.request}", not launch` };
  const env = effectiveEnv(config, o.processEnv);
  if (env[MARKER_VAR]) return { traced: false, config, reason: 'the program is already traced (its environment loads the runtime)' };
  const dir = typeof config.program === 'string' && config.program ? path.dirname(config.program)
    : typeof config.cwd === 'string' && config.cwd ? config.cwd : o.folder;
  const serviceName = packageNameAbove(dir) ?? packageNameAbove(o.folder);
  let added: Record<string, string>;
  let what: 'node' | 'otlp-env';
  if ((NODE_DEBUG_TYPES as readonly string[]).includes(config.type)) {
    added = instrumentEnv({ registerPath: o.registerPath, endpoint: o.endpoint, serviceName, existing: env });
    what = 'node';
  } else if ((OTLP_ENV_DEBUG_TYPES as readonly string[]).includes(config.type)) {
    added = {};
    // Python with the OpenTelemetry distro: Trace Explorer's sitecustomize starts its auto-instrumentation
    // and adds code locations (src/instrument/python/)
    if (o.pythonRuntimeDir && PYTHON_DEBUG_TYPES.includes(config.type)) {
      const current = env.PYTHONPATH ?? '';
      if (!current.split(path.delimiter).includes(o.pythonRuntimeDir)) {
        added.PYTHONPATH = current ? `${o.pythonRuntimeDir}${path.delimiter}${current}` : o.pythonRuntimeDir;
      }
    }
    // on the default ports every SDK's defaults (gRPC or HTTP) already reach the receiver: nothing to say
    const endpointSet = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'].some((k) => (env[k] ?? '').trim());
    if (!o.defaultPorts && !endpointSet) {
      added.OTEL_EXPORTER_OTLP_ENDPOINT = o.endpoint;
      // the endpoint is OTLP/HTTP; SDKs that default to gRPC (Python, .NET, Go) must be told
      if (!(env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim()) added.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/protobuf';
    }
    if (serviceName && !(env.OTEL_SERVICE_NAME ?? '').trim()) added.OTEL_SERVICE_NAME = serviceName;
    if (Object.keys(added).length === 0) return { traced: false, config, reason: 'its environment already sets the OTLP endpoint and service name' };
    if (added.PYTHONPATH) {
      return { traced: true, what: 'python', serviceName, config: { ...config, env: { ...(config.env ?? {}), ...added }, [TRACED_PROPERTY]: 'python' } };
    }
    what = 'otlp-env';
  } else {
    return { traced: false, config, reason: `debug type "${config.type}" is not one Trace Explorer knows` };
  }
  return {
    traced: true, what, serviceName,
    config: { ...config, env: { ...(config.env ?? {}), ...added }, [TRACED_PROPERTY]: what },
  };
}
