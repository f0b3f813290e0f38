// Quick picks over the receiver's runs: which service, then which of its runs (newest first, the baseline
// marked). Shared by Compare Runs and Set as Baseline Run from the palette, which reaches the runs of every
// service (the trace list's run groups show only the runs that traces start in).
import * as vscode from 'vscode';
import type { RunSummary } from '../protocol/api';
import { noticeText } from '../source/untrustedText';

/** span text in a quick pick: `$(…)` would render as an icon there */
export const safeLabel = (s: string) => noticeText(s, 120);

export function runLabel(r: RunSummary): string {
  return `${r.baseline ? '$(pinned) ' : ''}started ${new Date(r.startedMs).toLocaleString()} · ${r.traceCount} traces${r.errorCount ? `, ${r.errorCount} errors` : ''}`;
}

export type RunItem = vscode.QuickPickItem & { r: RunSummary };

export function runItem(r: RunSummary): RunItem {
  return { label: runLabel(r), description: r.instanceId ? safeLabel(r.instanceId) : r.pid ? `pid ${r.pid}` : '', r };
}

/** one of the services (undefined: the user closed the pick); with one service, that one */
export async function pickService(services: string[], title: string): Promise<string | undefined> {
  if (services.length === 1) return services[0];
  const pick = await vscode.window.showQuickPick(services.map((s) => ({ label: safeLabel(s), s })), { title });
  return pick?.s;
}

/** the runs of a service, newest first */
export function runsOf(runs: RunSummary[], service: string): RunSummary[] {
  return runs.filter((r) => r.service === service).sort((x, y) => y.startedMs - x.startedMs);
}
