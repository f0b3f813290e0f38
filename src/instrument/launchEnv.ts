// The environment that makes a Node program load the Trace Explorer runtime (dist/instrument/register.js).
// Pure: the extension host (debug configurations, terminals) and `trace-explorer run` both use it; it never
// imports `vscode`. The user's own NODE_OPTIONS and OTEL_* settings win: we only add what is missing.

export type InstrumentMode = 'auto' | 'full' | 'locations' | 'off';

export interface InstrumentEnvOptions {
  /** absolute path of dist/instrument/register.js */
  registerPath: string;
  /** OTLP/HTTP base URL of the receiver, e.g. http://127.0.0.1:4318 */
  endpoint: string;
  serviceName?: string;
  mode?: InstrumentMode;
  /** the environment the program would start with (process.env or a launch configuration's env) */
  existing: Record<string, string | undefined>;
}

/** Set on traced programs; its value is the register path, so a child process is never preloaded twice. */
export const MARKER_VAR = 'TRACE_EXPLORER_RUNTIME';

const ENDPOINT_VARS = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];

/**
 * One NODE_OPTIONS word. Node splits NODE_OPTIONS on spaces and honours double quotes with backslash escapes,
 * so a path with spaces or backslashes (Windows) must be quoted and escaped.
 */
export function quoteNodeOption(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The words of a NODE_OPTIONS value, unquoted the way Node reads them. */
export function splitNodeOptions(value: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\' && i + 1 < value.length) cur += value[++i];
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') {
      quoted = true;
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** True when NODE_OPTIONS already preloads this register file (as `--require X`, `-r X` or `--require=X`). */
export function preloads(nodeOptions: string | undefined, registerPath: string): boolean {
  if (!nodeOptions) return false;
  const words = splitNodeOptions(nodeOptions);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if ((w === '--require' || w === '-r') && words[i + 1] === registerPath) return true;
    if (w === `--require=${registerPath}`) return true;
  }
  return false;
}

/** The variables to add to (or replace in) the program's environment. */
export function instrumentEnv(o: InstrumentEnvOptions): Record<string, string> {
  const env = o.existing;
  const out: Record<string, string> = {};
  const nodeOptions = env.NODE_OPTIONS ?? '';
  if (!preloads(nodeOptions, o.registerPath)) {
    const add = `--require ${quoteNodeOption(o.registerPath)}`;
    out.NODE_OPTIONS = nodeOptions.trim() ? `${nodeOptions.trim()} ${add}` : add;
  }
  if (!ENDPOINT_VARS.some((k) => (env[k] ?? '').trim() !== '')) out.OTEL_EXPORTER_OTLP_ENDPOINT = o.endpoint;
  if (o.serviceName && !(env.OTEL_SERVICE_NAME ?? '').trim()) out.OTEL_SERVICE_NAME = o.serviceName;
  if (o.mode && o.mode !== 'auto' && !(env.TRACE_EXPLORER_INSTRUMENT ?? '').trim()) out.TRACE_EXPLORER_INSTRUMENT = o.mode;
  out[MARKER_VAR] = o.registerPath;
  return out;
}
