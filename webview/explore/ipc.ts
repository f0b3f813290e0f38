// The explore webviews' side of src/protocol/explore.ts: commands, requests answered by id, notifications.
import type { HostMessage, IpcCommand, IpcNotification, IpcRequest } from '../../src/protocol/waterfall';
import { isExploreHostMessage } from '../../src/protocol/explore';

export interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
}

type Handler = (params: unknown) => void;

export class ExploreIpc {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly handlers = new Map<string, Set<Handler>>();

  constructor(private readonly api: VsCodeApi) {
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

  on<P>(d: IpcNotification<P>, fn: (params: P) => void): () => void {
    let set = this.handlers.get(d.method);
    if (!set) this.handlers.set(d.method, (set = new Set()));
    set.add(fn as Handler);
    return () => set!.delete(fn as Handler);
  }

  get state(): Record<string, unknown> {
    const s = this.api.getState();
    return typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {};
  }

  patchState(p: Record<string, unknown>): void {
    this.api.setState({ ...this.state, ...p });
  }

  private receive(data: unknown): void {
    if (!isExploreHostMessage(data)) return;
    const msg: HostMessage = data;
    if (msg.type === 'response') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
      return;
    }
    const set = this.handlers.get(msg.method);
    if (set) for (const fn of set) fn(msg.params);
  }
}
