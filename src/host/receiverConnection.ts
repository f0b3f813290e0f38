// This window's link to the shared receiver process: connect to the running one or start it, follow its
// event stream, re-emit the events, and get back on its feet when the stream is lost (the receiver was
// restarted by another window, killed, or crashed). Restarts only when a receiver setting changes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApiClient, EventSubscription } from '../receiver/apiClient';
import type { HealthInfo, ReceiverEvent } from '../protocol/api';
import type { ReceiverConnection, ReceiverStatus } from './services';
import * as config from './config';
import type { ComponentLog } from './log';
import { errorText } from './log';
import { compareVersions, ReceiverProcess, settingsDifferences, type ReceiverSettings } from './receiverProcess';

/** The settings a running receiver was started with; a change to any of them restarts it. */
export const RECEIVER_SETTINGS: readonly config.SettingKey[] = [
  'receiver.enabled',
  'receiver.host',
  'receiver.httpPort',
  'receiver.grpcPort',
  'receiver.maxBodyBytes',
  'receiver.corsAllowedOrigins',
  'receiver.idleExitSeconds',
  'store.maxSpans',
  'store.maxMemoryMB',
  'store.persist',
  'store.maxDiskMB',
  'store.maxAgeDays',
];

/** `storageDir`: the extension's global storage, where the persistent store lives (`store/`) */
export function receiverSettings(storageDir: string): ReceiverSettings {
  const persist = config.get('store.persist');
  return {
    host: config.get('receiver.host').trim(),
    httpPort: config.get('receiver.httpPort'),
    grpcPort: config.get('receiver.grpcPort'),
    maxSpans: config.get('store.maxSpans'),
    maxBytes: config.get('store.maxMemoryMB') * 1024 * 1024,
    maxBody: config.get('receiver.maxBodyBytes'),
    cors: config.get('receiver.corsAllowedOrigins'),
    idleExitMs: config.get('receiver.idleExitSeconds') * 1000,
    ...(persist
      ? { storeDir: path.join(storageDir, 'store'), storeMaxBytes: config.get('store.maxDiskMB') * 1024 * 1024, storeMaxAgeDays: config.get('store.maxAgeDays') }
      : {}),
  };
}

// Reconnect delays after the event stream is lost; the last one repeats.
const BACKOFF_MS = [100, 250, 500, 1000, 2000, 4000];
// Consecutive failed starts before the window gives up and shows the failure (the user can restart).
const MAX_FAILED_STARTS = 3;
const SETTINGS_DEBOUNCE_MS = 300;
// a connection lost sooner than this after it was made counts as a failure (crash loop protection)
const CRASH_WINDOW_MS = 10_000;
// (more than failed starts: another window restarting the shared receiver also ends the stream early)
const MAX_QUICK_LOSSES = 5;

export class ReceiverConnectionImpl implements ReceiverConnection, vscode.Disposable {
  private _status: ReceiverStatus = { kind: 'starting' };
  private _api: ApiClient | undefined;
  private subscription: EventSubscription | undefined;
  /** bumped on every (re)connect, restart, disable and dispose: work of an older generation stops */
  private generation = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** failed starts, and connections lost soon after they were made, since the last stable connection */
  private failures = 0;
  private adoptedAt = 0;
  private readonly process: ReceiverProcess;
  private readonly statusEmitter = new vscode.EventEmitter<ReceiverStatus>();
  private readonly eventEmitter = new vscode.EventEmitter<ReceiverEvent>();
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly pendingChanges = new Set<config.SettingKey>();
  private settingsTimer: NodeJS.Timeout | undefined;

  readonly onDidChangeStatus = this.statusEmitter.event;
  readonly onDidReceiveEvent = this.eventEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: ComponentLog,
  ) {
    this.process = new ReceiverProcess(
      context.globalStorageUri.fsPath,
      process.execPath,
      path.join(context.extensionPath, 'dist', 'receiver.js'),
      log,
    );
    this.disposables.push(
      this.statusEmitter,
      this.eventEmitter,
      config.onDidChange(RECEIVER_SETTINGS, (changed) => {
        // several settings often change together (settings.json edits, a test setting two ports): one restart
        for (const k of changed) this.pendingChanges.add(k);
        clearTimeout(this.settingsTimer);
        this.settingsTimer = setTimeout(() => this.applySettings(), SETTINGS_DEBOUNCE_MS);
      }),
      { dispose: () => clearTimeout(this.settingsTimer) },
    );
  }

  private applySettings(): void {
    const changed = [...this.pendingChanges];
    this.pendingChanges.clear();
    this.log.info(`settings changed (${changed.join(', ')}): applying`);
    if (changed.length === 1 && changed[0] === 'receiver.enabled') void this.connect();
    else void this.restart();
  }

  get status(): ReceiverStatus {
    return this._status;
  }

  get api(): ApiClient | undefined {
    return this._api;
  }

  /** Files of the receiver, for the log and the README's troubleshooting. */
  get files(): { state: string; log: string } {
    return { state: this.process.stateFile, log: this.process.logFile };
  }

  ready(): Promise<ApiClient> {
    const now = this.settled();
    if (now) return now;
    return new Promise((resolve, reject) => {
      const sub = this.onDidChangeStatus(() => {
        const p = this.settled();
        if (!p) return;
        sub.dispose();
        p.then(resolve, reject);
      });
    });
  }

  private settled(): Promise<ApiClient> | undefined {
    const s = this._status;
    if (s.kind === 'running' && this._api) return Promise.resolve(this._api);
    if (s.kind === 'disabled') return Promise.reject(new Error('the Trace Explorer receiver is turned off (setting traceExplorer.receiver.enabled)'));
    if (s.kind === 'failed') return Promise.reject(new Error(`the Trace Explorer receiver is not running: ${s.message}`));
    return undefined;
  }

  private setStatus(s: ReceiverStatus): void {
    this._status = s;
    this.statusEmitter.fire(s);
  }

  /** Drops the current link (the receiver keeps running for other windows) and cancels pending work. */
  private detach(): number {
    this.generation++;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.subscription?.close();
    this.subscription = undefined;
    this._api?.dispose();
    this._api = undefined;
    return this.generation;
  }

  /** Connects to the running receiver, or starts one; the one entry point for (re)connecting. */
  async connect(): Promise<void> {
    if (this.disposed) return;
    const gen = this.detach();
    if (!config.get('receiver.enabled')) {
      this.log.info('receiver turned off by setting traceExplorer.receiver.enabled');
      this.setStatus({ kind: 'disabled' });
      return;
    }
    if (this._status.kind !== 'starting') this.setStatus({ kind: 'starting' });
    try {
      let { client, health, started } = await this.process.connectOrStart(receiverSettings(this.context.globalStorageUri.fsPath));
      if (gen !== this.generation) return void client.dispose();
      const ours = String(this.context.extension.packageJSON.version ?? '');
      if (!started && health.version && ours && compareVersions(health.version, ours) < 0) {
        // the extension was updated while an older receiver kept running for another window
        this.log.info(`receiver pid ${health.pid} is version ${health.version}, this window runs ${ours}: restarting it`);
        client.dispose();
        ({ client, health, started } = await this.process.restart(receiverSettings(this.context.globalStorageUri.fsPath), Date.now()));
        if (gen !== this.generation) return void client.dispose();
      }
      let differs: string[] = [];
      if (!started) {
        this.log.info(`connected to running receiver pid ${health.pid} (API ${client.url}, ${health.clients} other window(s))`);
        // another window started it, perhaps with other settings (a workspace's ports): say so, do not restart
        // behind the other windows' backs
        differs = settingsDifferences(health, receiverSettings(this.context.globalStorageUri.fsPath));
        if (differs.length) this.log.warn(`this window's receiver settings differ from the running receiver's: ${differs.join('; ')}`);
      }
      this.adopt(client, health, gen, differs);
    } catch (e) {
      if (gen !== this.generation) return;
      this.failures++;
      const message = errorText(e);
      this.log.error(`receiver start failed (attempt ${this.failures}): ${message}`);
      if (this.failures >= MAX_FAILED_STARTS) {
        this.setStatus({ kind: 'failed', message: firstLine(message) });
      } else {
        this.scheduleReconnect(gen);
      }
    }
  }

  private subscribe(client: ApiClient, gen: number): void {
    this.subscription = client.events(
      (e) => {
        if (gen !== this.generation) return;
        this.noteEvent(e);
        this.eventEmitter.fire(e);
      },
      (err) => {
        if (gen !== this.generation) return;
        this.subscription = undefined;
        this._api?.dispose();
        this._api = undefined;
        // a receiver that keeps dying right after it starts must not be restarted forever
        if (Date.now() - this.adoptedAt < CRASH_WINDOW_MS) this.failures++;
        else this.failures = 0;
        if (this.failures >= MAX_QUICK_LOSSES) {
          this.log.error(`the receiver's event stream ended ${this.failures} times within seconds of connecting (${err.message}); giving up until restarted`);
          this.setStatus({ kind: 'failed', message: `the receiver keeps stopping (${err.message}); see its output in ${this.process.logFile}` });
          return;
        }
        this.log.warn(`lost the receiver's event stream: ${err.message}; reconnecting`);
        this.setStatus({ kind: 'starting' });
        this.scheduleReconnect(gen);
      },
    );
  }

  /** Keeps the status's health current (counts, eviction) without firing a status change per event. */
  private noteEvent(e: ReceiverEvent): void {
    const s = this._status;
    if (s.kind !== 'running') return;
    let health: HealthInfo | undefined;
    if (e.type === 'hello') health = e.health;
    else if (e.type === 'stats') health = { ...s.health, spans: e.spans, traces: e.traces, logs: e.logs, evicting: e.evicting, evictedTraces: e.evictedTraces };
    else if (e.type === 'cleared') health = { ...s.health, spans: 0, traces: 0, logs: 0, evicting: false };
    if (!health) return;
    const portsChanged = health.http.listening !== s.health.http.listening || health.grpc.listening !== s.health.grpc.listening
      || health.http.port !== s.health.http.port || health.grpc.port !== s.health.grpc.port;
    this._status = { ...s, health };
    if (portsChanged) this.statusEmitter.fire(this._status);
  }

  private scheduleReconnect(gen: number): void {
    const attempt = Math.min(this.failures, BACKOFF_MS.length - 1);
    const delay = BACKOFF_MS[attempt];
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (gen === this.generation) void this.connect();
    }, delay);
  }

  /** Stops the shared receiver (every window reconnects to the new one) and starts it with this window's settings. */
  async restart(): Promise<void> {
    if (this.disposed) return;
    const requestedAt = Date.now();
    const gen = this.detach();
    this.failures = 0;
    if (!config.get('receiver.enabled')) {
      this.setStatus({ kind: 'disabled' });
      return;
    }
    this.setStatus({ kind: 'starting' });
    try {
      const { client, health } = await this.process.restart(receiverSettings(this.context.globalStorageUri.fsPath), requestedAt);
      if (gen !== this.generation) return void client.dispose();
      this.adopt(client, health, gen);
    } catch (e) {
      if (gen !== this.generation) return;
      this.log.error(`receiver restart failed: ${errorText(e)}`);
      this.setStatus({ kind: 'failed', message: firstLine(errorText(e)) });
    }
  }

  private adopt(client: ApiClient, health: HealthInfo, gen: number, differs: readonly string[] = []): void {
    this.adoptedAt = Date.now();
    this._api = client;
    this.subscribe(client, gen);
    this.setStatus(differs.length ? { kind: 'running', health, differs } : { kind: 'running', health });
  }

  dispose(): void {
    this.disposed = true;
    this.detach();
    for (const d of this.disposables) d.dispose();
  }
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
