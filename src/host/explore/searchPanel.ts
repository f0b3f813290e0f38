// The trace search page: sends every stored trace's summary as columns (one binary buffer), tells the page
// how many traces came or went since (it brings them in when live, or shows "N new"), answers its completion
// and attribute-term requests, and runs what its buttons ask for.
import * as vscode from 'vscode';
import type { HostServices } from '../services';
import type { ComponentLog } from '../log';
import { errorText } from '../log';
import type { CommandMessage, RequestMessage } from '../../protocol/waterfall';
import {
  GetVocabulary, MatchAttributes, RefreshSummaries, RestrictTraces, RunTraceAction, ShowSummaries, SummariesChanged,
  type RestrictParams,
} from '../../protocol/explore';
import { FIRST_SCREEN, isFirstScreen, newestStartMs } from '../../protocol/exploreColumns';
import { ExploreWebview } from './exploreWebview';
import { exploreHtml, exploreWebviewOptions } from './html';
import { compareAvailable, runTraceAction } from './traceActions';

export class SearchPanel extends ExploreWebview {
  private loading = false;
  private again = false;
  /** the newest start among the traces sent: a trace starting after it is new */
  private newestSentMs = -Infinity;
  private counted = new Set<string>();
  /** the webview holds every row (not only a first screen) */
  private sentWhole = false;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly services: HostServices,
    log: ComponentLog,
    private readonly showTraceMap: (traceId: string) => unknown,
  ) {
    super(panel, log);
    const extUri = services.context.extensionUri;
    panel.webview.options = exploreWebviewOptions(extUri);
    panel.webview.html = exploreHtml(panel.webview, extUri, 'search');
    this.disposables.push(
      services.receiver.onDidReceiveEvent((e) => {
        if (e.type === 'traces') {
          let added = 0;
          for (const s of e.upserted) {
            if (s.startMs > this.newestSentMs && !this.counted.has(s.traceId)) {
              this.counted.add(s.traceId);
              added++;
            }
          }
          // a webview not up gets the whole set when it says `ready` again: nothing to count for it
          if (this.ready && (added || e.removed.length || e.upserted.length)) this.notify(SummariesChanged, { added, removed: e.removed.length });
        } else if (e.type === 'cleared') void this.load();
      }),
      services.receiver.onDidChangeStatus((s) => {
        if (s.kind === 'running' && this.ready) void this.load();
      }),
    );
    void this.load();
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** only these traces (an edge of the service map), or all again */
  restrict(p: RestrictParams): void {
    this.notify(RestrictTraces, p, true);
  }

  /** the summaries are asked for as the panel opens, while the webview loads: the first `ready` finds them queued */
  private readies = 0;

  protected onReady(): void {
    // a later `ready` is a webview VS Code recreated (hidden, then shown): it needs them again, a first screen first
    if (this.readies++ > 0) {
      this.sentWhole = false;
      void this.load();
    }
  }

  /** one load at a time; asks made meanwhile make one more */
  async load(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    try {
      // an empty page gets a first screen (the newest rows, a sample of the plot) before every row
      let firstScreen = !this.sentWhole;
      do {
        this.again = false;
        // (the editor's command list is asked for meanwhile: it is not free, and the first screen need not wait)
        const compare = compareAvailable().catch(() => false);
        const api = await this.services.receiver.ready();
        if (firstScreen) {
          const [first, canCompare] = await Promise.all([api.exploreSummaries(FIRST_SCREEN), compare]);
          this.send(first, canCompare);
          firstScreen = false;
          if (!isFirstScreen(first)) continue;
        }
        const [whole, canCompare] = await Promise.all([api.exploreSummaries(), compare]);
        this.send(whole, canCompare);
      } while (this.again && !this.disposed);
    } catch (e) {
      this.log.error(`search page: could not load the trace summaries: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`Trace Explorer: the search page could not load the traces: ${errorText(e)}`);
    } finally {
      this.loading = false;
    }
  }

  private send(bytes: Uint8Array, canCompare: boolean): void {
    const at = Date.now();
    this.newestSentMs = newestStartMs(bytes);
    this.counted = new Set();
    if (!isFirstScreen(bytes)) this.sentWhole = true;
    const columns = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    this.notify(ShowSummaries, { columns, at, canCompare }, true);
  }

  protected async onCommand(msg: CommandMessage): Promise<void> {
    if (RefreshSummaries.is(msg)) return this.load();
    if (RunTraceAction.is(msg)) return runTraceAction(msg.params.action, msg.params.traceIds, this.showTraceMap);
  }

  protected async onRequest(msg: RequestMessage): Promise<unknown> {
    const api = await this.services.receiver.ready();
    if (this.is(GetVocabulary, msg)) return api.exploreVocabulary();
    if (this.is(MatchAttributes, msg)) return api.matchAttributes(msg.params.attributes);
    throw new Error(`unknown request ${msg.method}`);
  }
}
