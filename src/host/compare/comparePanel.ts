// The compare panel: a webview (dist/compare.js) showing one comparison (two traces or two runs). The host
// posts the view once the webview says `ready`; the webview's commands run the existing editor commands
// (Go to Source, Open Trace, Open Stack Frame) for the side they name, after the message is checked.
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import { errorText, type ComponentLog } from '../log';
import { bundleHtml } from '../panel/html';
import { parseCompareMessage, type CompareView } from '../../protocol/compare';

export const COMPARE_VIEW_TYPE = 'traceExplorer.compare';

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
}

export interface CompareSides {
  /** receiver trace ids of the two sides (traces mode), for Go to Source and Open Trace */
  a?: string;
  b?: string;
}

export class ComparePanel implements vscode.Disposable {
  private ready = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private view: CompareView,
    private sides: CompareSides,
    private readonly log: ComponentLog,
    private readonly onDispose: (p: ComparePanel) => void,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static create(extensionUri: vscode.Uri, title: string, view: CompareView, sides: CompareSides, log: ComponentLog, onDispose: (p: ComparePanel) => void): ComparePanel {
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewOptions(extensionUri));
    return ComparePanel.adopt(panel, extensionUri, title, view, sides, log, onDispose);
  }

  /** a panel the editor restored after a reload (or one just created): this comparison goes into it */
  static adopt(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, title: string, view: CompareView, sides: CompareSides, log: ComponentLog, onDispose: (p: ComparePanel) => void): ComparePanel {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'trace-explorer.svg');
    panel.title = title;
    const p = new ComparePanel(panel, view, sides, log, onDispose);
    panel.webview.html = bundleHtml(panel.webview, extensionUri, 'compare', 'Compare');
    return p;
  }

  /** shows another comparison in this panel */
  show(title: string, view: CompareView, sides: CompareSides): void {
    this.view = view;
    this.sides = sides;
    this.panel.title = title;
    if (this.ready) void this.panel.webview.postMessage({ type: 'show', view });
    this.panel.reveal();
  }

  private async receive(raw: unknown): Promise<void> {
    const m = parseCompareMessage(raw);
    if (!m) {
      this.log.warn(`compare panel: ignored a malformed message`);
      return;
    }
    switch (m.type) {
      case 'ready':
        this.ready = true;
        await this.panel.webview.postMessage({ type: 'show', view: this.view });
        return;
      case 'reportError':
        this.log.error(m.message);
        return;
      case 'goToSource':
      case 'openTrace': {
        const traceId = this.sides[m.side];
        if (!traceId) {
          void vscode.window.showInformationMessage('Trace Explorer: this side of the comparison is not held by the receiver any more.');
          return;
        }
        const command = m.type === 'goToSource' ? Commands.goToSource : Commands.openTrace;
        await this.run(command, traceId, m.spanId);
        return;
      }
      case 'openLocation':
        await this.run(Commands.openStackFrame, { file: m.file, line: m.line });
        return;
    }
  }

  private async run(command: string, ...args: unknown[]): Promise<void> {
    try {
      await vscode.commands.executeCommand(command, ...args);
    } catch (e) {
      this.log.error(`${command}: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`Trace Explorer: ${errorText(e)}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.onDispose(this);
  }
}
