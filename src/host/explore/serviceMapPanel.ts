// The service map panel: the store-wide map (the webview asks for its window every few seconds; the receiver
// sums it from its per-minute index) or the map of one trace. An edge's click opens the search page showing
// the traces that made that call.
import * as vscode from 'vscode';
import type { HostServices } from '../services';
import type { ComponentLog } from '../log';
import { errorText } from '../log';
import type { CommandMessage, RequestMessage } from '../../protocol/waterfall';
import { GetNodeOperations, GetServiceMap, RunTraceAction, ShowEdgeTraces, ShowServiceMap, type EdgeQuery } from '../../protocol/explore';
import { ExploreWebview } from './exploreWebview';
import { exploreHtml, exploreWebviewOptions } from './html';
import { runTraceAction } from './traceActions';

export class ServiceMapPanel extends ExploreWebview {
  constructor(
    panel: vscode.WebviewPanel,
    private readonly services: HostServices,
    log: ComponentLog,
    /** set: the map of this trace */
    readonly traceId: string | undefined,
    private readonly onEdge: (q: EdgeQuery) => unknown,
    private readonly showTraceMap: (traceId: string) => unknown,
    private readonly onDisposed: (p: ServiceMapPanel) => void,
  ) {
    super(panel, log);
    const extUri = services.context.extensionUri;
    panel.webview.options = exploreWebviewOptions(extUri);
    panel.webview.html = exploreHtml(panel.webview, extUri, 'servicemap', traceId);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  protected onReady(): void {
    if (this.traceId) void this.loadTrace(this.traceId);
  }

  private async loadTrace(traceId: string): Promise<void> {
    try {
      const api = await this.services.receiver.ready();
      const map = await api.traceServiceMap(traceId);
      if (!map) {
        void vscode.window.showWarningMessage(`Trace ${traceId.slice(0, 12)}… is no longer stored (removed or evicted).`);
        return;
      }
      this.notify(ShowServiceMap, map, true);
    } catch (e) {
      this.log.error(`service map of trace ${traceId}: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`Trace Explorer: could not load the service map: ${errorText(e)}`);
    }
  }

  protected async onCommand(msg: CommandMessage): Promise<void> {
    if (ShowEdgeTraces.is(msg)) return void this.onEdge(msg.params);
    if (RunTraceAction.is(msg)) return runTraceAction(msg.params.action, msg.params.traceIds, this.showTraceMap);
  }

  protected async onRequest(msg: RequestMessage): Promise<unknown> {
    const api = await this.services.receiver.ready();
    if (this.is(GetServiceMap, msg)) return api.serviceMap(msg.params);
    if (this.is(GetNodeOperations, msg)) return api.nodeOperations(msg.params.node, msg.params);
    throw new Error(`unknown request ${msg.method}`);
  }

  override dispose(): void {
    if (this.disposed) return;
    super.dispose();
    this.onDisposed(this);
  }
}
