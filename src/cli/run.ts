// `trace-explorer run [options] -- <command> [args…]` — runs any Node command traced: the child gets the
// environment that preloads dist/instrument/register.js (see src/instrument/launchEnv.ts), inherits stdio,
// and its exit code or signal becomes ours. Like `opentelemetry-instrument` for Python.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { instrumentEnv, type InstrumentMode } from '../instrument/launchEnv';
import { STATE_FILE, isAlive } from '../host/receiverProcess';

export const RUN_USAGE = `usage: trace-explorer run [options] -- <command> [args…]

Runs a Node program (node app.js, npm run dev, npx tsx src/main.ts, …) with OpenTelemetry tracing: every
span carries the file and line of the code that produced it (code.file.path, code.line.number).

options:
  --endpoint URL     OTLP/HTTP receiver (default: the editor's running receiver, else http://127.0.0.1:4318;
                     an OTEL_EXPORTER_OTLP_ENDPOINT already in the environment wins over both defaults)
  --service NAME     service.name (default: OTEL_SERVICE_NAME, else the nearest package.json's name)
  --mode MODE        auto (default): full tracing, or only code locations when the app brings its own
                     OpenTelemetry SDK; full: always our SDK; locations: only code locations; off
  -h, --help         this help

Environment the program sees: NODE_OPTIONS gains --require <register.js>; TRACE_EXPLORER_LOG=<file> sends
the runtime's diagnostics to a file; TRACE_EXPLORER_QUIET=1 silences its one startup line.
`;

class UsageError extends Error {}

interface RunArgs {
  endpoint?: string;
  service?: string;
  mode?: InstrumentMode;
  command: string[];
}

export function parseRunArgs(args: string[]): RunArgs | 'help' {
  const out: RunArgs = { command: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      out.command = args.slice(i + 1);
      break;
    }
    if (a === '-h' || a === '--help') return 'help';
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const takeValue = (): string => {
      if (eq > 0 && a.startsWith('--')) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined || v === '--') throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '--endpoint') {
      const v = takeValue();
      if (!/^https?:\/\/[^\s/]+/i.test(v)) throw new UsageError(`--endpoint must be an http(s) URL, got ${JSON.stringify(v)}`);
      out.endpoint = v.replace(/\/+$/, '');
    } else if (name === '--service') {
      const v = takeValue().trim();
      if (!v) throw new UsageError('--service needs a non-empty name');
      out.service = v;
    } else if (name === '--mode') {
      const v = takeValue();
      if (v !== 'auto' && v !== 'full' && v !== 'locations' && v !== 'off') throw new UsageError(`--mode must be auto, full, locations or off, got ${JSON.stringify(v)}`);
      out.mode = v;
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${JSON.stringify(a)} (the command goes after --)`);
    } else {
      // `trace-explorer run node app.js` without `--`: take the rest as the command
      out.command = args.slice(i);
      break;
    }
  }
  if (out.command.length === 0) throw new UsageError('no command to run (put it after --)');
  return out;
}

/** The global-storage folders where an editor keeps this extension's receiver state file. */
export function stateFileCandidates(env: NodeJS.ProcessEnv): string[] {
  const home = os.homedir();
  const users = [
    path.join(home, '.config', 'Code', 'User'),
    path.join(home, '.config', 'Code - Insiders', 'User'),
    path.join(home, '.config', 'VSCodium', 'User'),
    path.join(home, '.local', 'share', 'code-server', 'User'),
    path.join(home, '.vscode-server', 'data', 'User'),
    path.join(home, '.vscode-server-insiders', 'data', 'User'),
    path.join(home, 'Library', 'Application Support', 'Code', 'User'),
  ];
  if (env.APPDATA) users.push(path.join(env.APPDATA, 'Code', 'User'));
  const files = users.map((u) => path.join(u, 'globalStorage', 'trace-explorer.trace-explorer', STATE_FILE));
  if (env.TRACE_EXPLORER_STATE_FILE) files.unshift(env.TRACE_EXPLORER_STATE_FILE);
  return files;
}

/** The OTLP/HTTP endpoint of a running editor receiver, from its state file, or undefined. */
export function editorReceiverEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  for (const file of stateFileCandidates(env)) {
    try {
      const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown; http?: unknown; host?: unknown };
      if (typeof j.pid !== 'number' || !isAlive(j.pid)) continue;
      if (typeof j.http !== 'number' || !(j.http > 0 && j.http < 65536)) continue;
      const host = typeof j.host === 'string' && j.host && j.host !== '0.0.0.0' && j.host !== '::' ? j.host : '127.0.0.1';
      return `http://${host.includes(':') ? `[${host}]` : host}:${j.http}`;
    } catch {
      // missing or unreadable: try the next editor
    }
  }
  return undefined;
}

function registerPath(): string {
  // dist/cli.js → dist/instrument/register.js (out/src/cli/run.js in the unit tests → the built dist/ too)
  const besides = path.join(__dirname, 'instrument', 'register.js');
  if (fs.existsSync(besides)) return besides;
  return path.resolve(__dirname, '..', '..', '..', 'dist', 'instrument', 'register.js');
}

export async function run(args: string[]): Promise<number> {
  let parsed: RunArgs | 'help';
  try {
    parsed = parseRunArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`trace-explorer run: ${e.message}\n\n${RUN_USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  const reg = registerPath();
  if (!fs.existsSync(reg)) {
    process.stderr.write(`trace-explorer run: the tracing runtime is missing (${reg}); rebuild or reinstall the extension\n`);
    return 1;
  }
  const env = { ...process.env };
  const endpoint = parsed.endpoint ?? editorReceiverEndpoint(env) ?? 'http://127.0.0.1:4318';
  const add = instrumentEnv({ registerPath: reg, endpoint, serviceName: parsed.service, existing: env });
  // explicit flags win over what the environment already says
  if (parsed.endpoint) {
    add.OTEL_EXPORTER_OTLP_ENDPOINT = parsed.endpoint;
    delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  }
  if (parsed.service) add.OTEL_SERVICE_NAME = parsed.service;
  if (parsed.mode) add.TRACE_EXPLORER_INSTRUMENT = parsed.mode;
  const [cmd, ...rest] = parsed.command;
  // npm, npx and friends are .cmd files on Windows; a shell finds them
  const child = spawn(cmd, rest, { stdio: 'inherit', env: { ...env, ...add }, shell: process.platform === 'win32' });
  // Ctrl-C reaches the whole foreground group (the child too); forward what is sent to us alone
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handlers = signals.map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return new Promise<number>((resolve) => {
    child.on('error', (e) => {
      for (const [s, h] of handlers) process.removeListener(s, h);
      process.stderr.write(`trace-explorer run: cannot start ${JSON.stringify(cmd)}: ${e.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      for (const [s, h] of handlers) process.removeListener(s, h);
      if (signal) {
        // die of the same signal, so our parent sees what the program did
        process.kill(process.pid, signal);
        setTimeout(() => resolve(128 + (os.constants.signals[signal] ?? 0)), 100);
        return;
      }
      resolve(code ?? 1);
    });
  });
}
