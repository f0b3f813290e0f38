// Inline, after the line: a short latency note coloured against the user's thresholds; in the gutter and
// the overview ruler: an error mark where exceptions were thrown. Only editors showing a changed file are
// redrawn, so live updates do not flicker the rest.
import * as vscode from 'vscode';
import type { FileView } from '../../source/lensModel';
import type { SourceState } from './sourceState';

// a small red circle with an exclamation mark; a data: URI keeps the icon with the code that uses it
const ERROR_ICON = vscode.Uri.parse(
  'data:image/svg+xml;utf8,' +
    encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="#e51400"/><rect x="7.1" y="4" width="1.8" height="5.2" fill="#fff"/><rect x="7.1" y="10.3" width="1.8" height="1.8" fill="#fff"/></svg>'),
);

export class Annotations implements vscode.Disposable {
  private readonly types: Record<'normal' | 'warn' | 'slow', vscode.TextEditorDecorationType>;
  private readonly errorMark: vscode.TextEditorDecorationType;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly state: SourceState, private readonly enabled: () => boolean) {
    const after = (color: string): vscode.TextEditorDecorationType =>
      vscode.window.createTextEditorDecorationType({
        after: { color: new vscode.ThemeColor(color), margin: '0 0 0 2.5em', fontStyle: 'italic' },
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      });
    this.types = { normal: after('editorCodeLens.foreground'), warn: after('editorWarning.foreground'), slow: after('editorError.foreground') };
    this.errorMark = vscode.window.createTextEditorDecorationType({
      gutterIconPath: ERROR_ICON,
      gutterIconSize: '70%',
      overviewRulerColor: new vscode.ThemeColor('editorError.foreground'),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      isWholeLine: true,
    });
    this.disposables.push(
      this.types.normal, this.types.warn, this.types.slow, this.errorMark,
      state.onDidChangeFiles((files) => {
        for (const e of vscode.window.visibleTextEditors) if (e.document.uri.scheme === 'file' && files.has(e.document.uri.fsPath)) this.draw(e);
      }),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.draw(e))),
    );
    this.refresh();
  }

  /** redraw every visible editor (enablement or thresholds changed) */
  refresh(): void {
    for (const e of vscode.window.visibleTextEditors) this.draw(e);
  }

  private draw(editor: vscode.TextEditor): void {
    const doc = editor.document;
    if (doc.uri.scheme !== 'file') return;
    const view: FileView = this.enabled() ? this.state.model.view(doc.uri.fsPath) : { lenses: [], problems: [] };
    const byLevel: Record<'normal' | 'warn' | 'slow', vscode.DecorationOptions[]> = { normal: [], warn: [], slow: [] };
    const last = doc.lineCount - 1;
    for (const l of view.lenses) {
      if (l.line - 1 > last) continue;
      const line = doc.lineAt(l.line - 1);
      // contentText is rendered as plain text (no markdown, no icons, and no emoji: without an emoji font
      // one shows as an empty box); it holds only figures anyway
      byLevel[l.level].push({ range: new vscode.Range(line.range.end, line.range.end), renderOptions: { after: { contentText: l.annotation } } });
    }
    editor.setDecorations(this.types.normal, byLevel.normal);
    editor.setDecorations(this.types.warn, byLevel.warn);
    editor.setDecorations(this.types.slow, byLevel.slow);
    editor.setDecorations(
      this.errorMark,
      view.problems.filter((p) => p.line - 1 <= last).map((p) => ({ range: new vscode.Range(p.line - 1, 0, p.line - 1, 0) })),
    );
  }

  dispose(): void {
    for (const e of vscode.window.visibleTextEditors) {
      for (const t of [this.types.normal, this.types.warn, this.types.slow, this.errorMark]) e.setDecorations(t, []);
    }
    for (const d of this.disposables) d.dispose();
  }
}
