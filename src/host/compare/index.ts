// Compare Traces and Compare Runs (issue 23). Compare Traces: two traces selected in the trace list, or one
// trace and a pick — another trace (the same operation first), the baseline run's trace of the same
// operation, or a trace/fixture file (imported into the receiver, so Go to Source works on it too). Compare
// Runs: two runs of one service, per operation and per code location. Both open the compare panel; a
// second comparison reuses an open one.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { Commands } from '../commandIds';
import type { HostServices } from '../services';
import { componentLog, errorText, type ComponentLog } from '../log';
import { COMPARE_VIEW_TYPE, ComparePanel, type CompareSides } from './comparePanel';
import { compareRuns, diffTraces, traceFromOtlp, otlpTraceIds, type DiffTrace } from '../../diff/index';
import { baselineTraceFor, candidateTraces, inTimeOrder } from '../../diff/pickReference';
import { importTraceFile } from '../../fixtures/detect';
import type { ApiClient } from '../../receiver/apiClient';
import type { RunSummary, TraceSummary } from '../../protocol/api';
import { parseCompareRestore, type CompareRestore, type CompareView } from '../../protocol/compare';
import { pickService, runItem, runLabel, runsOf, safeLabel } from '../runPick';

class Cancelled extends Error {}

interface Side {
  traceId: string;
  label: string;
  trace: DiffTrace;
}

const when = (ms: number) => new Date(ms).toLocaleTimeString();
const durText = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`);

function traceLabel(t: TraceSummary): string {
  return `${safeLabel(t.rootName)}${t.rootTarget ? ` ${safeLabel(t.rootTarget)}` : ''} · ${durText(t.durationMs)} · ${when(t.startMs)} · ${t.traceId.slice(0, 8)}`;
}

function idOf(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object' && typeof (x as { traceId?: unknown }).traceId === 'string') return (x as { traceId: string }).traceId;
  return undefined;
}

/**
 * The traces to compare: (idA, idB) from another feature (the search page), or as a trace-list command gets
 * them, the selection when the clicked row is in it, else the clicked row.
 */
function selectedIds(arg: unknown, selected: unknown): string[] {
  const clicked = idOf(arg);
  const second = typeof selected === 'string' ? selected : undefined;
  if (clicked && second && second !== clicked) return [clicked, second];
  if (Array.isArray(selected) && selected.length > 1) {
    const ids = selected.map(idOf).filter((x): x is string => !!x);
    if (!clicked || ids.includes(clicked)) return [...new Set(ids)];
  }
  return clicked ? [clicked] : [];
}

async function summaryOf(api: ApiClient, id: string): Promise<TraceSummary> {
  const s = await api.summary(id);
  if (!s) throw new Error(`the receiver holds no trace ${id} (it may have been evicted)`);
  return s;
}

async function loadTrace(api: ApiClient, t: TraceSummary): Promise<Side> {
  const data = await api.trace(t.traceId);
  if (!data) throw new Error(`the receiver holds no trace ${t.traceId} any more`);
  return { traceId: t.traceId, label: traceLabel(t), trace: traceFromOtlp(data, t.traceId) };
}

async function pickFromList(api: ApiClient, title: string): Promise<TraceSummary> {
  const traces = await api.traces({ limit: 500 });
  if (!traces.length) throw new Error('there are no traces to compare yet');
  const pick = await vscode.window.showQuickPick(
    traces.map((t) => ({ label: traceLabel(t), description: safeLabel(t.rootService), t })),
    { title, matchOnDescription: true },
  );
  if (!pick) throw new Cancelled();
  return pick.t;
}

type Other = { kind: 'trace'; t: TraceSummary } | { kind: 'file' };

async function pickOther(api: ApiClient, b: TraceSummary): Promise<Other> {
  const [traces, runs] = await Promise.all([api.traces({ limit: 2000 }), api.runs(b.rootService).catch(() => [] as RunSummary[])]);
  const baseline = baselineTraceFor(b, runs, traces);
  const { same, other } = candidateTraces(b, traces);
  type Item = vscode.QuickPickItem & { other?: Other };
  const items: Item[] = [];
  if (baseline) {
    items.push({
      label: '$(history) Baseline run',
      description: traceLabel(baseline),
      detail: 'the baseline run\'s trace of this operation with the median duration',
      other: { kind: 'trace', t: baseline },
    });
  }
  items.push({ label: '$(file) Trace or Fixture File…', description: 'OTLP JSON/protobuf, Jaeger, Zipkin', other: { kind: 'file' } });
  if (same.length) items.push({ label: 'The same operation', kind: vscode.QuickPickItemKind.Separator });
  for (const t of same) items.push({ label: traceLabel(t), description: safeLabel(t.rootService), other: { kind: 'trace', t } });
  if (other.length) items.push({ label: 'Other traces', kind: vscode.QuickPickItemKind.Separator });
  for (const t of other) items.push({ label: traceLabel(t), description: safeLabel(t.rootService), other: { kind: 'trace', t } });
  const pick = await vscode.window.showQuickPick(items, { title: `Compare ${traceLabel(b)} with…`, matchOnDescription: true });
  if (!pick?.other) throw new Cancelled();
  return pick.other;
}

/** a trace file, read with the importers and added to the receiver (so its spans can go to source too) */
async function loadFile(api: ApiClient, log: ComponentLog): Promise<Side> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Compare with a trace or fixture file',
    canSelectMany: false,
    filters: { 'Trace files (OTLP JSON/protobuf, Jaeger, Zipkin)': ['json', 'jsonl', 'ndjson', 'pb', 'bin', 'proto', 'gz'], 'All files': ['*'] },
  });
  if (!picked?.length) throw new Cancelled();
  const uri = picked[0];
  const name = path.basename(uri.path);
  const result = importTraceFile(await vscode.workspace.fs.readFile(uri));
  let ids = otlpTraceIds(result.data);
  let id = ids[0];
  if (ids.length > 1) {
    const pick = await vscode.window.showQuickPick(ids.map((x) => ({ label: x })), { title: `${name} holds ${ids.length} traces: which one?` });
    if (!pick) throw new Cancelled();
    id = pick.label;
  }
  ids = (await api.importOtlp(JSON.stringify(result.data), { source: 'file', name })).traceIds;
  log.info(`compare: ${uri.fsPath} (${result.spanCount} spans) added to the receiver as ${ids.join(', ')}`);
  return { traceId: id, label: `${safeLabel(name)} · ${id.slice(0, 8)}`, trace: traceFromOtlp(result.data, id) };
}

interface Shown {
  title: string;
  view: CompareView;
  sides: CompareSides;
}

function tracesShown(a: Side, b: Side, log: ComponentLog): Shown {
  const diff = diffTraces(a.trace, b.trace);
  log.info(`compared ${a.traceId} with ${b.traceId}: ${diff.counts.matched} matched, ${diff.counts.added} added, ${diff.counts.removed} removed, ${diff.counts.renamed} renamed`);
  return {
    title: `Compare ${a.traceId.slice(0, 6)} ↔ ${b.traceId.slice(0, 6)}`,
    view: {
      mode: 'traces', labelA: a.label, labelB: b.label, diff, canOpenSource: true,
      restore: { mode: 'traces', a: a.traceId, b: b.traceId, labelA: a.label, labelB: b.label },
    },
    sides: { a: a.traceId, b: b.traceId },
  };
}

async function runsShown(api: ApiClient, service: string, a: { runId: string; label: string }, b: { runId: string; label: string }): Promise<Shown> {
  const [sa, sb] = await Promise.all([api.runStats(a.runId), api.runStats(b.runId)]);
  if (!sa || !sb) throw new Error('the receiver holds no traces of one of the runs any more');
  return {
    title: `Compare Runs: ${safeLabel(service)}`,
    view: {
      mode: 'runs', service, labelA: a.label, labelB: b.label, runs: compareRuns(sa, sb),
      restore: { mode: 'runs', service, a: a.runId, b: b.runId, labelA: a.label, labelB: b.label },
    },
    sides: {},
  };
}

async function restored(api: ApiClient, r: CompareRestore, log: ComponentLog): Promise<Shown> {
  if (r.mode === 'runs') return runsShown(api, r.service, { runId: r.a, label: r.labelA }, { runId: r.b, label: r.labelB });
  const side = async (id: string, label: string): Promise<Side> => {
    const data = await api.trace(id);
    if (!data) throw new Error(`the receiver holds no trace ${id} any more`);
    return { traceId: id, label, trace: traceFromOtlp(data, id) };
  };
  return tracesShown(await side(r.a, r.labelA), await side(r.b, r.labelB), log);
}

export function activateCompare(services: HostServices): vscode.Disposable {
  const log = componentLog(services.log, 'compare');
  let panel: ComparePanel | undefined;

  const forget = (p: ComparePanel) => {
    if (panel === p) panel = undefined;
  };
  const open = ({ title, view, sides }: Shown) => {
    if (panel) panel.show(title, view, sides);
    else panel = ComparePanel.create(services.context.extensionUri, title, view, sides, log, forget);
  };

  // after a reload: the same two compared again (from what the webview kept), or a message why not
  const serializer: vscode.WebviewPanelSerializer = {
    async deserializeWebviewPanel(webviewPanel, state) {
      const r = parseCompareRestore(state);
      if (!r) {
        webviewPanel.dispose();
        return;
      }
      try {
        const { title, view, sides } = await restored(await services.receiver.ready(), r, log);
        panel?.dispose();
        panel = ComparePanel.adopt(webviewPanel, services.context.extensionUri, title, view, sides, log, forget);
      } catch (e) {
        webviewPanel.dispose();
        log.warn(`a compare panel was not restored: ${errorText(e)}`);
        void vscode.window.showInformationMessage(`Trace Explorer: the comparison open before the reload could not be shown again: ${errorText(e)}`);
      }
    },
  };

  const guarded = (what: string, fn: (api: ApiClient) => Promise<void>) => async () => {
    try {
      await fn(await services.receiver.ready());
    } catch (e) {
      if (e instanceof Cancelled) return;
      log.error(`${what}: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`Trace Explorer: could not ${what}: ${errorText(e)}`);
    }
  };

  const compareTraces = (arg: unknown, selected: unknown) =>
    guarded('compare the traces', async (api) => {
      const ids = selectedIds(arg, selected);
      let a: Side;
      let b: Side;
      if (ids.length >= 2) {
        if (ids.length > 2) void vscode.window.showInformationMessage(`Trace Explorer: ${ids.length} traces selected; comparing the first two.`);
        const [x, y] = inTimeOrder(await summaryOf(api, ids[0]), await summaryOf(api, ids[1]));
        [a, b] = await Promise.all([loadTrace(api, x), loadTrace(api, y)]);
      } else {
        const bSummary = ids.length ? await summaryOf(api, ids[0]) : await pickFromList(api, 'Compare Traces: the trace to look at (B)');
        const other = await pickOther(api, bSummary);
        b = await loadTrace(api, bSummary);
        a = other.kind === 'file' ? await loadFile(api, log) : await loadTrace(api, other.t);
      }
      open(tracesShown(a, b, log));
    })();

  const compareRunsCommand = guarded('compare the runs', async (api) => {
    const runs = await api.runs();
    const names = [...new Set(runs.map((r) => r.service))];
    const eligible = names.filter((s) => runs.filter((r) => r.service === s).length >= 2);
    if (!eligible.length) throw new Error('no service has two runs yet: start the program again (each start is a run)');
    const service = await pickService(eligible, 'Compare Runs: which service?');
    if (service === undefined) throw new Cancelled();
    const ofService = runsOf(runs, service);
    const baseline = ofService.find((r) => r.baseline);
    const first = await vscode.window.showQuickPick(
      [...(baseline ? [baseline] : []), ...ofService.filter((r) => r !== baseline)].map(runItem),
      { title: `Compare Runs of ${safeLabel(service)}: the reference run (A)` },
    );
    if (!first) throw new Cancelled();
    const second = await vscode.window.showQuickPick(ofService.filter((r) => r !== first.r).map(runItem), {
      title: `Compare Runs of ${safeLabel(service)}: the run to look at (B)`,
    });
    if (!second) throw new Cancelled();
    const label = (r: RunSummary) => runLabel(r).replace('$(pinned) ', 'baseline, ');
    open(await runsShown(api, service, { runId: first.r.runId, label: label(first.r) }, { runId: second.r.runId, label: label(second.r) }));
  });

  return vscode.Disposable.from(
    vscode.commands.registerCommand(Commands.compareTraces, (arg?: unknown, selected?: unknown) => compareTraces(arg, selected)),
    vscode.commands.registerCommand(Commands.compareRuns, () => compareRunsCommand()),
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, serializer),
    { dispose: () => panel?.dispose() },
  );
}
