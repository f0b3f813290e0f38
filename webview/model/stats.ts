// Per-service and per-operation statistics of one trace: count, total duration, self time (the span's
// duration not covered by any of its children), max duration and errors. Pure.
import type { TraceShape } from './traceShape';
import type { WindowStatRow } from '../../src/protocol/rowWindow';

/** one line of a statistics table (operation '' in the per-service one); the same shape a windowed trace's receiver sends */
export type StatRow = WindowStatRow;

export interface StatsInput extends TraceShape {
  stringCount: number;
  service: Uint32Array;
  name: Uint32Array;
  status: Uint8Array;
  str(i: number): string;
}

/**
 * self time of every row: duration minus the union of its children (clamped to the span); rows [from, to)
 * only when given (a caller working in steps fills `self` a slice at a time)
 */
export function selfTimes(t: TraceShape, from = 0, to = t.spanCount, self = new Float64Array(t.spanCount)): Float64Array {
  for (let r = from; r < to; r++) {
    const s = t.start[r];
    const e = t.end[r];
    const dur = Math.max(0, e - s);
    let covered = 0;
    let curS = 0;
    let curE = -Infinity;
    // children come in start order, so one merge pass finds the union (the direct children, as forEachChild
    // walks them, inline: a callback per span is most of this pass's time while the page's code is still cold)
    for (let c = r + 1, stop = t.subtreeEnd[r]; c < stop; c = t.subtreeEnd[c]) {
      const cs = Math.max(s, t.start[c]);
      const ce = Math.min(e, t.end[c]);
      if (ce <= cs) continue;
      if (cs > curE) {
        if (curE > curS) covered += curE - curS;
        curS = cs;
        curE = ce;
      } else if (ce > curE) curE = ce;
    }
    if (curE > curS) covered += curE - curS;
    self[r] = Math.max(0, dur - covered);
  }
  return self;
}

/**
 * `target` gives the route or path of a row named by its HTTP method alone (rowTarget): such spans are
 * counted per "GET /checkout", not all together as "GET".
 */
export function traceStats(t: StatsInput, target?: (row: number) => string | undefined): { services: StatRow[]; operations: StatRow[] } {
  const self = selfTimes(t);
  const svc = new Map<number, StatRow>();
  const ops = new Map<number, StatRow>(); // key: service index * string count + name index (no string per span)
  const targeted = new Map<string, StatRow>();
  const add = (row: StatRow, r: number) => {
    const d = Math.max(0, t.end[r] - t.start[r]);
    row.count++;
    row.totalNs += d;
    row.selfNs += self[r];
    if (d > row.maxNs) row.maxNs = d;
    if (t.status[r] === 2) row.errors++;
  };
  for (let r = 0; r < t.spanCount; r++) {
    const si = t.service[r];
    let s = svc.get(si);
    if (!s) svc.set(si, (s = { key: `s${si}`, service: t.str(si), operation: '', count: 0, totalNs: 0, selfNs: 0, maxNs: 0, errors: 0 }));
    add(s, r);
    const k = si * t.stringCount + t.name[r];
    const tg = target?.(r);
    const tk = tg === undefined ? '' : `${k} ${tg}`;
    let o = tg === undefined ? ops.get(k) : targeted.get(tk);
    if (!o) {
      const operation = tg === undefined ? t.str(t.name[r]) : `${t.str(t.name[r])} ${tg}`;
      o = { key: `o${tg === undefined ? k : tk}`, service: t.str(si), operation, count: 0, totalNs: 0, selfNs: 0, maxNs: 0, errors: 0 };
      if (tg === undefined) ops.set(k, o);
      else targeted.set(tk, o);
    }
    add(o, r);
  }
  const bySelf = (a: StatRow, b: StatRow) => b.selfNs - a.selfNs || b.totalNs - a.totalNs;
  return { services: [...svc.values()].sort(bySelf), operations: [...ops.values(), ...targeted.values()].sort(bySelf) };
}
