// Locations mode: the app runs its own SDK and exporter; we add only code.* attributes to its spans, nothing
// else. When the app registers its tracer provider (now, or later through any copy of @opentelemetry/api,
// which all share one global slot), the start of every span of that SDK's Tracer class is wrapped once.
import { context } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { mapPositionsAtStart, onSpanStart } from './codeAttributes';

const API_KEY = Symbol.for('opentelemetry.js.api.1');
const patchedProtos = new WeakSet<object>();

interface TracerLike {
  startSpan(...args: unknown[]): unknown;
  instrumentationScope?: { name?: string };
  _instrumentationScope?: { name?: string };
  instrumentationLibrary?: { name?: string };
}

function patchProvider(provider: unknown, onPatched: (why: string) => void): void {
  const p = provider as { getTracer?: (n: string) => unknown; getDelegate?: () => unknown } | undefined;
  if (!p) return;
  const real = (typeof p.getDelegate === 'function' ? p.getDelegate() : p) as { getTracer?: (n: string) => unknown; constructor?: { name?: string } };
  if (!real || typeof real.getTracer !== 'function' || real.constructor?.name === 'NoopTracerProvider') return;
  const tracer = real.getTracer('trace-explorer-locations') as TracerLike | undefined;
  const proto = tracer && Object.getPrototypeOf(tracer);
  if (!proto || typeof proto.startSpan !== 'function' || patchedProtos.has(proto)) return;
  patchedProtos.add(proto);
  const startSpan = proto.startSpan as (...args: unknown[]) => unknown;
  proto.startSpan = function (this: TracerLike, ...args: unknown[]) {
    const span = startSpan.apply(this, args) as { isRecording?: () => boolean; setAttribute?: unknown };
    try {
      if (span && typeof span.setAttribute === 'function' && span.isRecording?.() !== false) {
        const scope = (this.instrumentationScope ?? this._instrumentationScope ?? this.instrumentationLibrary)?.name;
        const ctx = (args[2] as Parameters<typeof getRPCMetadata>[0] | undefined) ?? context.active();
        onSpanStart(span as never, scope, () => getRPCMetadata(ctx)?.span);
      }
    } catch {
      // the app's span is returned untouched
    }
    return span;
  };
  onPatched(real.constructor?.name ?? 'tracer provider');
}

/** Watches the global API slot so a provider registered later is patched the moment it is set. */
export function startLocationsMode(onPatched: (why: string) => void): void {
  mapPositionsAtStart(true);
  const g = globalThis as Record<symbol, unknown>;
  const watchTrace = (api: Record<string, unknown>) => {
    const existing = api.trace;
    if (existing) hookProxy(existing);
    let value = existing;
    Object.defineProperty(api, 'trace', {
      configurable: true,
      enumerable: true,
      get: () => value,
      set: (v: unknown) => {
        value = v;
        hookProxy(v);
      },
    });
  };
  const hookProxy = (proxy: unknown) => {
    const px = proxy as { setDelegate?: (d: unknown) => void } | undefined;
    patchProvider(proxy, onPatched);
    if (px && typeof px.setDelegate === 'function' && !(px.setDelegate as { __te?: boolean }).__te) {
      const setDelegate = px.setDelegate;
      const wrapped = function (this: unknown, d: unknown) {
        setDelegate.call(this, d);
        patchProvider(d, onPatched);
      };
      (wrapped as unknown as { __te: boolean }).__te = true;
      px.setDelegate = wrapped;
    }
  };
  const api = g[API_KEY] as Record<string, unknown> | undefined;
  if (api) {
    watchTrace(api);
    return;
  }
  let slot: unknown;
  Object.defineProperty(globalThis, API_KEY, {
    configurable: true,
    enumerable: false,
    get: () => slot,
    set: (v: unknown) => {
      // the first registration: make the slot a plain property again, then watch its trace entry
      Object.defineProperty(globalThis, API_KEY, { value: v, writable: true, configurable: true, enumerable: false });
      slot = v;
      if (v && typeof v === 'object') watchTrace(v as Record<string, unknown>);
    },
  });
}
