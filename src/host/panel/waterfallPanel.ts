// One waterfall webview showing one trace: loads the packed trace from the receiver, answers the webview's
// requests, runs the commands it asks for (after validating them), and refreshes in place when the trace
// grows. Notifications wait in a queue until the webview says `ready` (it also says so again after VS Code
// recreated a hidden webview, and then gets the trace again). The preview panel shows another trace in the
// same webview (`showTrace`), which costs a trace's data, not a new webview.
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import type { HostServices } from '../services';
import type { ComponentLog } from '../log';
import { errorText } from '../log';
import { decodePackedTrace, isPackedHead, PANEL_HEAD_ROWS } from '../../protocol/packedTrace';
import type { ApiClient } from '../../receiver/apiClient';
import { isBareMethod } from '../../protocol/httpTarget';
import { rootLabel } from '../../tracelist/format';
import {
  Copy,
  FocusSpan,
  FocusSubtree,
  GetRowWindow,
  GetSpanDetail,
  ResolveFrames,
  ShowWindowed,
  type FramesParams,
  GoToSource,
  ShowServiceMap,
  HeadShown,
  KeepPanel,
  OpenLinkedTrace,
  OpenStackFrame,
  PreviewState,
  Ready,
  ReportError,
  ShowTrace,
  TraceStatus,
  parseWebviewMessage,
} from '../../protocol/waterfall';
import type {
  CopyParams,
  HostMessage,
  IpcNotification,
  LinkRef,
  RequestMessage,
  SpanRef,
  StackFrameRef,
  TraceStatusParams,
} from '../../protocol/waterfall';
import { waterfallHtml, waterfallWebviewOptions } from './html';
import { WINDOWED_SPANS, type WindowRequest } from '../../protocol/rowWindow';
import type { TraceSummary } from '../../protocol/api';

/** refreshes of a growing trace are at most this often */
const REFRESH_MS = 400;
/**
 * how long the whole trace waits for the webview to paint its head at most, from the head's posting (the webview
 * says `ready` before React's first render, so this covers that render too; sent earlier, the whole trace
 * would be decoded and rendered in place of the head before the head was painted)
 */
const HEAD_WAIT_MS = 1000;

export class WaterfallPanel implements vscode.Disposable {
  private ready = false;
  /** a head shown on a first load: whether the webview said it is painted (`headShown`); `wake` ends the
   *  whole trace's wait for that, `posted` tells it a queued head was sent */
  private headAck?: { painted: boolean; wake?: () => void; posted?: () => void };
  private queue: HostMessage[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;
  private loading = false;
  private dirty = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private lastLoad = 0;
  private shown = false; // the webview has been sent this trace at least once
  private pendingFocus: string | undefined;
  private disposed = false;
  /** the root span name the panel's title was made for */
  private titleRoot: string | undefined;
  /** what the tab is named for (the root's label); the owner makes the title from it (panelTitles) */
  label: string | undefined;
  /** the preview panel: the next trace opened replaces this one's (the owner decides, see previewPolicy) */
  preview = false;
  /** when a trace was last opened here (ms), to tell a double-click in the trace list */
  openedAt = Date.now();

  constructor(
    readonly panel: vscode.WebviewPanel,
    public traceId: string,
    private readonly services: HostServices,
    private readonly log: ComponentLog,
    focusSpanId: string | undefined,
    private readonly onDisposed: (p: WaterfallPanel) => void,
    /** false for panels another feature owns (custom editor): disposing this leaves the panel open */
    private readonly ownsPanel: boolean,
    /** the label changed: the owner retitles its panels (a title may depend on the other tabs') */
    private readonly onLabel: (p: WaterfallPanel) => void,
    /** the user worked in the panel (or pinned its trace): a preview panel is kept from now on */
    private readonly onKeep: (p: WaterfallPanel) => void = () => undefined,
  ) {
    const extUri = services.context.extensionUri;
    panel.webview.options = waterfallWebviewOptions(extUri);
    panel.webview.html = waterfallHtml(panel.webview, extUri);
    this.pendingFocus = focusSpanId;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        // a hidden webview is destroyed (we do not retain it); it says `ready` again when shown
        if (!panel.visible) this.ready = false;
      }),
      services.receiver.onDidReceiveEvent((e) => {
        if (e.type === 'traces') {
          const mine = e.upserted.find((s) => s.traceId === this.traceId);
          if (e.removed.includes(this.traceId)) this.notify(TraceStatus, { traceId: this.traceId, state: 'removed' });
          else if (mine) {
            // pinning is an edit, as in the editor's preview tabs: the panel stays for this trace
            if (mine.pinned && this.preview) this.onKeep(this);
            this.scheduleRefresh();
          }
        } else if (e.type === 'cleared') this.notify(TraceStatus, { traceId: this.traceId, state: 'removed' });
      }),
      services.receiver.onDidChangeStatus((s) => {
        // the receiver came back (restart, another window took over): reload what we show
        if (s.kind === 'running' && this.ready) this.scheduleRefresh();
      }),
    );
    this.notify(TraceStatus, { traceId, state: 'loading' });
    void this.load(false);
  }

  /** reveals the panel and selects a span in it */
  reveal(spanId?: string): void {
    this.panel.reveal(undefined, false);
    if (spanId) {
      // a hidden webview is recreated when revealed: it gets the focus with the trace (see onReady)
      if (this.shown && this.ready) this.notify(FocusSpan, { spanId });
      else this.pendingFocus = spanId;
    }
  }

  /**
   * Shows another trace in this panel (the preview panel's reuse): the webview stays, only the trace's data
   * travels. A load of the previous trace still under way is dropped (its generation is stale).
   */
  showTrace(traceId: string, spanId?: string): void {
    if (this.disposed) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.headAck?.wake?.();
    this.headAck = undefined;
    this.traceId = traceId;
    this.openedAt = Date.now();
    this.shown = false;
    this.titleRoot = undefined;
    this.label = undefined;
    this.pendingFocus = spanId;
    // what was queued for the previous trace means nothing now
    this.queue = this.queue.filter((m) => !(m.type === 'notification' && [ShowTrace.method, ShowWindowed.method, TraceStatus.method, FocusSpan.method].includes(m.method)));
    this.onLabel(this);
    this.panel.reveal(undefined, false);
    this.notify(TraceStatus, { traceId, state: 'loading' });
    void this.load(false);
  }

  /** marks the panel as the preview or as kept: the webview shows it (the owner retitles the tab) */
  setPreview(preview: boolean): void {
    if (this.preview === preview) return;
    this.preview = preview;
    this.notify(PreviewState, { preview }, true);
  }

  /** shows only this span's subtree (the span context menu's Focus Subtree) */
  focusSubtree(spanId: string): void {
    if (this.preview) this.onKeep(this);
    this.panel.reveal(undefined, false);
    this.notify(FocusSubtree, { spanId });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.headAck?.wake?.();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.queue = [];
    this.onDisposed(this);
    if (this.ownsPanel) this.panel.dispose();
  }

  // ---------------------------------------------------------------- loading
  private scheduleRefresh(): void {
    if (this.disposed) return;
    if (this.loading) {
      this.dirty = true;
      return;
    }
    if (this.refreshTimer) return;
    const wait = Math.max(0, this.lastLoad + REFRESH_MS - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.load(this.shown);
    }, wait);
  }

  private async load(update: boolean): Promise<void> {
    const gen = ++this.generation;
    this.loading = true;
    this.dirty = false;
    try {
      let api;
      try {
        api = await this.services.receiver.ready();
      } catch (e) {
        this.status({ state: 'error', message: `the Trace Explorer receiver is not running (${errorText(e)}). Restart it from the status bar menu.` });
        return;
      }
      // A trace too big to send whole stays in the receiver: the webview asks for the rows it shows
      let summary: TraceSummary | undefined;
      try {
        summary = await api.summary(this.traceId);
      } catch (e) {
        this.log.debug(`trace ${this.traceId}: no summary (${errorText(e)}); loading it whole`);
      }
      if (gen !== this.generation || this.disposed) return;
      if (summary && summary.spanCount > WINDOWED_SPANS) {
        this.showWindowed(summary, update);
        return;
      }
      // A first load paints the trace's first rows before the rest is packed and sent (a big trace's whole
      // form is megabytes, and packing it while the webview starts would take the CPU the webview needs);
      // a live update replaces what is shown in one step.
      let headShown = false;
      let bytes: Uint8Array | undefined;
      try {
        if (!update) {
          const first = await api.packedTraceHead(this.traceId, PANEL_HEAD_ROWS);
          if (gen !== this.generation || this.disposed) return;
          if (first && isPackedHead(first)) {
            this.headAck?.wake?.();
            this.headAck = { painted: false };
            this.show(first, false, undefined, api);
            headShown = true;
            await this.headPainted(gen);
            if (gen !== this.generation || this.disposed) return;
          } else bytes = first;
        }
        if (update || headShown) bytes = await api.packedTrace(this.traceId);
      } catch (e) {
        this.log.warn(`loading trace ${this.traceId} failed: ${errorText(e)}`);
        this.status({ state: 'error', message: errorText(e) });
        return;
      }
      if (gen !== this.generation || this.disposed) return;
      if (!bytes) {
        this.status({ state: this.shown ? 'removed' : 'missing' });
        return;
      }
      const focusSpanId = this.pendingFocus;
      this.pendingFocus = undefined;
      this.show(bytes, update || headShown, focusSpanId, api);
    } finally {
      if (gen === this.generation) {
        this.loading = false;
        this.lastLoad = Date.now();
        if (this.dirty) this.scheduleRefresh();
      }
    }
  }

  /**
   * Until the webview has painted the head just shown (or HEAD_WAIT_MS after it was posted: a webview may never
   * say it — hidden, or reloaded meanwhile): the whole trace sent (or queued) with it would replace the head
   * before it was painted, and packed meanwhile would slow the webview's start.
   */
  private async headPainted(gen: number): Promise<void> {
    const ack = this.headAck;
    if (ack && !ack.painted) {
      await new Promise<void>((resolve) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const arm = () => (timer = setTimeout(resolve, HEAD_WAIT_MS));
        ack.wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (this.ready) arm();
        else ack.posted = arm;
      });
    }
    if (gen === this.generation && this.headAck === ack) this.headAck = undefined;
  }

  private show(bytes: Uint8Array, update: boolean, focusSpanId: string | undefined, api: ApiClient): void {
    // own, aligned ArrayBuffer: it is transferred to the webview, not copied into JSON
    const packed = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    this.updateTitle(packed, api);
    this.notify(ShowTrace, { traceId: this.traceId, packed, update, focusSpanId }, true);
    this.shown = true;
  }


  private showWindowed(summary: TraceSummary, update: boolean): void {
    const focusSpanId = this.pendingFocus;
    this.pendingFocus = undefined;
    const root = rootLabel(summary) || summary.rootName || 'trace';
    if (root !== this.titleRoot) {
      this.titleRoot = root;
      this.setTitle(root);
    }
    this.notify(ShowWindowed, { traceId: this.traceId, spanCount: summary.spanCount, update: update && this.shown, focusSpanId }, true);
    this.shown = true;
  }

  private updateTitle(packed: ArrayBuffer, api: ApiClient): void {
    let root: string;
    try {
      const t = decodePackedTrace(packed);
      root = t.spanCount ? t.str(t.name[0]) : 'empty trace';
    } catch (e) {
      this.log.warn(`trace ${this.traceId}: the receiver sent an unreadable packed trace: ${errorText(e)}`);
      return;
    }
    if (root === this.titleRoot) return; // a live update with the same root: the title stands
    this.titleRoot = root;
    this.setTitle(root);
    // a root named by its HTTP method alone ("GET"): the summary adds its route or path, as the list does
    if (!isBareMethod(root)) return;
    api.summary(this.traceId).then(
      (s) => {
        if (s && !this.disposed && this.titleRoot === root) this.setTitle(rootLabel(s) || root);
      },
      (e) => this.log.debug(`trace ${this.traceId}: no summary for the title: ${errorText(e)}`),
    );
  }

  private setTitle(label: string): void {
    this.label = label;
    this.onLabel(this);
  }

  applyTitle(title: string): void {
    if (!this.disposed && this.panel.title !== title) this.panel.title = title;
  }

  private status(p: Omit<TraceStatusParams, 'traceId'>): void {
    this.notify(TraceStatus, { traceId: this.traceId, ...p });
  }

  // ---------------------------------------------------------------- messages
  /** posts now when the webview is ready, else queues; a newer trace replaces a queued one */
  private notify<P>(d: IpcNotification<P>, params: P, replaceSame = false): void {
    const msg: HostMessage = { type: 'notification', method: d.method, params };
    if (this.ready) {
      void this.panel.webview.postMessage(msg);
      return;
    }
    if (replaceSame) this.queue = this.queue.filter((m) => !(m.type === 'notification' && m.method === d.method));
    this.queue.push(msg);
  }

  private onMessage(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`ignored a message from the waterfall webview: ${parsed.error}`);
      if (parsed.id !== undefined) void this.panel.webview.postMessage({ type: 'response', id: parsed.id, error: parsed.error });
      return;
    }
    const m = parsed.message;
    if (m.type === 'request') {
      void this.answer(m);
      return;
    }
    if (Ready.is(m)) return this.onReady();
    if (KeepPanel.is(m)) {
      if (this.preview) this.onKeep(this);
      return;
    }
    if (HeadShown.is(m)) {
      if (this.headAck && (m.params as { traceId: string }).traceId === this.traceId) {
        this.headAck.painted = true;
        this.headAck.wake?.();
      }
      return;
    }
    if (GoToSource.is(m)) return void this.run('Go to source', Commands.goToSource, this.traceId, (m.params as SpanRef).spanId);
    if (ShowServiceMap.is(m)) return void this.run('Show the service map', Commands.showTraceServiceMap, this.traceId);
    if (OpenStackFrame.is(m)) {
      const f = m.params as StackFrameRef;
      return void this.run('Open stack frame', Commands.openStackFrame, { ...f, traceId: this.traceId });
    }
    if (OpenLinkedTrace.is(m)) {
      const l = m.params as LinkRef;
      return void this.run('Open linked trace', Commands.openTrace, l.traceId, l.spanId || undefined);
    }
    if (Copy.is(m)) {
      const c = m.params as CopyParams;
      void vscode.env.clipboard.writeText(c.text).then(
        () => vscode.window.setStatusBarMessage(`Trace Explorer: copied ${c.what}`, 2500),
        (e: unknown) => void vscode.window.showErrorMessage(`Could not copy to the clipboard: ${errorText(e)}`),
      );
      return;
    }
    if (ReportError.is(m)) {
      const { message } = m.params as { message: string };
      this.log.error(`waterfall webview (trace ${this.traceId}): ${message}`);
      void vscode.window.showErrorMessage(`Trace Explorer could not show trace ${this.traceId}: ${message.split('\n')[0]}`, 'Show Log').then((b) => {
        if (b) this.services.log.show(true);
      });
    }
  }

  private onReady(): void {
    const hasTrace = this.queue.some((q) => q.type === 'notification' && (q.method === ShowTrace.method || q.method === ShowWindowed.method));
    this.ready = true;
    // every document learns whether it is the preview first (a recreated one has forgotten)
    const q = this.queue.filter((m) => !(m.type === 'notification' && m.method === PreviewState.method));
    this.queue = [];
    void this.panel.webview.postMessage({ type: 'notification', method: PreviewState.method, params: { preview: this.preview } });
    for (const msg of q) void this.panel.webview.postMessage(msg);
    if (hasTrace) this.headAck?.posted?.();
    if (this.shown && !hasTrace && !this.loading) {
      // a fresh document (VS Code recreated the hidden webview, or it reloaded): it needs the trace again;
      // the load also delivers a pending focus
      void this.load(false);
    } else if (this.shown && this.pendingFocus) {
      this.notify(FocusSpan, { spanId: this.pendingFocus });
      this.pendingFocus = undefined;
    }
  }

  private async answer(m: RequestMessage): Promise<void> {
    let reply: HostMessage;
    if (GetSpanDetail.is(m)) {
      const { spanId } = m.params as SpanRef;
      try {
        const api = await this.services.receiver.ready();
        const d = await api.spanDetail(this.traceId, spanId);
        reply = d
          ? { type: 'response', id: m.id, result: d }
          : { type: 'response', id: m.id, error: `span ${spanId} is no longer held by the receiver (evicted, removed or cleared)` };
      } catch (e) {
        reply = { type: 'response', id: m.id, error: errorText(e) };
      }
    } else if (GetRowWindow.is(m)) {
      try {
        const api = await this.services.receiver.ready();
        const bytes = await api.rowWindow(this.traceId, m.params as WindowRequest);
        reply = bytes
          ? { type: 'response', id: m.id, result: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }
          : { type: 'response', id: m.id, error: `trace ${this.traceId} is no longer held by the receiver (evicted, removed or cleared)` };
      } catch (e) {
        reply = { type: 'response', id: m.id, error: errorText(e) };
      }
    } else if (ResolveFrames.is(m)) {
      try {
        const ok = await vscode.commands.executeCommand<boolean[]>(Commands.resolveFrames, (m.params as FramesParams).frames);
        reply = { type: 'response', id: m.id, result: Array.isArray(ok) ? ok : [] };
      } catch (e) {
        reply = { type: 'response', id: m.id, error: errorText(e) };
      }
    } else reply = { type: 'response', id: m.id, error: `unknown request ${m.method}` };
    if (!this.disposed) void this.panel.webview.postMessage(reply);
  }

  private async run(what: string, command: string, ...args: unknown[]): Promise<void> {
    try {
      await vscode.commands.executeCommand(command, ...args);
    } catch (e) {
      const text = errorText(e);
      this.log.warn(`${what} (${command}) failed: ${text}`);
      const missing = /command .* not found/i.test(text);
      void vscode.window.showErrorMessage(
        missing ? `${what} is not available: the feature behind ${command} did not start. See the Trace Explorer log.` : `${what} failed: ${text}`,
      );
    }
  }
}
