// The webviews' side of the host protocol (src/protocol/waterfall.ts; the explore panels reuse it with their own
// message check, webview/explore/ipc.ts): commands, requests whose replies are matched by id, notifications.
import type {
  HostMessage,
  IpcCommand,
  IpcNotification,
  IpcRequest,
  WaterfallState,
} from '../src/protocol/waterfall';
import { isHostMessage } from '../src/protocol/waterfall';

export interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
}

type Handler = (params: unknown) => void;

/**
 * One webview's end of a host connection: commands, requests whose replies are matched by id, notifications
 * dispatched to typed handlers. `isMessage` says which incoming messages are the host's (others, such as the
 * frame's own, are ignored). Each panel's bundle extends it with the state it remembers.
 */
export class HostIpc {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly handlers = new Map<string, Set<Handler>>();
  /** notifications that came before the app listened, after `readyEarly`; undefined: none are held */
  private held: HostMessage[] | undefined;

  constructor(protected readonly api: VsCodeApi, private readonly isMessage: (m: unknown) => m is HostMessage) {
    window.addEventListener('message', (e: MessageEvent) => this.receive(e.data));
  }

  command<P>(d: IpcCommand<P>, params: P): void {
    this.api.postMessage({ type: 'command', method: d.method, params });
  }

  request<P, R>(d: IpcRequest<P, R>, params: P): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.api.postMessage({ type: 'request', id, method: d.method, params });
    });
  }

  /**
   * Says `ready` before the app's handlers exist (as the bundle starts, while React renders its first frame):
   * the host's queued notifications (the trace it began loading with the panel) travel meanwhile and are held,
   * in order, until `listening()`.
   */
  readyEarly(ready: IpcCommand<Record<string, never>>): void {
    this.held = [];
    this.command(ready, {});
  }

  /**
   * The app's handlers exist: what was held goes to them in the order it came. False when `ready` was not
   * said early for them (a remounted app): the caller says it itself.
   */
  listening(): boolean {
    const held = this.held;
    if (!held) return false;
    this.held = undefined;
    for (const m of held) this.receive(m);
    return true;
  }

  /** subscribes to a notification; returns the unsubscribe function */
  on<P>(d: IpcNotification<P>, fn: (params: P) => void): () => void {
    let set = this.handlers.get(d.method);
    if (!set) this.handlers.set(d.method, (set = new Set()));
    set.add(fn as Handler);
    return () => set!.delete(fn as Handler);
  }

  private receive(data: unknown): void {
    if (!this.isMessage(data)) return;
    const msg: HostMessage = data;
    if (msg.type === 'response') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
      return;
    }
    if (this.held) {
      this.held.push(msg);
      return;
    }
    const set = this.handlers.get(msg.method);
    if (set) for (const fn of set) fn(msg.params);
  }
}

/** the waterfall panel's connection, with the state it remembers across reloads */
export class WebviewIpc extends HostIpc {
  constructor(api: VsCodeApi) {
    super(api, isHostMessage);
  }

  get state(): WaterfallState | undefined {
    const s = this.api.getState() as WaterfallState | undefined;
    return s && typeof s.traceId === 'string' ? s : undefined;
  }

  set state(s: WaterfallState | undefined) {
    this.api.setState(s);
  }

  /** changes some fields of the remembered state and keeps the others (layout survives a new selection) */
  patchState(p: Partial<WaterfallState> & { traceId: string }): void {
    this.api.setState({ ...this.state, ...p });
  }
}
