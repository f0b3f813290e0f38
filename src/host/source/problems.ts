// Exceptions from spans in the Problems panel, at the line that threw them, with how often and the latest
// message; cleared with the traces. Diagnostics are plain text (no markdown), made one-line and control-free.
import * as vscode from 'vscode';
import { oneLine } from '../../source/untrustedText';
import { formatCount } from '../../source/lensModel';
import type { SourceState } from './sourceState';

export class ExceptionProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('traceExplorer');
  private readonly sub: vscode.Disposable;

  constructor(private readonly state: SourceState) {
    this.sub = state.onDidChangeFiles((files) => {
      for (const f of files) this.update(f);
    });
    for (const f of state.model.files()) this.update(f);
  }

  /** everything again (the window changed) */
  refresh(): void {
    this.collection.clear();
    for (const f of this.state.model.files()) this.update(f);
  }

  private update(file: string): void {
    const uri = vscode.Uri.file(file);
    const problems = this.state.model.problems(file);
    if (problems.length === 0) {
      this.collection.delete(uri);
      return;
    }
    const label = this.state.window().label;
    this.collection.set(
      uri,
      problems.map((p) => {
        const line = Math.max(0, p.line - 1);
        const col = p.column ? p.column - 1 : 0;
        const d = new vscode.Diagnostic(
          new vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER),
          `${oneLine(p.message, 400)} — ${formatCount(p.count)}× ${label} (from traces)`,
          vscode.DiagnosticSeverity.Error,
        );
        d.source = 'Trace Explorer';
        return d;
      }),
    );
  }

  dispose(): void {
    this.sub.dispose();
    this.collection.dispose();
  }
}
