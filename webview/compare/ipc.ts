// The compare webview's side of src/protocol/compare.ts.
import type { CompareMessage, CompareView } from '../../src/protocol/compare';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(m: CompareMessage): void {
  api.postMessage(m);
}

/** calls `fn` with every view the host shows; returns the unsubscribe function */
export function onShow(fn: (view: CompareView) => void): () => void {
  const listener = (e: MessageEvent) => {
    const d = e.data as { type?: unknown; view?: CompareView } | null;
    if (d && d.type === 'show' && d.view) {
      // the host compares the same two again after a reload (its serializer reads this back)
      api.setState(d.view.restore);
      fn(d.view);
    }
  };
  window.addEventListener('message', listener);
  return () => window.removeEventListener('message', listener);
}
