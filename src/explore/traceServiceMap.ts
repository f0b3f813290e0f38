// The service map of one trace (the waterfall's "Service Map"): the services it touched and the calls between
// them, with the same rules as the store-wide map (src/explore/peers.ts) and exact figures.
import type { Span } from '../model/span';
import type { ServiceMapData, ServiceMapEdge, ServiceMapNode } from '../protocol/explore';
import { isEntrySpan, pairFigures, peerNodeId, peerOf, serviceNodeId } from './peers';

interface Acc {
  calls: number;
  errors: number;
  durations: number[];
}

export function traceServiceMap(traceId: string, spans: readonly Span[]): ServiceMapData {
  const byId = new Map<string, Span>();
  for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  const answered = new Set<Span>();
  const edges = new Map<string, Acc>();
  const nodes = new Map<string, ServiceMapNode>();
  const received = new Map<string, Acc>();
  const node = (id: string, name: string, kind: ServiceMapNode['kind']) => {
    if (!nodes.has(id)) nodes.set(id, { id, name, kind, calls: 0, errors: 0, p95Ms: 0 });
  };
  const acc = (m: Map<string, Acc>, key: string, durationNs: number, error: boolean) => {
    let a = m.get(key);
    if (!a) m.set(key, (a = { calls: 0, errors: 0, durations: [] }));
    a.calls++;
    if (error) a.errors++;
    a.durations.push(durationNs / 1e6);
  };
  for (const s of spans) {
    const svc = s.resource.serviceName;
    node(serviceNodeId(svc), svc, 'service');
    if (isEntrySpan(s) || !s.parentSpanId) acc(received, serviceNodeId(svc), s.end - s.start, s.statusCode === 2);
    if (!isEntrySpan(s) || !s.parentSpanId) continue;
    const p = byId.get(s.parentSpanId);
    if (!p || p.resource.serviceName === svc) continue;
    answered.add(p);
    const f = pairFigures(p, s);
    acc(edges, serviceNodeId(p.resource.serviceName) + '\u0000' + serviceNodeId(svc), f.durationNs, f.error);
  }
  for (const s of spans) {
    const peer = peerOf(s);
    if (!peer || (peer.kind === 'external' && answered.has(s))) continue;
    const id = peerNodeId(peer);
    node(id, peer.name, peer.kind);
    acc(received, id, s.end - s.start, s.statusCode === 2);
    acc(edges, serviceNodeId(s.resource.serviceName) + '\u0000' + id, s.end - s.start, s.statusCode === 2);
  }
  const out: ServiceMapEdge[] = [];
  for (const [key, a] of edges) {
    const [from, to] = key.split('\u0000');
    out.push({ from, to, calls: a.calls, errors: a.errors, p95Ms: p95(a.durations) });
  }
  for (const [id, a] of received) {
    const n = nodes.get(id)!;
    n.calls = a.calls;
    n.errors = a.errors;
    n.p95Ms = p95(a.durations);
  }
  out.sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
  return { fromMs: null, toMs: null, bucketMs: 0, nodes: [...nodes.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), edges: out, traceId };
}

/** nearest-rank p95 of the values (ms) */
export function p95(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(0.95 * s.length) - 1)];
}

/** whether the trace made the call `from` → `to` (node ids) — the service map's "traces of this edge" */
export function traceHasEdge(spans: readonly Span[], from: string, to: string): boolean {
  const byId = new Map<string, Span>();
  for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  const answered = new Set<Span>();
  for (const s of spans) {
    if (!isEntrySpan(s) || !s.parentSpanId) continue;
    const p = byId.get(s.parentSpanId);
    if (!p || p.resource.serviceName === s.resource.serviceName) continue;
    answered.add(p);
    if (serviceNodeId(p.resource.serviceName) === from && serviceNodeId(s.resource.serviceName) === to) return true;
  }
  if (to.startsWith('s:')) return false;
  for (const s of spans) {
    if (serviceNodeId(s.resource.serviceName) !== from) continue;
    const peer = peerOf(s);
    if (peer && peerNodeId(peer) === to && !(peer.kind === 'external' && answered.has(s))) return true;
  }
  return false;
}
