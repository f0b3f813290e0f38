// The store-wide service map, kept at ingest (a StoreObserver): calls between services and to databases,
// queues and external hosts, and each service's operations, as counts, errors and latency histograms per
// minute. A map for any time window is a sum over the minutes in it, so opening the map never scans spans.
//
// Spans arrive in any order (a batch usually holds the children before their parents, which end later), so:
// a server span whose parent has not arrived waits in a per-trace table until its parent comes; a client span
// naming an external host counts as a call to that host only while no instrumented server answered it (the
// server span's arrival takes the provisional call back). A trace that leaves the store takes back exactly
// what its spans added (the same rules run over its spans).
import type { Span } from '../model/span';
import type { EpochNs } from '../model/time';
import type { StoreObserver } from '../store/storeObserver';
import type { NodeOperations, ServiceMapData, ServiceMapNode, ServiceMapEdge, ServiceOperation, ExploreVocabulary } from '../protocol/explore';
import { CallStats } from './latencyHistogram';
import { isEntrySpan, operationName, pairFigures, peerNodeId, peerOf, serviceNodeId, type Peer } from './peers';

export const BUCKET_MS = 60_000;
/** attribute keys remembered for completion (the filter box), at most, and the longest one worth offering */
const MAX_KEYS = 5000;
const MAX_KEY_CHARS = 200;
/**
 * Distinct operations and calls kept per minute. The store's memory cap counts span bytes, not this map: a
 * flood of spans with unique names (or unique peer hosts) would otherwise grow a histogram per name, so past
 * the cap a minute's new names fold into one "(other …)" entry per service.
 */
export const MAX_KEYS_PER_BUCKET = 2000;
export const OTHER_OPERATIONS = '(other operations)';
export const OTHER_PEERS = 'x:(other hosts)';
/** spans of each operation whose attribute keys are read (keys rarely differ between calls of one operation) */
const KEY_SAMPLES = 16;
const SEP = '\u0000';

interface Bucket {
  /** `from SEP to` → calls */
  edges: Map<string, CallStats>;
  /** `service SEP operation` → spans */
  ops: Map<string, CallStats>;
}

interface Pending {
  span: Span;
}

export class ServiceMapIndex implements StoreObserver {
  private buckets = new Map<number, Bucket>();
  /** trace id → parent span id → server spans waiting for that parent */
  private pending = new Map<string, Map<string, Pending[]>>();
  /** caller spans counted as calls to an external host (trace id SEP span id) */
  private provisional = new Set<string>();
  /**
   * `service SEP operation` → spans of it counted, whether it receives calls / starts traces, spans whose keys
   * were read. Dropped with its last span, so names that left the store are not kept here.
   */
  private opInfo = new Map<string, { live: number; entry: boolean; samples: number }>();
  private readonly keys = new Set<string>();
  private readonly seenResources = new WeakSet<object>();
  /** failures (counted; the store's spans are never affected) */
  errors = 0;

  spanAdded(s: Span, find: (spanId: string) => Span | undefined, epoch: EpochNs): void {
    const svc = s.resource.serviceName;
    const op = operationName(s);
    const opKey = svc + SEP + op;
    this.addOp(opKey, s, epoch, 1);
    this.sampleKeys(opKey, s);
    if (isEntrySpan(s) && s.parentSpanId) {
      const p = find(s.parentSpanId);
      if (p) {
        if (p.resource.serviceName !== svc) this.linked(p, s, epoch);
      } else {
        let t = this.pending.get(s.traceId);
        if (!t) this.pending.set(s.traceId, (t = new Map()));
        const list = t.get(s.parentSpanId);
        if (list) list.push({ span: s });
        else t.set(s.parentSpanId, [{ span: s }]);
      }
    }
    let answered = false;
    const waiting = this.pending.get(s.traceId);
    const children = waiting?.get(s.spanId);
    if (children) {
      waiting!.delete(s.spanId);
      if (waiting!.size === 0) this.pending.delete(s.traceId);
      for (const c of children) {
        if (c.span.resource.serviceName !== svc) {
          this.addPair(s, c.span, epoch, 1);
          answered = true;
        }
      }
    }
    const peer = peerOf(s);
    if (peer) {
      if (peer.kind !== 'external') this.addPeer(s, peer, epoch, 1);
      else if (!answered) {
        this.addPeer(s, peer, epoch, 1);
        this.provisional.add(s.traceId + SEP + s.spanId);
      }
    }
  }

  traceDropped(traceId: string, spans: readonly Span[], epoch: EpochNs): void {
    const byId = new Map<string, Span>();
    for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
    for (const s of spans) {
      this.addOp(s.resource.serviceName + SEP + operationName(s), s, epoch, -1);
      if (isEntrySpan(s) && s.parentSpanId) {
        const p = byId.get(s.parentSpanId);
        if (p && p.resource.serviceName !== s.resource.serviceName) this.addPair(p, s, epoch, -1);
      }
      const peer = peerOf(s);
      if (peer) {
        if (peer.kind !== 'external') this.addPeer(s, peer, epoch, -1);
        else if (this.provisional.delete(traceId + SEP + s.spanId)) this.addPeer(s, peer, epoch, -1);
      }
    }
    this.pending.delete(traceId);
  }

  cleared(): void {
    this.buckets = new Map();
    this.pending = new Map();
    this.provisional = new Set();
    this.opInfo = new Map();
    this.keys.clear();
  }

  /** The map over [fromMs, toMs] (Unix ms; open ends when null), summed over the minutes in it. */
  query(fromMs: number | null = null, toMs: number | null = null): ServiceMapData {
    const edges = new Map<string, CallStats>();
    const ops = new Map<string, CallStats>();
    this.sum(fromMs, toMs, edges, ops);
    const nodes = new Map<string, ServiceMapNode>();
    const nodeStats = new Map<string, CallStats>();
    const node = (id: string): ServiceMapNode => {
      let n = nodes.get(id);
      if (!n) {
        n = { id, name: id.slice(2), kind: NODE_KINDS[id[0]] ?? 'service', calls: 0, errors: 0, p95Ms: 0 };
        nodes.set(id, n);
      }
      return n;
    };
    const outEdges: ServiceMapEdge[] = [];
    for (const [key, st] of edges) {
      if (st.calls <= 0) continue;
      const [from, to] = key.split(SEP);
      node(from);
      const target = node(to);
      if (target.kind !== 'service') merge(nodeStats, to, st);
      outEdges.push({ from, to, calls: st.calls, errors: st.errors, p95Ms: st.p95Ms() });
    }
    // a service's own figures: the calls it received (server and consumer spans, and the roots it started)
    for (const [key, st] of ops) {
      if (st.calls <= 0) continue;
      const id = serviceNodeId(key.slice(0, key.indexOf(SEP)));
      node(id);
      if (this.opInfo.get(key)?.entry) merge(nodeStats, id, st);
    }
    for (const [id, st] of nodeStats) {
      const n = nodes.get(id)!;
      n.calls = st.calls;
      n.errors = st.errors;
      n.p95Ms = st.p95Ms();
    }
    outEdges.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
    return { fromMs, toMs, bucketMs: BUCKET_MS, nodes: [...nodes.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), edges: outEdges };
  }

  /** The operations of a service node over the window, busiest first (for other nodes: the calls they received, by caller operation). */
  operations(nodeId: string, fromMs: number | null = null, toMs: number | null = null): NodeOperations {
    const edges = new Map<string, CallStats>();
    const ops = new Map<string, CallStats>();
    this.sum(fromMs, toMs, edges, ops);
    const out: ServiceOperation[] = [];
    if (nodeId.startsWith('s:')) {
      const prefix = nodeId.slice(2) + SEP;
      for (const [key, st] of ops) {
        if (st.calls > 0 && key.startsWith(prefix)) {
          out.push({ name: key.slice(prefix.length), calls: st.calls, errors: st.errors, p95Ms: st.p95Ms(), entry: this.opInfo.get(key)?.entry ?? false });
        }
      }
    } else {
      for (const [key, st] of edges) {
        const [from, to] = key.split(SEP);
        if (to === nodeId && st.calls > 0) out.push({ name: `from ${from.slice(2)}`, calls: st.calls, errors: st.errors, p95Ms: st.p95Ms(), entry: true });
      }
    }
    out.sort((a, b) => b.calls - a.calls || (a.name < b.name ? -1 : 1));
    return { node: nodeId, operations: out };
  }

  /** services, operations and attribute keys seen (for the filter box's completion) */
  vocabulary(): ExploreVocabulary {
    const services = new Set<string>();
    const operations = new Set<string>();
    for (const b of this.buckets.values()) {
      for (const [key, st] of b.ops) {
        if (st.calls <= 0) continue;
        const i = key.indexOf(SEP);
        services.add(key.slice(0, i));
        operations.add(key.slice(i + 1));
      }
    }
    return { services: [...services].sort(), operations: [...operations].sort(), attributeKeys: [...this.keys].sort() };
  }

  // ---- internals
  private bucket(s: Span, epoch: EpochNs): Bucket {
    const minute = Math.floor(epoch.toUnixMs(s.start) / BUCKET_MS);
    let b = this.buckets.get(minute);
    if (!b) this.buckets.set(minute, (b = { edges: new Map(), ops: new Map() }));
    return b;
  }

  private addOp(opKey: string, s: Span, epoch: EpochNs, sign: 1 | -1): void {
    const b = this.bucket(s, epoch);
    const key = capped(b.ops, opKey, opKey.slice(0, opKey.indexOf(SEP) + 1) + OTHER_OPERATIONS, sign);
    let info = this.opInfo.get(key);
    if (sign > 0) {
      if (!info) this.opInfo.set(key, (info = { live: 0, entry: false, samples: 0 }));
      info.live++;
      if (isEntrySpan(s) || !s.parentSpanId) info.entry = true;
    } else if (info && --info.live <= 0) {
      this.opInfo.delete(key);
    }
    add(b.ops, key, s.end - s.start, s.statusCode === 2, sign);
  }

  /** an instrumented call: the parent (another service) called the server span s */
  private linked(p: Span, s: Span, epoch: EpochNs): void {
    this.addPair(p, s, epoch, 1);
    if (this.provisional.delete(p.traceId + SEP + p.spanId)) {
      const peer = peerOf(p);
      if (peer) this.addPeer(p, peer, epoch, -1);
    }
  }

  private addPair(p: Span, s: Span, epoch: EpochNs, sign: 1 | -1): void {
    const f = pairFigures(p, s);
    const minute = Math.floor(epoch.toUnixMs(f.start) / BUCKET_MS);
    let b = this.buckets.get(minute);
    if (!b) this.buckets.set(minute, (b = { edges: new Map(), ops: new Map() }));
    const from = serviceNodeId(p.resource.serviceName);
    add(b.edges, capped(b.edges, from + SEP + serviceNodeId(s.resource.serviceName), from + SEP + OTHER_PEERS, sign), f.durationNs, f.error, sign);
  }

  private addPeer(s: Span, peer: Peer, epoch: EpochNs, sign: 1 | -1): void {
    const b = this.bucket(s, epoch);
    const from = serviceNodeId(s.resource.serviceName);
    add(b.edges, capped(b.edges, from + SEP + peerNodeId(peer), from + SEP + OTHER_PEERS, sign), s.end - s.start, s.statusCode === 2, sign);
  }

  private sampleKeys(opKey: string, s: Span): void {
    if (this.keys.size >= MAX_KEYS) return;
    const info = this.opInfo.get(opKey);
    if (info && info.samples < KEY_SAMPLES) {
      info.samples++;
      const a = s.attrs;
      for (let i = 0; i < a.length; i += 2) this.addKey(a[i] as string);
    }
    if (!this.seenResources.has(s.resource)) {
      this.seenResources.add(s.resource);
      const r = s.resource.attrs;
      for (let i = 0; i < r.length; i += 2) this.addKey(r[i] as string);
    }
  }

  /** a key for completion: never a huge one (it is kept after its spans have gone) */
  private addKey(k: string): void {
    if (k.length <= MAX_KEY_CHARS && this.keys.size < MAX_KEYS) this.keys.add(k);
  }

  private sum(fromMs: number | null, toMs: number | null, edges: Map<string, CallStats>, ops: Map<string, CallStats>): void {
    const lo = fromMs === null ? -Infinity : Math.floor(fromMs / BUCKET_MS);
    const hi = toMs === null ? Infinity : Math.floor(toMs / BUCKET_MS);
    for (const [minute, b] of this.buckets) {
      if (b.edges.size === 0 && b.ops.size === 0) {
        this.buckets.delete(minute); // its traces have all left the store
        continue;
      }
      if (minute < lo || minute > hi) continue;
      for (const [k, st] of b.edges) merge(edges, k, st);
      for (const [k, st] of b.ops) merge(ops, k, st);
    }
  }
}

const NODE_KINDS: Record<string, ServiceMapNode['kind']> = { s: 'service', d: 'database', q: 'queue', x: 'external' };

/**
 * Adding: key itself when the minute holds it or has room for it, else the minute's catch-all key. Taking
 * away: key when the minute holds it, else the catch-all (where the span was counted).
 */
function capped(m: Map<string, CallStats>, key: string, other: string, sign: 1 | -1): string {
  return m.has(key) || (sign > 0 && m.size < MAX_KEYS_PER_BUCKET) ? key : other;
}

function add(m: Map<string, CallStats>, key: string, durationNs: number, error: boolean, sign: 1 | -1): void {
  let st = m.get(key);
  if (!st) {
    if (sign < 0) return;
    m.set(key, (st = new CallStats()));
  }
  st.add(durationNs, error, sign);
  if (st.calls <= 0) m.delete(key);
}

function merge(m: Map<string, CallStats>, key: string, st: CallStats): void {
  let t = m.get(key);
  if (!t) m.set(key, (t = new CallStats()));
  t.merge(st);
}
