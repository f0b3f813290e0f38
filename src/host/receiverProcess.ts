// Finding, starting and stopping the shared receiver process (dist/receiver.js). Node only — no editor API —
// so it is tested in plain Node against the real receiver (test/unit/host-receiverProcess.test.js).
//
// Files in the extension's global storage folder (one per user, shared by all windows):
//   receiver.json  state file written by the receiver (mode 0600): {pid, apiPort, token, host, http, grpc, version}
//   receiver.lock  taken (O_EXCL, holding our pid) by the window that is starting a receiver, so two windows
//                  opening at once do not start two (the second waits for the first one's state file)
//   receiver.log   the receiver's stdout/stderr; it outlives the window, so it cannot write to a pipe of ours
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiClient } from '../receiver/apiClient';
import type { HealthInfo, ListeningLine } from '../protocol/api';

export interface ReceiverSettings {
  host: string;
  httpPort: number;
  grpcPort: number;
  maxSpans: number;
  maxBytes: number;
  maxBody: number;
  cors: readonly string[];
  idleExitMs: number;
  /** the persistent store's directory; memory only when absent */
  storeDir?: string;
  storeMaxBytes?: number;
  storeMaxAgeDays?: number;
}

export interface ReceiverState {
  pid: number;
  apiPort: number;
  token: string;
  host?: string;
  http?: number | null;
  grpc?: number | null;
  version?: string;
}

export interface Connected {
  client: ApiClient;
  health: HealthInfo;
  /** true when this call started the process */
  started: boolean;
}

export interface Logger {
  info(m: string): void;
  warn(m: string): void;
  debug(m: string): void;
}

export const STATE_FILE = 'receiver.json';
export const LOCK_FILE = 'receiver.lock';
export const LOG_FILE = 'receiver.log';
const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

export function receiverArgv(s: ReceiverSettings, stateFile: string): string[] {
  return [
    '--host', s.host,
    '--http-port', String(s.httpPort),
    '--grpc-port', String(s.grpcPort),
    '--max-spans', String(s.maxSpans),
    '--max-bytes', String(s.maxBytes),
    '--max-body', String(s.maxBody),
    '--cors', s.cors.join(','),
    '--state-file', stateFile,
    '--idle-exit-ms', String(s.idleExitMs),
    ...(s.storeDir === undefined ? [] : ['--store', s.storeDir]),
    ...(s.storeDir !== undefined && s.storeMaxBytes !== undefined ? ['--store-max-bytes', String(s.storeMaxBytes)] : []),
    ...(s.storeDir !== undefined && s.storeMaxAgeDays !== undefined ? ['--store-max-age-days', String(s.storeMaxAgeDays)] : []),
  ];
}

const isPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 65536;

/** Reads and checks the state file; undefined when missing or not usable (a half-written or foreign file). */
export function readState(file: string): ReceiverState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const j = JSON.parse(text) as Partial<ReceiverState>;
    if (typeof j.pid !== 'number' || !Number.isInteger(j.pid) || j.pid <= 0) return undefined;
    if (!isPort(j.apiPort) || typeof j.token !== 'string' || j.token.length === 0) return undefined;
    return j as ReceiverState;
  } catch {
    return undefined;
  }
}

export function parseListeningLine(line: string): ListeningLine | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const j = JSON.parse(t) as Partial<ListeningLine>;
    if (j.event !== 'listening' || !isPort(j.api) || typeof j.token !== 'string') return undefined;
    return j as ListeningLine;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A process's command line as its arguments: /proc on Linux, `ps` elsewhere; undefined when unknown. */
export function commandLineOf(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
  } catch {
    // no /proc (macOS) or the process is gone
  }
  if (process.platform === 'win32') return undefined;
  try {
    const out = execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out ? out.split(/\s+/) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the process is a receiver started on this state file: its command line names the receiver
 * program and `--state-file <this file>`. A state file left by a crash can name a pid the system has since
 * given to an unrelated process, which must never be signalled.
 */
export function isReceiverProcess(pid: number, receiverScript: string, stateFile: string): boolean {
  const args = commandLineOf(pid);
  if (!args) return false;
  const at = args.indexOf('--state-file');
  const script = path.basename(receiverScript);
  return at >= 0 && args[at + 1] === stateFile && args.some((a) => path.basename(a) === script);
}

/** Compares dotted versions numerically ("0.10.0" > "0.9.1"); non-numeric parts compare as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export class ReceiverProcess {
  readonly stateFile: string;
  readonly lockFile: string;
  readonly logFile: string;

  constructor(
    readonly storageDir: string,
    private readonly nodePath: string,
    private readonly receiverScript: string,
    private readonly log: Logger,
  ) {
    this.stateFile = path.join(storageDir, STATE_FILE);
    this.lockFile = path.join(storageDir, LOCK_FILE);
    this.logFile = path.join(storageDir, LOG_FILE);
  }

  /** The receiver named by the state file, if it is alive and answers with its token. */
  async findRunning(): Promise<Connected | undefined> {
    const state = readState(this.stateFile);
    if (!state) return undefined;
    if (!isAlive(state.pid)) {
      this.log.debug(`state file names pid ${state.pid}, which is gone`);
      return undefined;
    }
    const client = new ApiClient({ port: state.apiPort, token: state.token, timeoutMs: 5000 });
    try {
      const health = await client.health();
      return { client, health, started: false };
    } catch (e) {
      client.dispose();
      this.log.debug(`receiver pid ${state.pid} on API port ${state.apiPort} did not answer: ${(e as Error).message}`);
      return undefined;
    }
  }

  /**
   * Connects to the running receiver or starts one. Two windows calling this at once end up with the same
   * receiver: the one that gets the lock starts it, the other waits for the state file.
   */
  async connectOrStart(settings: ReceiverSettings, startTimeoutMs = 20_000): Promise<Connected> {
    const running = await this.findRunning();
    if (running) return running;
    fs.mkdirSync(this.storageDir, { recursive: true });
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (this.tryLock()) {
        try {
          // someone may have finished starting one between our look and the lock
          const again = await this.findRunning();
          if (again) return again;
          return await this.start(settings, Math.max(1000, deadline - Date.now()));
        } finally {
          this.unlock();
        }
      }
      // another window is starting it: wait for its state file
      await sleep(150);
      const other = await this.findRunning();
      if (other) return other;
      if (Date.now() > deadline) {
        throw new Error(`another VS Code window has been starting the receiver for ${Math.round(startTimeoutMs / 1000)} s without result (lock file ${this.lockFile})`);
      }
    }
  }

  /** The pid named by the state file when that process is alive (it may not answer yet). */
  findRunningPid(): number | undefined {
    const state = readState(this.stateFile);
    return state && isAlive(state.pid) ? state.pid : undefined;
  }

  /**
   * Replaces the running receiver with one started with `settings`, holding the start lock throughout so
   * other windows (which reconnect when their event stream ends) wait for the new one instead of starting
   * their own. When another window already restarted it since `requestedAt` with the same ports and
   * limits (a user setting changes in every window at once), that one is kept.
   */
  async restart(settings: ReceiverSettings, requestedAt: number, timeoutMs = 20_000): Promise<Connected> {
    fs.mkdirSync(this.storageDir, { recursive: true });
    const deadline = Date.now() + timeoutMs;
    while (!this.tryLock()) {
      if (Date.now() > deadline) throw new Error(`another VS Code window holds the receiver start lock (${this.lockFile})`);
      await sleep(100);
    }
    try {
      const running = await this.findRunning();
      if (running) {
        if (running.health.startedAt >= requestedAt && matches(running.health, settings)) return running;
        running.client.dispose();
        // the pid comes from the receiver itself, over the API with its token
        await this.stop(running.health.pid, 4000, true);
      } else {
        // a pid from the state file alone: signalled only when its command line is one of our receivers
        const pid = this.findRunningPid();
        if (pid !== undefined) await this.stop(pid);
      }
      return await this.start(settings, Math.max(1000, deadline - Date.now()));
    } finally {
      this.unlock();
    }
  }

  /** Takes the start lock; clears a lock left by a window that died while starting. */
  private tryLock(): boolean {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(this.lockFile, 'wx', 0o600);
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let owner = NaN;
      let ageMs = 0;
      try {
        owner = Number.parseInt(fs.readFileSync(this.lockFile, 'utf8'), 10);
        ageMs = Date.now() - fs.statSync(this.lockFile).mtimeMs;
      } catch {
        continue; // removed meanwhile: try again
      }
      // a lock whose owner is gone, or older than any start could take, is stale
      const stale = !Number.isInteger(owner) || !isAlive(owner) || ageMs > 60_000;
      if (!stale) return false;
      this.log.info(`removing a stale start lock (pid ${owner}, ${Math.round(ageMs / 1000)} s old)`);
      try {
        fs.unlinkSync(this.lockFile);
      } catch {
        // someone else removed it first
      }
    }
    return false;
  }

  private unlock(): void {
    try {
      if (fs.readFileSync(this.lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(this.lockFile);
    } catch {
      // already gone
    }
  }

  private openLog(): number {
    try {
      if (fs.statSync(this.logFile).size > LOG_ROTATE_BYTES) fs.renameSync(this.logFile, `${this.logFile}.1`);
    } catch {
      // no log yet
    }
    return fs.openSync(this.logFile, 'a', 0o600);
  }

  /** Starts a receiver (detached: it outlives this window) and waits for its listening line. */
  private async start(settings: ReceiverSettings, timeoutMs: number): Promise<Connected> {
    if (!fs.existsSync(this.receiverScript)) throw new Error(`the receiver program is missing: ${this.receiverScript}`);
    const fd = this.openLog();
    const offset = fs.fstatSync(fd).size;
    const args = receiverArgv(settings, this.stateFile);
    this.log.info(`starting receiver: ${path.basename(this.receiverScript)} ${args.join(' ')}`);
    let exited: string | undefined;
    const child = spawn(this.nodePath, [this.receiverScript, ...args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      windowsHide: true,
      // desktop VS Code's execPath is Electron: make it behave as plain Node
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    fs.closeSync(fd);
    child.on('error', (e) => (exited = `could not run ${this.nodePath}: ${e.message}`));
    child.on('exit', (code, signal) => (exited = `the receiver exited (${signal ?? `code ${code}`})`));
    child.unref();

    const deadline = Date.now() + timeoutMs;
    let listening: ListeningLine | undefined;
    while (!listening) {
      listening = this.findListening(offset, child.pid);
      if (listening) break;
      if (exited !== undefined) throw new Error(`${exited} before listening. Its output:\n${this.tail(offset)}`);
      if (Date.now() > deadline) {
        if (child.pid) this.kill(child.pid);
        throw new Error(`the receiver did not report listening within ${Math.round(timeoutMs / 1000)} s. Its output:\n${this.tail(offset)}`);
      }
      await sleep(50);
    }
    if (listening.errors?.http) this.log.warn(`OTLP/HTTP port: ${listening.errors.http}`);
    if (listening.errors?.grpc) this.log.warn(`OTLP/gRPC port: ${listening.errors.grpc}`);
    const client = new ApiClient({ port: listening.api, token: listening.token, timeoutMs: 5000 });
    const health = await client.health();
    this.log.info(`receiver pid ${health.pid} started: API ${client.url}, OTLP/HTTP ${portText(health.http)}, OTLP/gRPC ${portText(health.grpc)}`);
    return { client, health, started: true };
  }

  private findListening(offset: number, pid: number | undefined): ListeningLine | undefined {
    const text = this.readFrom(offset);
    for (const line of text.split('\n')) {
      const l = parseListeningLine(line);
      if (l && (pid === undefined || l.pid === undefined || l.pid === pid)) return l;
    }
    return undefined;
  }

  private readFrom(offset: number, max = 256 * 1024): string {
    try {
      const fd = fs.openSync(this.logFile, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        const len = Math.min(max, Math.max(0, size - offset));
        const buf = Buffer.alloc(len);
        fs.readSync(fd, buf, 0, len, offset);
        return buf.toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return '';
    }
  }

  private tail(offset: number): string {
    const lines = this.readFrom(offset).trimEnd().split('\n');
    return lines.slice(-20).join('\n') || '(nothing)';
  }

  private kill(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }

  /**
   * Stops a receiver (SIGTERM, then SIGKILL after `graceMs`) and waits until it is gone. The process is
   * signalled only when it is known to be our receiver: `verified` (it told us its pid over the API), or
   * its command line says so. Otherwise the state file is stale and only the file goes.
   */
  async stop(pid: number, graceMs = 4000, verified = false): Promise<void> {
    if (!isAlive(pid)) return;
    if (!verified && !isReceiverProcess(pid, this.receiverScript, this.stateFile)) {
      this.log.warn(`the receiver state file names pid ${pid}, which is not a Trace Explorer receiver (the pid was reused after a crash?); not signalling it`);
      this.removeStateFileOf(pid);
      return;
    }
    this.kill(pid);
    const deadline = Date.now() + graceMs;
    while (isAlive(pid)) {
      if (Date.now() > deadline) {
        // checked again: in these seconds the receiver may have exited and its pid been reused
        if (!isReceiverProcess(pid, this.receiverScript, this.stateFile) && !verified) break;
        this.log.warn(`receiver pid ${pid} did not stop within ${graceMs} ms; killing it`);
        this.kill(pid, 'SIGKILL');
        await sleep(100);
        break;
      }
      await sleep(50);
    }
    this.removeStateFileOf(pid);
  }

  private removeStateFileOf(pid: number): void {
    // a receiver killed hard leaves its state file (and a stale one names a reused pid): remove it when it
    // still names that pid
    const state = readState(this.stateFile);
    if (state?.pid === pid) {
      try {
        fs.unlinkSync(this.stateFile);
      } catch {
        // gone meanwhile
      }
    }
  }
}

/**
 * How a running receiver differs from what `s` asks for, one phrase each for the user ("OTLP/HTTP port 14318
 * (it has 4318)"); empty when it matches. A port asked for that is not open (held by another program) matches:
 * restarting cannot help. Port 0 asks for any port that listens. A receiver that does not report its body
 * limit, origins or idle time is not compared on them.
 */
export function settingsDifferences(h: HealthInfo, s: ReceiverSettings): string[] {
  const d: string[] = [];
  if (h.host !== s.host) d.push(`host ${s.host} (it has ${h.host})`);
  const port = (label: string, asked: number, st: HealthInfo['http']) => {
    if (asked === 0 ? !st.listening : st.port !== asked) d.push(`${label} port ${asked === 0 ? 'any free one' : asked} (it has ${st.port})`);
  };
  port('OTLP/HTTP', s.httpPort, h.http);
  port('OTLP/gRPC', s.grpcPort, h.grpc);
  const n = (x: number) => x.toLocaleString('en-US');
  if (h.maxSpans !== s.maxSpans) d.push(`at most ${n(s.maxSpans)} spans (it keeps ${n(h.maxSpans)})`);
  const mb = (x: number) => n(Math.round(x / 1024 / 1024));
  if (h.maxBytes !== s.maxBytes) d.push(`${mb(s.maxBytes)} MB of spans (it keeps ${mb(h.maxBytes)} MB)`);
  if (h.maxBody !== undefined && h.maxBody !== s.maxBody) d.push(`requests up to ${n(s.maxBody)} bytes (it takes ${n(h.maxBody)})`);
  if (h.cors !== undefined && h.cors.join(' ') !== s.cors.join(' ')) {
    d.push(`browser origins ${s.cors.join(' ') || 'none'} (it allows ${h.cors.join(' ') || 'none'})`);
  }
  if (h.idleExitMs !== undefined && h.idleExitMs !== s.idleExitMs) {
    d.push(`an idle exit after ${n(s.idleExitMs / 1000)} s (it has ${n(h.idleExitMs / 1000)} s)`);
  }
  if (s.storeDir !== undefined && !h.store) d.push(`traces kept on disk in ${s.storeDir} (it keeps them in memory only)`);
  else if (s.storeDir === undefined && h.store) d.push(`traces in memory only (it keeps them on disk in ${h.store.dir})`);
  else if (s.storeDir !== undefined && h.store) {
    if (path.resolve(s.storeDir) !== path.resolve(h.store.dir)) d.push(`traces kept in ${s.storeDir} (it keeps them in ${h.store.dir})`);
    if (s.storeMaxBytes !== undefined && s.storeMaxBytes !== h.store.maxDiskBytes) d.push(`${mb(s.storeMaxBytes)} MB on disk (it keeps ${mb(h.store.maxDiskBytes)} MB)`);
    if (s.storeMaxAgeDays !== undefined && s.storeMaxAgeDays * 86_400_000 !== h.store.maxAgeMs) {
      d.push(`traces for ${n(s.storeMaxAgeDays)} days (it keeps them ${n(h.store.maxAgeMs / 86_400_000)} days)`);
    }
  }
  return d;
}

/** Whether a running receiver already has what `s` asks for. */
export function matches(h: HealthInfo, s: ReceiverSettings): boolean {
  return settingsDifferences(h, s).length === 0;
}

export function portText(p: { port: number; listening: boolean; error?: string }): string {
  return p.listening ? `:${p.port}` : `:${p.port} not listening (${p.error ?? 'unknown error'})`;
}
