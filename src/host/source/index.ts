// Span → source in the editor: code lenses, inline annotations, hovers, exceptions in the Problems panel,
// jump to source, and the commands around them. The logic lives in src/source (no vscode); this wires it.
import * as vscode from 'vscode';
import * as config from '../config';
import { Commands } from '../commandIds';
import { componentLog, errorText } from '../log';
import type { HostServices } from '../services';
import { formatMs } from '../../source/lensModel';
import { Annotations } from './annotations';
import { LatencyLensProvider } from './codeLens';
import { ago, SourceHoverProvider } from './hover';
import { SourceJumps } from './jump';
import { ExceptionProblems } from './problems';
import { SourceState } from './sourceState';
import { EditorWorkspace } from './workspaceAdapter';

const HIDDEN_KEY = 'traceExplorer.source.hidden';
const LINE_CONTEXT = 'traceExplorer.lineHasCalls';

export function activateSource(services: HostServices): vscode.Disposable {
  const log = componentLog(services.log, 'source');
  const disposables: vscode.Disposable[] = [];
  const ws = new EditorWorkspace();
  const ready = ws.load().then(
    () => log.info(`workspace indexed for span → source: ${ws.listFiles().length} files${ws.truncated ? ' (truncated; add files.exclude patterns for large generated folders)' : ''}`),
    (e) => log.error(`cannot list the workspace's files: ${errorText(e)}`),
  );
  const state = new SourceState(services, ws, ready, log);
  // the toggle command hides lenses and annotations for this machine until toggled back
  let hidden = services.context.globalState.get<boolean>(HIDDEN_KEY, false);
  const lensesOn = (): boolean => !hidden && config.get('codeLens.enabled');
  const annotationsOn = (): boolean => !hidden && config.get('annotations.enabled');

  const lenses = new LatencyLensProvider(state, lensesOn);
  const annotations = new Annotations(state, annotationsOn);
  const problems = new ExceptionProblems(state);
  const jumps = new SourceJumps(services, state, ready, log);
  const fileSelector: vscode.DocumentSelector = { scheme: 'file' };

  const updateLineContext = (): void => {
    const e = vscode.window.activeTextEditor;
    const has = !!e && e.document.uri.scheme === 'file' && state.model.at(e.document.uri.fsPath, e.selection.active.line + 1).some((h) => (h.stats.recent?.length ?? 0) > 0);
    void vscode.commands.executeCommand('setContext', LINE_CONTEXT, has);
  };

  disposables.push(
    ws, state, lenses, annotations, problems, jumps,
    vscode.languages.registerCodeLensProvider(fileSelector, lenses),
    vscode.languages.registerHoverProvider(fileSelector, new SourceHoverProvider(state, annotationsOrLenses)),
    vscode.commands.registerCommand(Commands.goToSource, (a?: unknown, b?: unknown) => jumps.goToSource(a, b)),
    vscode.commands.registerCommand(Commands.openStackFrame, (a?: unknown, b?: unknown, c?: unknown) => jumps.openStackFrame(a, b, c)),
    vscode.commands.registerCommand(Commands.addPathMapping, (from?: unknown) => jumps.addPathMapping(from)),
    vscode.commands.registerCommand(Commands.resolveFrames, async (frames?: unknown) => {
      if (!Array.isArray(frames)) return [];
      await ready;
      return frames.map((f: { file?: unknown; line?: unknown; column?: unknown }) =>
        typeof f?.file === 'string' && typeof f.line === 'number' ? state.resolver.resolvePath(f.file, f.line, typeof f.column === 'number' ? f.column : undefined).ok : false);
    }),
    vscode.commands.registerCommand(Commands.toggleAnnotations, async () => {
      hidden = !hidden;
      await services.context.globalState.update(HIDDEN_KEY, hidden);
      lenses.refresh();
      annotations.refresh();
      void vscode.window.setStatusBarMessage(hidden ? 'Trace Explorer: latency lenses and annotations hidden' : 'Trace Explorer: latency lenses and annotations shown', 3000);
    }),
    vscode.commands.registerCommand(Commands.chooseStatsWindow, () => chooseWindow()),
    vscode.commands.registerCommand(Commands.showRecentCalls, () => showRecentCalls(state)),
    config.onDidChange(['codeLens.enabled'], () => lenses.refresh()),
    config.onDidChange(['annotations.enabled'], () => annotations.refresh()),
    config.onDidChange(['stats.window', 'stats.windowMinutes'], () => problems.refresh()),
    vscode.window.onDidChangeTextEditorSelection(updateLineContext),
    vscode.window.onDidChangeActiveTextEditor(updateLineContext),
    state.onDidChangeFiles(updateLineContext),
  );
  return vscode.Disposable.from(...disposables.reverse());

  function annotationsOrLenses(): boolean {
    return lensesOn() || annotationsOn();
  }
}

async function chooseWindow(): Promise<void> {
  const cur = config.get('stats.window');
  const mins = config.get('stats.windowMinutes');
  type Item = vscode.QuickPickItem & { window: 'lastMinutes' | 'session' | 'all'; minutes?: number };
  const items: Item[] = [1, 5, 15, 60, 240].map((m) => ({
    label: m < 60 ? `Last ${m} minute${m > 1 ? 's' : ''}` : `Last ${m / 60} hour${m > 60 ? 's' : ''}`,
    window: 'lastMinutes' as const,
    minutes: m,
    picked: cur === 'lastMinutes' && mins === m,
  }));
  items.push({ label: 'This session', description: 'since this window opened', window: 'session', picked: cur === 'session' });
  items.push({ label: 'All stored', description: 'everything the receiver keeps', window: 'all', picked: cur === 'all' });
  for (const i of items) if (i.picked) i.description = `${i.description ? i.description + ' · ' : ''}current`;
  const pick = await vscode.window.showQuickPick(items, { title: 'Latency and errors over…' });
  if (!pick) return;
  if (pick.minutes !== undefined) await config.update('stats.windowMinutes', pick.minutes);
  await config.update('stats.window', pick.window);
}

async function showRecentCalls(state: SourceState): Promise<void> {
  const e = vscode.window.activeTextEditor;
  if (!e || e.document.uri.scheme !== 'file') return;
  const here = state.model.at(e.document.uri.fsPath, e.selection.active.line + 1);
  const calls = here.flatMap((h) => h.stats.recent ?? []).sort((a, b) => b.startMs - a.startMs);
  if (calls.length === 0) {
    void vscode.window.showInformationMessage(`No recent calls at this line ${state.window().label}.`);
    return;
  }
  const now = Date.now();
  type Item = vscode.QuickPickItem & { traceId: string; spanId: string };
  // labels hold figures and hex ids only (quick picks render $(icons); ids are validated hex)
  const items: Item[] = calls.map((c) => ({
    label: `${c.error ? '$(error) ' : ''}${formatMs(c.durationMs)}`,
    description: `${ago(now - c.startMs)} · trace ${/^[0-9a-f]+$/.test(c.traceId) ? c.traceId.slice(0, 16) : '?'}`,
    traceId: c.traceId,
    spanId: c.spanId,
  }));
  const pick = await vscode.window.showQuickPick(items, { title: 'Recent calls at this line — open the trace' });
  if (pick) await vscode.commands.executeCommand(Commands.openTrace, pick.traceId, pick.spanId);
}
