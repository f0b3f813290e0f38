// Per-trace derived data the rows need on every render (computed once per trace).
import type { PackedTrace } from '../src/protocol/packedTrace';
import { TREE_PROBLEMS } from '../src/protocol/packedTrace';
import { serviceSlots, SERVICE_COLORS } from './model/serviceColors';

export interface TraceView {
  t: PackedTrace;
  /** colour slot per service string index */
  slots: Int32Array;
  /** rows whose status is error, ascending */
  errors: Int32Array;
  /** rows with a problem flag (orphan, cycle, duplicate, clock skew), ascending; an async child is none */
  flagged: Int32Array;
  spanCountByService: Map<number, number>;
}

export function makeTraceView(t: PackedTrace): TraceView {
  let ne = 0;
  let nf = 0;
  const counts = new Map<number, number>();
  for (let r = 0; r < t.spanCount; r++) {
    if (t.status[r] === 2) ne++;
    if (t.tree[r] & TREE_PROBLEMS) nf++;
    counts.set(t.service[r], (counts.get(t.service[r]) ?? 0) + 1);
  }
  const errors = new Int32Array(ne);
  const flagged = new Int32Array(nf);
  ne = nf = 0;
  for (let r = 0; r < t.spanCount; r++) {
    if (t.status[r] === 2) errors[ne++] = r;
    if (t.tree[r] & TREE_PROBLEMS) flagged[nf++] = r;
  }
  return { t, slots: serviceSlots(t.services, t.stringCount), errors, flagged, spanCountByService: counts };
}

export function serviceColor(v: TraceView, row: number): string {
  const slot = v.slots[v.t.service[row]];
  return SERVICE_COLORS[slot < 0 ? 0 : slot];
}
