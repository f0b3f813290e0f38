// The trace list's commands that need more than one line: which rows a command acts on, the filter box
// (live, with Escape restoring the previous filter) and the sort/group picker.
import * as vscode from 'vscode';
import type { TraceListProvider } from './traceList';
import { filterProblem, parseFilter, type TraceFilter } from '../tracelist/filter';
import { GROUP_BY, SORT_BY, type GroupBy, type SortBy } from '../tracelist/traceListModel';
import { SEARCH_LIMIT } from './traceSearch';
import { ApiError, type ApiClient } from '../receiver/apiClient';

/** Trace ids a command acts on: the multi-selection when the clicked row is in it, else the clicked row. */
export function targets(provider: TraceListProvider, arg: unknown, selected: unknown): string[] {
  const idOf = (x: unknown): string | undefined => {
    if (typeof x === 'string') return x;
    if (x && typeof x === 'object' && typeof (x as { traceId?: unknown }).traceId === 'string') return (x as { traceId: string }).traceId;
    return undefined;
  };
  provider.touch(); // a row's command: the user is at work in the list
  const clicked = idOf(arg);
  if (Array.isArray(selected) && selected.length > 1) {
    const ids = selected.map(idOf).filter((x): x is string => !!x);
    if (!clicked || ids.includes(clicked)) return ids;
  }
  if (clicked) return [clicked];
  return (provider.treeView?.selection ?? []).map(idOf).filter((x): x is string => !!x);
}

export async function editFilter(provider: TraceListProvider): Promise<void> {
  const before = provider.currentFilter.source;
  const box = vscode.window.createInputBox();
  box.title = 'Filter traces';
  box.placeholder = 'checkout  service:cart  name:"GET /"  is:error  min:100ms  max:2s  http.route=/cart  -service:db';
  box.prompt =
    'Free text matches the root span name, service names or a trace id prefix. service: and name: match summaries; '
    + `key=value matches span, event, resource and scope attributes (the ${SEARCH_LIMIT} newest candidates are searched). Terms combine with AND.`;
  box.value = before;
  let accepted = false;
  let timer: NodeJS.Timeout | undefined;
  const validate = (f: TraceFilter) => {
    box.validationMessage = f.errors.length > 0
      ? { message: f.errors.join('; '), severity: vscode.InputBoxValidationSeverity.Warning }
      : undefined;
  };
  validate(provider.currentFilter);
  const disposables = [
    box.onDidChangeValue((v) => {
      // filter as the user types (debounced); Escape puts the previous filter back
      clearTimeout(timer);
      timer = setTimeout(() => validate(provider.setFilter(v, false)), 150);
    }),
    box.onDidAccept(() => {
      clearTimeout(timer);
      // a filter with a term it cannot read is not applied: the box stays open and says what is wrong
      // (while typing, the readable terms filter live; Escape puts the previous filter back)
      const problem = filterProblem(parseFilter(box.value));
      if (problem) {
        validate(provider.setFilter(box.value, false));
        box.validationMessage = { message: problem, severity: vscode.InputBoxValidationSeverity.Error };
        return;
      }
      accepted = true;
      validate(provider.setFilter(box.value));
      box.hide();
    }),
    box.onDidHide(() => {
      clearTimeout(timer);
      if (!accepted) provider.setFilter(before, false);
      for (const d of disposables) d.dispose();
      box.dispose();
    }),
  ];
  box.show();
}

export async function chooseSort(provider: TraceListProvider): Promise<void> {
  const { sortBy, groupBy } = provider.sort;
  type Item = vscode.QuickPickItem & { sortBy?: SortBy; groupBy?: GroupBy };
  const mark = (on: boolean) => (on ? '$(check) ' : '$(blank) ');
  const sortLabels: Record<SortBy, string> = { time: 'Newest first', duration: 'Longest first', service: 'Root service (A–Z), then newest' };
  const groupLabels: Record<GroupBy, string> = { none: 'No groups', service: 'Root service', time: 'Start time (last minute, last 5 minutes, …)', duration: 'Duration (≥ 1 s, 100 ms – 1 s, …)', run: 'Run (each start of a traced program, newest first)' };
  const items: Item[] = [
    { label: 'Sort by', kind: vscode.QuickPickItemKind.Separator },
    ...SORT_BY.map((s) => ({ label: mark(s === sortBy) + sortLabels[s], sortBy: s })),
    { label: 'Group by', kind: vscode.QuickPickItemKind.Separator },
    ...GROUP_BY.map((g) => ({ label: mark(g === groupBy) + groupLabels[g], groupBy: g })),
  ];
  const chosen = await vscode.window.showQuickPick(items, { title: 'Sort and group traces' });
  if (!chosen) return;
  provider.setSort(chosen.sortBy ?? sortBy, chosen.groupBy ?? groupBy);
}

/**
 * Pins or unpins each trace. Pinned traces may hold only part of the store's limits: the receiver refuses a
 * pin over that share (409) with the reason and what to do, and those refusals are shown together in one
 * warning while the other traces are still pinned.
 */
export async function pinTraces(api: ApiClient, ids: string[], pinned: boolean): Promise<void> {
  const refused: string[] = [];
  for (const id of ids) {
    try {
      await api.pin(id, pinned);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 409) throw e;
      refused.push(e.message.replace(/^HTTP 409: /, ''));
    }
  }
  if (refused.length === 0) return;
  const what = ids.length === 1 ? 'The trace was not pinned' : `${refused.length} of ${ids.length} traces were not pinned`;
  void vscode.window.showWarningMessage(`Trace Explorer: ${what}. ${refused[0]}`);
}
