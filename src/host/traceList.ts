// The live trace list (view `traceExplorer.traces` in its own activity-bar container): rows from the
// receiver's trace summaries, kept current by its event stream, refreshed at most a few times a second.
// Filtering, sorting and grouping are pure code in src/tracelist/; this file only renders and wires commands.
import * as vscode from 'vscode';
import type { ApiClient } from '../receiver/apiClient';
import { portProblems, type ReceiverEvent, type RunSummary, type TraceSummary } from '../protocol/api';
import { pickService, runItem, runsOf, safeLabel } from './runPick';
import { Commands } from './commandIds';
import type { HostServices } from './services';
import type { ComponentLog } from './log';
import { errorText } from './log';
import { EMPTY_FILTER, isEmptyFilter, parseFilter, type TraceFilter } from '../tracelist/filter';
import { computeView, GROUP_BY, SORT_BY, TraceListState, type GroupBy, type SortBy, type TraceGroup, type TraceListView } from '../tracelist/traceListModel';
import { computeHeldView, freeze, ListHold, type FrozenList } from '../tracelist/hold';
import { formatDuration, formatRelative, isIncomplete, plural, rowDescription, rowLabel } from '../tracelist/format';
import { AttributeSearch } from './traceSearch';
import { chooseSort, editFilter, pinTraces, targets } from './traceListCommands';
import { decodePackedTrace, firstRowWithLocation, PANEL_HEAD_ROWS } from '../protocol/packedTrace';

export const VIEW_ID = 'traceExplorer.traces';
/** internal: the "N new traces — show" row */
const SHOW_NEW_TRACES = 'traceExplorer.showNewTraces';
const REFRESH_MS = 250; // coalesce bursts of events into one redraw
const TICK_MS = 15_000; // relative start times ("5 s ago") and time groups age
const ROW_LIMIT = 500; // rows per group; more are summarised in a "… more" row
const RUNS_MS = 2000; // run groups: the receiver's runs are fetched at most this often

const KEY_SORT = 'traceExplorer.traceList.sortBy';
const KEY_GROUP = 'traceExplorer.traceList.groupBy';
const KEY_FILTER = 'traceExplorer.traceList.filter';

type Node =
  | { kind: 'group'; id: string; group: TraceGroup }
  | { kind: 'trace'; id: string; traceId: string; summary: TraceSummary; grouped: boolean }
  | { kind: 'more'; id: string; hidden: number }
  | { kind: 'note'; id: string; label: string; icon: string; command?: vscode.Command; tooltip?: string };

/** What the extension's test API exposes about the list (what a user would read in the view). */
export interface TraceListSnapshot {
  total: number;
  matched: number;
  /** new traces held back while the user works in the list (shown by the "N new traces" row) */
  held: number;
  paused: boolean;
  rows: Array<{ traceId: string; label: string; description: string; group: string }>;
}

export class TraceListProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly state = new TraceListState();
  private readonly changeEmitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private sortBy: SortBy;
  private groupBy: GroupBy;
  private filter: TraceFilter;
  private view: (TraceListView & { held: number }) | undefined;
  /** holds new traces back while the user works in the list (src/tracelist/hold.ts says when) */
  private readonly hold = new ListHold();
  /** the rows as they were when holding began; undefined while the list follows arrivals */
  private frozen: FrozenList | undefined;
  /** the view the tree last showed (what holding freezes), and the arrival count it was computed at */
  private shown: TraceListView | undefined;
  private shownUpTo = 0;
  private viewUpTo = 0;
  private holdTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private dirtyWhileHidden = false;
  private visible = false;
  /** the API the list was loaded from; a different one (reconnect, restart) means reload */
  private loadedFrom: ApiClient | undefined;
  /** events that arrived while the list was loading, applied after it */
  private pending: ReceiverEvent[] | undefined;
  private loadSeq = 0;
  private readonly search: AttributeSearch;
  private readonly contextKeys = new Map<string, unknown>();
  /** how long the last recompute of the rows took (ms) */
  private lastComputeMs = 0;
  /** traces with errors that arrived while the list was hidden (the activity bar badge) */
  private readonly unseenErrors = new Set<string>();
  /** the receiver's runs, while the list is grouped by run (fetched at most every RUNS_MS) */
  private runs: Map<string, RunSummary> | undefined;
  private runsAt = 0;
  private runsLoading = false;
  treeView: vscode.TreeView<Node> | undefined;

  constructor(
    private readonly services: HostServices,
    private readonly log: ComponentLog,
  ) {
    const ws = services.context.workspaceState;
    this.sortBy = pick(ws.get<string>(KEY_SORT), SORT_BY, 'time');
    this.groupBy = pick(ws.get<string>(KEY_GROUP), GROUP_BY, 'none');
    this.filter = parseFilter(ws.get<string>(KEY_FILTER) ?? '');
    this.search = new AttributeSearch(() => services.receiver.api, log, () => this.scheduleRefresh());
  }

  // ── data ────────────────────────────────────────────────────────────────────────────────────────
  onStatus(): void {
    this.updateContextKeys();
    const s = this.services.receiver.status;
    const api = this.services.receiver.api;
    if (s.kind === 'running' && api && api !== this.loadedFrom) void this.load(api);
    if (s.kind === 'disabled' || s.kind === 'failed') {
      this.loadSeq++;
      this.pending = undefined;
      this.loadedFrom = undefined;
      this.state.reset([]);
      this.search.clear();
      this.frozen = undefined;
    }
    this.scheduleRefresh();
  }

  /**
   * (Re)loads every summary. Events arriving meanwhile are buffered and applied on top of the answer (upserts
   * and removals are idempotent); a clear among them makes the answer suspect, so that one loads again.
   */
  private async load(api: ApiClient): Promise<void> {
    const seq = ++this.loadSeq;
    this.loadedFrom = api;
    this.pending ??= [];
    try {
      const list = await api.traces();
      if (seq !== this.loadSeq || this.loadedFrom !== api) return;
      const pending = this.pending ?? [];
      if (pending.some((e) => e.type === 'cleared')) {
        this.pending = [];
        void this.load(api);
        return;
      }
      this.state.reset(list);
      this.frozen = undefined; // a fresh listing (connect, reconnect, clear): nothing to keep still
      for (const e of pending) this.state.apply(e);
      this.pending = undefined;
      this.search.clear();
      this.log.debug(`loaded ${list.length} trace summaries`);
      this.scheduleRefresh();
    } catch (e) {
      if (seq !== this.loadSeq) return;
      this.log.error(`could not load the trace list: ${errorText(e)}`);
      this.pending = undefined;
      this.loadedFrom = undefined; // the next status change or event retries
      this.scheduleRefresh();
    }
  }

  onEvent(e: ReceiverEvent): void {
    if (this.pending) {
      this.pending.push(e);
      return;
    }
    if (e.type === 'cleared') {
      this.unseenErrors.clear();
      this.updateBadge();
      // clearing may keep some traces (a receiver can keep pinned ones): reload rather than assume
      this.state.apply(e);
      this.search.clear();
      const api = this.services.receiver.api;
      if (api) void this.load(api);
      this.scheduleRefresh();
      return;
    }
    if (e.type === 'traces') {
      if (!this.loadedFrom && this.services.receiver.api) {
        void this.load(this.services.receiver.api);
        return;
      }
      if (!this.visible) {
        for (const t of e.upserted) if (t.errorCount > 0 && !(this.state.get(t.traceId)?.errorCount ?? 0)) this.unseenErrors.add(t.traceId);
      }
      for (const id of e.removed) this.unseenErrors.delete(id);
      this.updateBadge();
      if (this.state.apply(e)) {
        this.search.invalidate(e.upserted, e.removed);
        this.scheduleRefresh();
      }
    }
  }

  // ── refresh ─────────────────────────────────────────────────────────────────────────────────────
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.unseenErrors.size > 0) {
      this.unseenErrors.clear();
      this.dirtyWhileHidden = true;
    }
    if (visible && this.dirtyWhileHidden) this.scheduleRefresh();
  }

  scheduleRefresh(): void {
    if (!this.visible) {
      this.dirtyWhileHidden = true;
      this.view = undefined;
      return;
    }
    if (this.refreshTimer) return;
    // a big store makes each recompute cost more: keep recomputing to under ~10% of the host's time
    this.refreshTimer = setTimeout(() => this.refreshNow(), Math.max(REFRESH_MS, this.lastComputeMs * 10));
  }

  refreshNow(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.dirtyWhileHidden = false;
    this.view = undefined;
    this.updateChrome();
    this.changeEmitter.fire(undefined);
  }

  /** Relative times age: redraw now and then while the list is visible and not empty. */
  tick(): void {
    if (this.visible && this.state.size > 0) this.scheduleRefresh();
  }

  private currentView(): TraceListView & { held: number } {
    if (!this.view) {
      const t0 = performance.now();
      if (this.filter.attributes.length > 0) this.search.ensure(this.filter, this.state.all());
      const now = Date.now();
      if (this.groupBy === 'run') this.loadRuns(now);
      const options = {
        sortBy: this.sortBy,
        groupBy: this.groupBy,
        filter: this.filter,
        attributeMatches: this.filter.attributes.length > 0 ? this.search.matches : undefined,
        now,
        limit: ROW_LIMIT,
        runs: this.groupBy === 'run' ? this.runs : undefined,
      };
      if (!this.hold.holding(now)) this.frozen = undefined;
      this.viewUpTo = this.state.lastArrival;
      if (this.frozen) {
        this.view = computeHeldView(this.state.all(), (id) => this.state.get(id), (id) => this.state.arrivalOf(id), options, this.frozen);
      } else {
        this.view = { ...computeView(this.state.all(), options), held: 0 };
        // holding, with nothing frozen yet (the user changed the filter or sort, or asked for the new
        // traces): these rows are the ones to keep still
        if (this.hold.holding(now)) this.frozen = freeze(this.view, this.viewUpTo);
      }
      this.lastComputeMs = performance.now() - t0;
    }
    return this.view;
  }

  /** the runs (start times, baselines) behind the run groups; until they come, groups describe themselves from their traces */
  private loadRuns(now: number, force = false): void {
    const api = this.services.receiver.api;
    if (!api || this.runsLoading || (!force && now - this.runsAt < RUNS_MS)) return;
    this.runsLoading = true;
    this.runsAt = now;
    api.runs().then(
      (list) => {
        this.runs = new Map(list.map((r) => [r.runId, r]));
        this.runsLoading = false;
        this.view = undefined;
        this.scheduleRefresh();
      },
      (e: unknown) => {
        this.runsLoading = false;
        this.log.debug(`runs: ${errorText(e)}`);
      },
    );
  }

  /** after a baseline changed: the run groups show it at once */
  reloadRuns(): void {
    this.loadRuns(Date.now(), true);
  }

  // ── holding new traces while the user works in the list ───────────────────────────────────────────
  /**
   * The user acted in the list: a row selected, a group expanded or collapsed, a row's command run. New
   * traces are held back from now until HOLD_MS pass without another such action (or while paused).
   */
  touch(): void {
    const now = Date.now();
    if (!this.frozen && this.shown) this.frozen = freeze(this.shown, this.shownUpTo);
    this.hold.touch(now);
    this.armHoldTimer();
  }

  /** The view's title-bar toggle: hold new traces until resumed. */
  pause(): void {
    if (!this.frozen && this.shown) this.frozen = freeze(this.shown, this.shownUpTo);
    this.hold.pause();
    this.refreshNow();
  }

  resume(): void {
    this.hold.resume();
    this.frozen = undefined;
    clearTimeout(this.holdTimer);
    this.refreshNow();
  }

  /** The "N new traces — show" row: bring them in (and keep holding from there while the user is here). */
  showNew(): void {
    this.frozen = undefined;
    this.refreshNow();
  }

  /** when holding ends by itself, redraw with what arrived meanwhile */
  private armHoldTimer(): void {
    clearTimeout(this.holdTimer);
    const ms = this.hold.endsInMs(Date.now());
    if (ms === undefined) return;
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      if (!this.hold.holding(Date.now()) && this.frozen) this.scheduleRefresh();
    }, ms + 20);
  }

  /** Context keys the welcome content and menus depend on (cheap: kept current even while hidden). */
  private updateContextKeys(): void {
    const s = this.services.receiver.status;
    const problems = s.kind === 'running' ? portProblems(s.health) : [];
    const keys: Record<string, unknown> = {
      'traceExplorer.receiverState': s.kind,
      'traceExplorer.portConflict': problems.includes('inUse'),
      'traceExplorer.portError': problems.some((p) => p !== 'inUse'),
      'traceExplorer.defaultPorts': s.kind === 'running' && s.health.http.port === 4318 && s.health.grpc.port === 4317,
      'traceExplorer.traceFilterActive': !isEmptyFilter(this.filter),
      'traceExplorer.traceListPaused': this.hold.isPaused,
    };
    for (const [k, v] of Object.entries(keys)) {
      if (this.contextKeys.get(k) === v) continue;
      this.contextKeys.set(k, v);
      void vscode.commands.executeCommand('setContext', k, v);
    }
  }

  /** The view's description (next to its title) and badge. */
  private updateChrome(): void {
    this.updateContextKeys();
    const tv = this.treeView;
    if (!tv) return;
    const s = this.services.receiver.status;
    const view = this.currentView();
    let description: string;
    if (view.total === 0 && s.kind === 'running') {
      description = `OTLP/HTTP :${s.health.http.port} · gRPC :${s.health.grpc.port}`;
    } else if (!isEmptyFilter(this.filter)) {
      description = `${view.matched.toLocaleString('en-US')} of ${view.total.toLocaleString('en-US')} · ${this.filter.source}${this.search.progressNote()}`;
    } else {
      description = plural(view.total, 'trace');
    }
    if (this.hold.isPaused) description = `Paused · ${view.held > 0 ? `${view.held.toLocaleString('en-US')} new · ` : ''}${description}`;
    tv.description = description;
    // the description is not shown while the view is the container's only one: say what the filter hides
    // in the message line above the rows (not when the list is empty: that would hide the welcome content)
    tv.message = !isEmptyFilter(this.filter) && view.total > 0
      ? `Filter “${this.filter.source}”: ${view.matched.toLocaleString('en-US')} of ${plural(view.total, 'trace')}${this.search.progressNote()}`
      : undefined;
    this.updateBadge();
  }

  private updateBadge(): void {
    const n = this.unseenErrors.size;
    const value = this.treeView?.badge?.value ?? 0;
    if (!this.treeView || value === n) return;
    this.treeView.badge = n > 0 ? { value: n, tooltip: `${plural(n, 'new trace')} with errors` } : undefined;
  }

  // ── tree ────────────────────────────────────────────────────────────────────────────────────────
  getChildren(element?: Node): Node[] {
    const view = this.currentView();
    if (!element) {
      this.shown = view;
      this.shownUpTo = this.viewUpTo;
      if (view.total === 0) return []; // the welcome content explains how to send traces
      const top: Node[] = view.held > 0 ? [this.heldNote(view.held)] : [];
      if (view.matched === 0) {
        // held, with every row shown before gone (evicted, removed): only the new ones are left to show
        if (isEmptyFilter(this.filter)) return top;
        return [
          ...top,
          { kind: 'note', id: 'note:nomatch', icon: 'filter', label: `No traces match “${this.filter.source}”${this.search.progressNote()}` },
          { kind: 'note', id: 'note:clear', icon: 'clear-all', label: 'Clear the filter', command: { title: 'Clear Filter', command: Commands.clearFilter } },
        ];
      }
      if (this.groupBy === 'none') return [...top, ...this.rows(view.groups[0], false)];
      return [...top, ...view.groups.map((group): Node => ({ kind: 'group', id: `g:${group.key}`, group }))];
    }
    if (element.kind === 'group') return this.rows(element.group, true);
    return [];
  }

  private heldNote(held: number): Node {
    return {
      kind: 'note',
      id: 'note:held',
      icon: 'arrow-up',
      label: `${plural(held, 'new trace')} — show`,
      tooltip: this.hold.isPaused
        ? 'The list is paused (Resume Trace List in the title bar follows new traces again). Click to bring these in.'
        : 'New traces are held back while you work in the list, so rows stay where they are. Click to bring them in; the list follows new traces again 15 s after your last action in it.',
      command: { title: 'Show New Traces', command: SHOW_NEW_TRACES },
    };
  }

  private rows(group: TraceGroup | undefined, grouped: boolean): Node[] {
    if (!group) return [];
    const prefix = grouped ? `${group.key}/` : '';
    const nodes: Node[] = group.traces.map((s) => ({ kind: 'trace', id: `${prefix}t:${s.traceId}`, traceId: s.traceId, summary: s, grouped }));
    if (group.hidden > 0) nodes.push({ kind: 'more', id: `${prefix}more`, hidden: group.hidden });
    return nodes;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const g = node.group;
        const item = new vscode.TreeItem(g.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.description = `${plural(g.count, 'trace')}${g.errorTraces > 0 ? ` · ${g.errorTraces.toLocaleString('en-US')} with errors` : ''}`;
        item.contextValue = 'group';
        item.iconPath = new vscode.ThemeIcon(this.groupBy === 'service' ? 'server-process' : this.groupBy === 'time' ? 'history' : 'watch');
        if (this.groupBy === 'run' && g.run) {
          const r = g.run;
          item.contextValue = r.baseline ? 'group.run.baseline' : 'group.run';
          item.iconPath = new vscode.ThemeIcon(r.baseline ? 'star-full' : 'debug-start');
          if (r.baseline) item.description = `baseline · ${item.description as string}`;
          const who = [r.instanceId !== undefined ? `instance ${r.instanceId}` : '', r.pid !== undefined ? `pid ${r.pid}` : '', r.hostName !== undefined ? `host ${r.hostName}` : ''].filter(Boolean).join(', ');
          item.tooltip = [
            `Run of ${r.service}${who ? ` (${who})` : ''}`,
            `Started ${new Date(r.startedMs).toLocaleString()} (${formatRelative(r.startedMs, Date.now())}), last span ${new Date(r.lastMs).toLocaleString()}`,
            `${plural(r.traceCount, 'trace')}, ${plural(r.spanCount, 'span')}, ${plural(r.errorCount, 'error')}`,
            r.baseline ? `The baseline run of ${r.service}` : `Set as Baseline Run to compare later runs of ${r.service} with it`,
          ].join('\n');
        }
        return item;
      }
      case 'trace':
        return this.traceItem(node);
      case 'more': {
        const item = new vscode.TreeItem(`${plural(node.hidden, 'more trace')} — narrow the filter to see them`);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { title: 'Filter Traces', command: Commands.filterTraces };
        return item;
      }
      case 'note': {
        const item = new vscode.TreeItem(node.label);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.command = node.command;
        if (node.tooltip) item.tooltip = node.tooltip;
        return item;
      }
    }
  }

  private traceItem(node: Extract<Node, { kind: 'trace' }>): vscode.TreeItem {
    const s = node.summary;
    const item = new vscode.TreeItem(rowLabel(s));
    item.id = node.id;
    const withService = !(node.grouped && this.groupBy === 'service');
    item.description = rowDescription(s, Date.now(), withService);
    item.contextValue = `trace.${s.pinned ? 'pinned' : 'unpinned'}.${s.source}`;
    item.iconPath = s.errorCount > 0
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
      : s.pinned
        ? new vscode.ThemeIcon('pinned')
        : s.source === 'file'
          ? new vscode.ThemeIcon('file')
          : isIncomplete(s)
            ? new vscode.ThemeIcon('unlink', new vscode.ThemeColor('disabledForeground'))
            : new vscode.ThemeIcon('pulse');
    item.tooltip = traceTooltip(s);
    item.accessibilityInformation = {
      label: `${rowLabel(s)}, ${s.errorCount > 0 ? `${plural(s.errorCount, 'error')}, ` : ''}${item.description}${s.pinned ? ', pinned' : ''}`,
    };
    item.command = { title: 'Open Trace', command: Commands.openTrace, arguments: [s.traceId] };
    return item;
  }

  getParent(node: Node): Node | undefined {
    if (node.kind === 'trace' && node.grouped) {
      const g = this.currentView().groups.find((x) => node.id.startsWith(`${x.key}/`));
      return g ? { kind: 'group', id: `g:${g.key}`, group: g } : undefined;
    }
    return undefined;
  }

  // ── state the commands change ───────────────────────────────────────────────────────────────────
  get currentFilter(): TraceFilter {
    return this.filter;
  }

  setFilter(text: string, persist = true): TraceFilter {
    this.filter = text.trim() ? parseFilter(text) : EMPTY_FILTER;
    this.frozen = undefined; // the user asked for other rows: show them all (and hold from there)
    if (persist) void this.services.context.workspaceState.update(KEY_FILTER, this.filter.source);
    this.search.clear();
    this.refreshNow();
    return this.filter;
  }

  get sort(): { sortBy: SortBy; groupBy: GroupBy } {
    return { sortBy: this.sortBy, groupBy: this.groupBy };
  }

  setSort(sortBy: SortBy, groupBy: GroupBy): void {
    this.sortBy = sortBy;
    this.groupBy = groupBy;
    this.frozen = undefined;
    void this.services.context.workspaceState.update(KEY_SORT, sortBy);
    void this.services.context.workspaceState.update(KEY_GROUP, groupBy);
    this.refreshNow();
  }

  summary(traceId: string): TraceSummary | undefined {
    return this.state.get(traceId);
  }

  snapshot(): TraceListSnapshot {
    const view = this.currentView();
    const now = Date.now();
    return {
      total: view.total,
      matched: view.matched,
      held: view.held,
      paused: this.hold.isPaused,
      rows: view.groups.flatMap((g) =>
        g.traces.map((s) => ({ traceId: s.traceId, label: rowLabel(s), description: rowDescription(s, now), group: g.label }))),
    };
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    clearTimeout(this.holdTimer);
    this.search.clear();
    this.changeEmitter.dispose();
  }
}

function pick<T extends string>(v: string | undefined, allowed: readonly T[], d: T): T {
  return v !== undefined && (allowed as readonly string[]).includes(v) ? (v as T) : d;
}

function traceTooltip(s: TraceSummary): vscode.MarkdownString {
  // span text is untrusted: appendText escapes Markdown, and the string is not trusted (no command links)
  const md = new vscode.MarkdownString();
  md.supportHtml = false;
  md.appendMarkdown('**');
  md.appendText(rowLabel(s));
  md.appendMarkdown('**\n\n');
  md.appendText(`Trace ${s.traceId}\n`);
  md.appendMarkdown('\n\n');
  md.appendText(`Root service: ${s.rootService || 'unknown_service'}\n`);
  md.appendMarkdown('  \n');
  if (s.services.length > 1) {
    md.appendText(`Services (${s.services.length}): ${s.services.join(', ')}`);
    md.appendMarkdown('  \n');
  }
  md.appendText(`Started ${new Date(s.startMs).toLocaleString()} · took ${formatDuration(s.durationMs)}`);
  md.appendMarkdown('  \n');
  md.appendText(`${plural(s.spanCount, 'span')}${s.errorCount > 0 ? `, ${plural(s.errorCount, 'error')}` : ''}`);
  if (s.brokenParents > 0) {
    md.appendText(`, ${plural(s.brokenParents, 'span')} with a missing or looping parent`);
    md.appendMarkdown('  \n');
    md.appendText('Incomplete: the root span has not arrived (yet), or was lost; the name and duration shown are those of the spans received so far.');
  }
  if (s.pinned) md.appendText(' · pinned (kept while pins hold at most half of the store)');
  if (s.refusedSpans) {
    md.appendMarkdown('  \n');
    md.appendText(`Holds half the store's limits on its own: ${plural(s.refusedSpans, 'more span')} not kept (raise Store: Max Spans / Max Memory MB, or turn Store: Persist on)`);
  }
  if (s.source === 'file') {
    md.appendMarkdown('  \n');
    md.appendText(`Opened from ${s.sourceName ?? 'a file'}`);
  }
  return md;
}

export function activateTraceList(services: HostServices, log: ComponentLog): { disposable: vscode.Disposable; provider: TraceListProvider } {
  const provider = new TraceListProvider(services, log);
  const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, canSelectMany: true, showCollapseAll: true });
  provider.treeView = treeView;
  provider.setVisible(treeView.visible);
  const tick = setInterval(() => provider.tick(), TICK_MS);

  const withApi = async (what: string, fn: (api: ApiClient) => Promise<unknown>) => {
    try {
      await fn(await services.receiver.ready());
    } catch (e) {
      log.error(`${what}: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`Trace Explorer: could not ${what}: ${errorText(e)}`);
    }
  };
  const forEach = (what: string, fn: (api: ApiClient, id: string) => Promise<unknown>) => (arg: unknown, selected: unknown) => {
    const ids = targets(provider, arg, selected);
    if (ids.length === 0) return;
    return withApi(what, async (api) => {
      for (const id of ids) await fn(api, id);
    });
  };

  provider.onStatus();
  return {
    provider,
    disposable: vscode.Disposable.from(
      provider,
      treeView,
      { dispose: () => clearInterval(tick) },
      treeView.onDidChangeVisibility((e) => provider.setVisible(e.visible)),
      // what the API shows of the user working in the list (it reports neither the pointer nor focus)
      treeView.onDidChangeSelection((e) => {
        if (e.selection.some((n) => n.kind === 'trace' || n.kind === 'group')) provider.touch();
      }),
      treeView.onDidExpandElement(() => provider.touch()),
      treeView.onDidCollapseElement(() => provider.touch()),
      vscode.commands.registerCommand(Commands.pauseTraceList, () => provider.pause()),
      vscode.commands.registerCommand(Commands.resumeTraceList, () => provider.resume()),
      vscode.commands.registerCommand(SHOW_NEW_TRACES, () => provider.showNew()),
      services.receiver.onDidChangeStatus(() => provider.onStatus()),
      services.receiver.onDidReceiveEvent((e) => provider.onEvent(e)),
      vscode.commands.registerCommand(Commands.showTraces, () => vscode.commands.executeCommand(`${VIEW_ID}.focus`)),
      vscode.commands.registerCommand(Commands.pinTrace, (arg: unknown, selected: unknown) => {
        const ids = targets(provider, arg, selected);
        return ids.length ? withApi('pin the trace', (api) => pinTraces(api, ids, true)) : undefined;
      }),
      vscode.commands.registerCommand(Commands.unpinTrace, forEach('unpin the trace', (api, id) => api.pin(id, false))),
      vscode.commands.registerCommand(Commands.removeTrace, forEach('remove the trace', (api, id) => api.removeTrace(id))),
      // from a run group's inline action, or from the palette: any service's run, picked
      vscode.commands.registerCommand(Commands.setBaselineRun, (node: unknown) =>
        withApi('set the baseline run', async (api) => {
          const run = runOfNode(node) ?? (await pickBaselineRun(api));
          if (!run) return;
          await api.setBaselineRun(run.service, run.runId);
          provider.reloadRuns();
          if (!node) void vscode.window.showInformationMessage(`Trace Explorer: the run started ${new Date(run.startedMs).toLocaleString()} is now the baseline of ${safeLabel(run.service)}.`);
        }),
      ),
      vscode.commands.registerCommand(Commands.clearBaselineRun, (node: unknown) => {
        const run = runOfNode(node);
        if (!run) return undefined;
        return withApi('clear the baseline run', async (api) => {
          await api.clearBaselineRun(run.service);
          provider.reloadRuns();
        });
      }),
      vscode.commands.registerCommand(Commands.copyTraceId, async (arg: unknown, selected: unknown) => {
        const ids = targets(provider, arg, selected);
        if (ids.length === 0) return;
        await vscode.env.clipboard.writeText(ids.join('\n'));
        vscode.window.setStatusBarMessage(`Copied ${ids.length === 1 ? `trace id ${ids[0]}` : plural(ids.length, 'trace id')}`, 3000);
      }),
      // the code of the outermost span that names a place (an auto-instrumented HTTP root rarely does; the
      // handler below it does); with none, the root span (row 0), for which Go to Source tries the name and
      // explains
      vscode.commands.registerCommand(Commands.goToTraceSource, (arg: unknown, selected: unknown) => {
        const [id] = targets(provider, arg, selected);
        if (!id) return;
        return withApi('go to the trace\'s source', async (api) => {
          // the top rows nearly always hold it: the whole trace (10 MB at 100k spans) only when they do not
          const head = await api.packedTraceHead(id, PANEL_HEAD_ROWS);
          let t = head && decodePackedTrace(head);
          if (t && t.partial && firstRowWithLocation(t) < 0) {
            const whole = await api.packedTrace(id);
            t = whole && decodePackedTrace(whole);
          }
          if (!t) {
            void vscode.window.showWarningMessage(`Trace ${id.slice(0, 12)}… is no longer stored (removed or evicted).`);
            return;
          }
          if (t.spanCount === 0) return;
          await vscode.commands.executeCommand(Commands.goToSource, id, t.spanId(Math.max(0, firstRowWithLocation(t))));
        });
      }),
      vscode.commands.registerCommand(Commands.filterTraces, () => editFilter(provider)),
      vscode.commands.registerCommand(Commands.clearFilter, () => provider.setFilter('')),
      vscode.commands.registerCommand(Commands.sortTraces, () => chooseSort(provider)),
    ),
  };
}

/** Set as Baseline Run from the palette: a service, then one of its runs (undefined: the user closed a pick) */
async function pickBaselineRun(api: ApiClient): Promise<RunSummary | undefined> {
  const runs = await api.runs();
  if (!runs.length) throw new Error('no runs yet: start a traced program (each start is a run)');
  const service = await pickService([...new Set(runs.map((r) => r.service))].sort(), 'Set as Baseline Run: which service?');
  if (service === undefined) return undefined;
  const pick = await vscode.window.showQuickPick(runsOf(runs, service).map(runItem), { title: `Set as Baseline Run: which run of ${safeLabel(service)}?` });
  return pick?.r;
}

/** the run of a run group's tree node (the argument of the group's context commands) */
function runOfNode(node: unknown): RunSummary | undefined {
  const n = node as Node | undefined;
  return n?.kind === 'group' ? n.group.run : undefined;
}
