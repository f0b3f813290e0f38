// Runs: one start of a traced program. A run is named by its resource: (service.name, service.instance.id)
// when the SDK sets an instance id (the Node and Java SDKs make a fresh one per start), otherwise
// (service.name, process.pid, host.name) — a new process is a new run, and the same pid on another host is
// another program. A resource with neither instance id nor pid (a trace file, a hand-written exporter) is one
// run per service and host. The id is a hash of those fields, so it is the same after a receiver restart.
//
// Per trace the store keeps a tally per run it touches (spans, errors, first start, last end); the run list
// and per-run statistics are computed from those tallies and the runs' spans when asked, not kept at ingest.
import { createHash } from 'node:crypto';
import type { Resource, Span } from '../model/span';
import { getAttr } from '../model/attrs';
import type { LocStats, OpStats, RunStats } from '../protocol/api';
import { locationSignal } from '../source/signal';

export interface RunInfo {
  runId: string;
  service: string;
  instanceId?: string;
  pid?: number;
  hostName?: string;
}

/** what one trace holds of one run */
export interface RunTally {
  runId: string;
  spans: number;
  errors: number;
  /** ns offsets from the store's epoch */
  minStart: number;
  maxEnd: number;
}

const byResource = new WeakMap<Resource, RunInfo>();

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v || undefined;
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  return undefined;
}

/** the run a resource belongs to (cached per resource object: the store shares one per distinct resource) */
export function runOf(resource: Resource): RunInfo {
  const hit = byResource.get(resource);
  if (hit) return hit;
  const service = resource.serviceName;
  const instanceId = text(getAttr(resource.attrs, 'service.instance.id'));
  const pidText = text(getAttr(resource.attrs, 'process.pid'));
  const hostName = text(getAttr(resource.attrs, 'host.name'));
  const key = instanceId !== undefined ? `i\u0000${service}\u0000${instanceId}` : `p\u0000${service}\u0000${pidText ?? ''}\u0000${hostName ?? ''}`;
  const info: RunInfo = { runId: createHash('sha1').update(key).digest('hex').slice(0, 16), service };
  if (instanceId !== undefined) info.instanceId = instanceId;
  if (pidText !== undefined && /^\d+$/.test(pidText)) info.pid = Number(pidText);
  if (hostName !== undefined) info.hostName = hostName;
  byResource.set(resource, info);
  return info;
}

/** adds one span to a trace's tallies (a trace touches few runs: a linear scan) */
export function tallySpan(tallies: RunTally[], runId: string, s: Span): void {
  let t: RunTally | undefined;
  for (let i = 0; i < tallies.length; i++) {
    if (tallies[i].runId === runId) {
      t = tallies[i];
      break;
    }
  }
  if (!t) {
    t = { runId, spans: 0, errors: 0, minStart: s.start, maxEnd: s.end };
    tallies.push(t);
  }
  t.spans++;
  if (s.statusCode === 2) t.errors++;
  if (s.start < t.minStart) t.minStart = s.start;
  if (s.end > t.maxEnd) t.maxEnd = s.end;
}

/** exact percentile of sorted values (nearest rank) */
function pct(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}

interface Acc {
  durations: number[];
  errors: number;
}

function finish(a: Acc): { count: number; p50Ms: number; p95Ms: number; errors: number } {
  const d = Float64Array.from(a.durations).sort();
  return { count: d.length, p50Ms: pct(d, 0.5), p95Ms: pct(d, 0.95), errors: a.errors };
}

/**
 * Per operation (service, span name, kind) and per code location: count, p50, p95 and errors of the spans of
 * one run. `traces` yields the spans of every trace that touches the run; spans of other runs are skipped.
 */
export function runStats(runId: string, traces: Iterable<Span[]>): RunStats {
  const ops = new Map<string, { service: string; name: string; kind: number; acc: Acc }>();
  const locs = new Map<string, { file: string; line?: number; function?: string; acc: Acc }>();
  for (const spans of traces) {
    for (const s of spans) {
      if (runOf(s.resource).runId !== runId) continue;
      const ms = Math.max(0, s.end - s.start) / 1e6;
      const err = s.statusCode === 2 ? 1 : 0;
      const service = s.resource.serviceName;
      const opKey = `${service}\u0000${s.name}\u0000${s.kind}`;
      let op = ops.get(opKey);
      if (!op) ops.set(opKey, (op = { service, name: s.name, kind: s.kind, acc: { durations: [], errors: 0 } }));
      op.acc.durations.push(ms);
      op.acc.errors += err;
      const loc = locationSignal(s);
      if (!loc || loc.file === undefined) continue;
      const locKey = `${loc.file}\u0000${loc.line ?? ''}\u0000${loc.function ?? ''}`;
      let l = locs.get(locKey);
      if (!l) {
        l = { file: loc.file, acc: { durations: [], errors: 0 } };
        if (loc.line !== undefined) l.line = loc.line;
        if (loc.function !== undefined) l.function = loc.function;
        locs.set(locKey, l);
      }
      l.acc.durations.push(ms);
      l.acc.errors += err;
    }
  }
  const operations: OpStats[] = [...ops.values()].map((o) => ({ service: o.service, name: o.name, kind: o.kind, ...finish(o.acc) }));
  const locations: LocStats[] = [...locs.values()].map((l) => {
    const out: LocStats = { file: l.file, ...finish(l.acc) };
    if (l.line !== undefined) out.line = l.line;
    if (l.function !== undefined) out.function = l.function;
    return out;
  });
  operations.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
  locations.sort((a, b) => b.count - a.count || (a.file < b.file ? -1 : 1));
  return { runId, operations, locations };
}
