// Code lenses above the code spans resolve to: `$(watch) p50 12 ms · p95 48 ms · 37 calls` (click: the slowest
// recent trace, focused on that span) and `$(warning) 2 errors` (click: the latest failing one). Titles hold only
// figures and fixed words; anything from span data goes through lensText (no `$(…)` icons).
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import type { LensEntry } from '../../source/lensModel';
import type { SourceState } from './sourceState';

export class LatencyLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly sub: vscode.Disposable;
  private readonly clearSub: vscode.Disposable;
  private again: NodeJS.Timeout | undefined;

  constructor(private readonly state: SourceState, private readonly enabled: () => boolean) {
    // redraw only when a file that is open in an editor changed (VS Code asks visible editors again)
    this.sub = state.onDidChangeFiles((files) => {
      if (vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'file' && files.has(e.document.uri.fsPath))) this.emitter.fire();
    });
    // After Clear All Traces the change above is signalled once more a moment later. VS Code's code lens
    // controller answers the event with a debounced request and cancels that request when the editor loses
    // focus (onDidBlurEditorText → cancel; focus schedules it again): a clear is run from the palette, the
    // trace list or the status bar menu, and focus moving about right after it dropped the request (the e2e
    // saw the traces' lenses stand). No more changes follow a clear to heal it, so it is signalled again —
    // a few times, because focus can still be moving a second later on a busy machine (palette → editor →
    // palette → Problems: each blur cancels what was scheduled); the last one lands once it has settled.
    this.clearSub = state.onDidClear(() => {
      clearTimeout(this.again);
      const at = [1000, 3000, 8000];
      const next = (i: number, prev: number) => {
        this.again = setTimeout(() => {
          this.emitter.fire();
          if (i + 1 < at.length) next(i + 1, at[i]);
        }, at[i] - prev);
      };
      next(0, 0);
    });
  }

  /** enablement or window changed: every editor */
  refresh(): void {
    this.emitter.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.enabled() || doc.uri.scheme !== 'file') return [];
    const out: vscode.CodeLens[] = [];
    for (const l of this.state.model.lenses(doc.uri.fsPath)) {
      const range = lineRange(doc, l);
      out.push(new vscode.CodeLens(range, latencyCommand(l)));
      if (l.errorsTitle) out.push(new vscode.CodeLens(range, errorsCommand(l)));
    }
    return out;
  }

  dispose(): void {
    this.sub.dispose();
    this.clearSub.dispose();
    clearTimeout(this.again);
    this.emitter.dispose();
  }
}

function lineRange(doc: vscode.TextDocument, l: LensEntry): vscode.Range {
  const line = Math.min(Math.max(0, l.line - 1), Math.max(0, doc.lineCount - 1));
  return new vscode.Range(line, 0, line, 0);
}

function latencyCommand(l: LensEntry): vscode.Command {
  return l.slowest
    ? { title: l.latencyTitle, tooltip: l.latencyTooltip, command: Commands.openTrace, arguments: [l.slowest.traceId, l.slowest.spanId] }
    : { title: l.latencyTitle, tooltip: l.latencyTooltip, command: '' };
}

function errorsCommand(l: LensEntry): vscode.Command {
  return l.latestError
    ? { title: l.errorsTitle!, tooltip: l.errorsTooltip, command: Commands.openTrace, arguments: [l.latestError.traceId, l.latestError.spanId] }
    : { title: l.errorsTitle!, tooltip: l.errorsTooltip, command: '' };
}
