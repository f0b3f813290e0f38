// What both explore panels share: the queue of notifications held until the webview says `ready` (again after
// VS Code recreated a hidden webview), validation of every message from the webview, and request replies.
import * as vscode from 'vscode';
import type { HostMessage, IpcNotification, IpcRequest, RequestMessage, CommandMessage } from '../../protocol/waterfall';
import { ExploreReady, parseExploreMessage } from '../../protocol/explore';
import type { ComponentLog } from '../log';
import { errorText } from '../log';

export abstract class ExploreWebview implements vscode.Disposable {
  protected ready = false;
  private queue: { msg: HostMessage }[] = [];
  protected readonly disposables: vscode.Disposable[] = [];
  protected disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly log: ComponentLog,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        // a hidden webview is destroyed (not retained); it says `ready` again when shown
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  /** the webview (re)started: send it what it shows */
  protected abstract onReady(): void;
  protected abstract onCommand(msg: CommandMessage): void | Promise<void>;
  protected abstract onRequest(msg: RequestMessage): Promise<unknown>;

  /** `replace`: a newer message of the same method replaces a queued one (a whole new summary set, say) */
  protected notify<P>(d: IpcNotification<P>, params: P, replace = false): void {
    if (this.disposed) return;
    const msg: HostMessage = { type: 'notification', method: d.method, params };
    if (this.ready) {
      void this.panel.webview.postMessage(msg);
      return;
    }
    if (replace) this.queue = this.queue.filter((q) => !(q.msg.type === 'notification' && q.msg.method === d.method));
    this.queue.push({ msg });
  }

  private receive(raw: unknown): void {
    const parsed = parseExploreMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`ignored a message from the webview: ${parsed.error}`);
      return;
    }
    const msg = parsed.msg;
    if (msg.type === 'command') {
      if (ExploreReady.is(msg)) {
        this.ready = true;
        const q = this.queue;
        this.queue = [];
        for (const { msg: m } of q) void this.panel.webview.postMessage(m);
        this.onReady();
        return;
      }
      Promise.resolve(this.onCommand(msg)).catch((e) => this.log.error(`${msg.method}: ${errorText(e)}`));
      return;
    }
    this.onRequest(msg).then(
      (result) => void this.panel.webview.postMessage({ type: 'response', id: msg.id, result }),
      (e) => void this.panel.webview.postMessage({ type: 'response', id: msg.id, error: errorText(e) }),
    );
  }

  protected is<P, R>(d: IpcRequest<P, R>, msg: RequestMessage): msg is RequestMessage<P> {
    return d.is(msg);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.queue = [];
    this.panel.dispose();
  }
}
