// The window's view of the receiver's location statistics: fetched over the query API, resolved to
// workspace files, kept in a LocationModel, refreshed live on 'locations' events (throttled), as the window
// slides, and when path mappings or the workspace's files change. Fires the files whose view changed, so
// surfaces redraw only those.
import * as vscode from 'vscode';
import * as config from '../config';
import type { ComponentLog } from '../log';
import { errorText } from '../log';
import type { HostServices } from '../services';
import type { LocationsResponse } from '../../protocol/api';
import { LocationModel, baselineKey } from '../../source/lensModel';
import type { ApiClient } from '../../receiver/apiClient';
import { LocationFetchPlan } from '../../source/locationFetchPlan';
import { SourceResolver } from '../../source/resolver';
import type { EditorWorkspace } from './workspaceAdapter';

const MIN_INTERVAL_MS = 300;
const SLIDE_MS = 10_000;
const BASELINE_MS = 15_000;

export interface StatsWindow {
  sinceMs: number | undefined;
  /** "in the last 15 min", "this session", "of all stored" */
  label: string;
}

export class SourceState implements vscode.Disposable {
  readonly model: LocationModel;
  readonly resolver: SourceResolver;
  private readonly changed = new vscode.EventEmitter<ReadonlySet<string>>();
  /** files whose lenses/annotations/problems changed */
  readonly onDidChangeFiles = this.changed.event;
  private readonly clearedEmitter = new vscode.EventEmitter<void>();
  /** every trace was cleared: nothing is left to show anywhere */
  readonly onDidClear = this.clearedEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly sessionStartMs = Date.now();
  private inFlight = false;
  private dirty = false;
  private lastFetch = 0;
  /** which locations the next fetch asks for: the changed ones, or all */
  private readonly plan = new LocationFetchPlan();
  private timer: NodeJS.Timeout | undefined;
  private slide: NodeJS.Timeout | undefined;
  private lastError = '';
  private symbolLookups = new Set<string>();
  private disposed = false;
  private lastBaseline = 0;

  /** `ready`: the workspace's file list has been read (nothing is resolved before) */
  constructor(private readonly services: HostServices, private readonly ws: EditorWorkspace, private readonly ready: Promise<void>, private readonly log: ComponentLog) {
    this.resolver = new SourceResolver(ws, config.get('pathMappings'));
    this.reportMappingErrors();
    this.model = new LocationModel((loc) => this.resolver.resolveSync(loc));
    this.applyWindowAndThresholds();
    this.disposables.push(
      this.changed,
      this.clearedEmitter,
      services.receiver.onDidReceiveEvent((e) => {
        if (e.type === 'locations') this.scheduleChanged(e.keys);
        else if (e.type === 'cleared') {
          this.fire(this.model.clear());
          this.clearedEmitter.fire();
        }
        else if (e.type === 'hello') this.schedule();
      }),
      services.receiver.onDidChangeStatus((s) => {
        if (s.kind === 'running') this.schedule();
      }),
      config.onDidChange(['pathMappings'], () => {
        this.resolver.setMappings(config.get('pathMappings'));
        this.reportMappingErrors();
        this.symbolLookups.clear();
        this.fire(this.model.reresolve());
        this.lookUpSymbols();
      }),
      config.onDidChange(['stats.window', 'stats.windowMinutes', 'annotations.warnMs', 'annotations.slowMs'], (keys) => {
        this.fire(this.applyWindowAndThresholds());
        if (keys.some((k) => k.startsWith('stats.'))) this.refreshNow();
      }),
      ws.onDidChange(() => {
        this.resolver.invalidateFiles();
        this.symbolLookups.clear();
        this.fire(this.model.reresolve());
        this.lookUpSymbols();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        // a rebuilt bundle brings a new source map
        if (/\.(?:[cm]?js|map)$/i.test(d.fileName)) this.resolver.invalidateFile(d.uri.fsPath.replace(/\.map$/i, ''));
      }),
    );
    // windows of "the last N minutes" move even when nothing arrives
    this.slide = setInterval(() => {
      if (this.model.size > 0 && config.get('stats.window') === 'lastMinutes') this.schedule();
    }, SLIDE_MS);
    void ready.then(() => {
      if (this.disposed) return;
      this.resolver.invalidateFiles();
      this.fire(this.model.reresolve());
      this.schedule();
    });
  }

  window(): StatsWindow {
    const w = config.get('stats.window');
    if (w === 'session') return { sinceMs: this.sessionStartMs, label: 'this session' };
    if (w === 'all') return { sinceMs: undefined, label: 'of all stored' };
    const m = config.get('stats.windowMinutes');
    return { sinceMs: Date.now() - m * 60_000, label: `in the last ${m} min` };
  }

  /** Fetch now (after a setting change or a user command). */
  refreshNow(): void {
    this.lastFetch = 0;
    this.schedule();
  }

  private applyWindowAndThresholds(): Set<string> {
    const changed = this.model.setWindowLabel(this.window().label);
    const warnMs = config.get('annotations.warnMs');
    const slowMs = Math.max(warnMs, config.get('annotations.slowMs'));
    for (const f of this.model.setThresholds({ warnMs, slowMs })) changed.add(f);
    return changed;
  }

  /** a live update: only these locations changed */
  private scheduleChanged(keys: readonly string[] | undefined): void {
    this.plan.changed(keys);
    this.queue();
  }

  /** everything is fetched again (a new connection, the window moved, a setting changed) */
  private schedule(): void {
    this.plan.needAll();
    this.queue();
  }

  private queue(): void {
    if (this.disposed) return;
    if (this.inFlight) {
      this.dirty = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastFetch + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.fetch();
    }, wait);
  }

  private async fetch(): Promise<void> {
    await this.ready;
    const api = this.services.receiver.api;
    if (!api || this.disposed || !this.plan.pending) return;
    this.inFlight = true;
    this.dirty = false;
    this.lastFetch = Date.now();
    try {
      const win = this.window();
      const what = this.plan.take();
      try {
        const resp = await api.locations<LocationsResponse>(win.sinceMs, what.full ? undefined : what.keys);
        if (this.disposed) return;
        if (!resp || !Array.isArray(resp.locations)) throw new Error('unexpected answer from /api/locations');
        this.fire(what.full ? this.model.apply(resp, true) : this.model.apply(resp, false, what.keys));
        if (what.full) void this.refreshBaseline(api);
      } catch (e) {
        this.plan.needAll(); // the keys this fetch was for are not known to be current any more
        throw e;
      }
      if (this.lastError) this.log.info('location statistics are back');
      this.lastError = '';
      this.lookUpSymbols();
    } catch (e) {
      const msg = errorText(e);
      if (msg !== this.lastError) this.log.warn(`cannot fetch location statistics: ${msg}`);
      this.lastError = msg;
    } finally {
      this.inFlight = false;
      if (this.dirty) this.queue();
    }
  }

  /**
   * The p95 of every code location in the services' baseline runs, for the lenses' "vs baseline" (issue 23).
   * Fetched with a full refresh, at most every BASELINE_MS: baselines change by a deliberate command.
   */
  private async refreshBaseline(api: ApiClient): Promise<void> {
    if (Date.now() - this.lastBaseline < BASELINE_MS) return;
    this.lastBaseline = Date.now();
    try {
      const baselines = (await api.runs()).filter((r) => r.baseline);
      const p95 = new Map<string, number>();
      for (const run of baselines) {
        const stats = await api.runStats(run.runId);
        for (const loc of stats?.locations ?? []) {
          const key = baselineKey(loc);
          if (!p95.has(key)) p95.set(key, loc.p95Ms);
        }
      }
      if (!this.disposed) this.fire(this.model.setBaseline(p95));
    } catch (e) {
      this.log.debug(`cannot fetch the baseline runs' statistics: ${errorText(e)}`);
    }
  }

  /** Name-only locations: ask the symbol providers once per location (they can be slow). */
  private lookUpSymbols(): void {
    for (const { key, loc } of this.model.unresolvedNames()) {
      if (this.symbolLookups.has(key)) continue;
      this.symbolLookups.add(key);
      this.resolver.resolve(loc).then(
        (res) => {
          if (!this.disposed && res.ok) this.fire(this.model.setResolution(key, res));
        },
        (e) => this.log.debug(`symbol lookup for ${loc.function ?? '?'} failed: ${errorText(e)}`),
      );
    }
  }

  private reportMappingErrors(): void {
    for (const m of this.resolver.mappingErrors) this.log.warn(`traceExplorer.${m}`);
  }

  private fire(files: ReadonlySet<string>): void {
    if (files.size > 0) this.changed.fire(files);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    clearInterval(this.slide);
    for (const d of this.disposables) d.dispose();
  }
}
