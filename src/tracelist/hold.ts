// Keeping the live trace list still while the user works in it. At a few requests a second new rows are
// inserted at the top all the time, and a row the user aims at moves away under the pointer. A tree view
// tells an extension neither where the pointer is nor whether the view has focus, so the list holds new
// traces back when what it can see says the user is at work there:
//   - a row was selected (click or keyboard), a group expanded or collapsed, or a row's command run, within
//     the last HOLD_MS (each of these starts the period again);
//   - or the user paused the list (the view's title bar), until they resume it.
// While held, the rows keep their order and groups (their figures still update in place); traces that
// arrive are counted, and a "N new traces — show" row at the top brings them in. Removed traces go.
// No editor API here: src/host/traceList.ts wires it.
import type { TraceSummary } from '../protocol/api';
import { matchesView, type TraceGroup, type TraceListView, type ViewOptions } from './traceListModel';

/** how long after the last selection (or other action in the list) new traces are held back */
export const HOLD_MS = 15_000;

export class ListHold {
  private paused = false;
  private lastTouchMs = -Infinity;

  constructor(private readonly holdMs = HOLD_MS) {}

  /** The user acted in the list (selected a row, expanded a group, ran a row's command). */
  touch(nowMs: number): void {
    this.lastTouchMs = nowMs;
  }

  pause(): void {
    this.paused = true;
  }

  /** Paused or not, the list follows arrivals again right away. */
  resume(): void {
    this.paused = false;
    this.lastTouchMs = -Infinity;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  holding(nowMs: number): boolean {
    return this.paused || nowMs - this.lastTouchMs < this.holdMs;
  }

  /** ms until holding ends by itself; undefined when it is not holding or is paused (no end of its own) */
  endsInMs(nowMs: number): number | undefined {
    if (this.paused || !this.holding(nowMs)) return undefined;
    return this.lastTouchMs + this.holdMs - nowMs;
  }
}

/** The rows as the user saw them when holding began. */
export interface FrozenList {
  groups: ReadonlyArray<{ key: string; label: string; ids: readonly string[]; hidden: number }>;
  /** the list knew every trace whose arrival number is at most this (shown, or beyond the row limit) */
  knownUpTo: number;
}

/** `knownUpTo`: the arrival count (TraceListState.lastArrival) when `view` was computed */
export function freeze(view: TraceListView, knownUpTo: number): FrozenList {
  return {
    groups: view.groups.map((g) => ({ key: g.key, label: g.label, ids: g.traces.map((t) => t.traceId), hidden: g.hidden })),
    knownUpTo,
  };
}

export interface HeldView extends TraceListView {
  /** traces that arrived since holding began and match the filter: not shown until the user asks */
  held: number;
}

/**
 * The frozen rows with their current figures, in their frozen groups and order (traces removed since are
 * left out, and groups left empty), and how many new matching traces are held back.
 */
export function computeHeldView(
  traces: Iterable<TraceSummary>,
  get: (traceId: string) => TraceSummary | undefined,
  arrivalOf: (traceId: string) => number | undefined,
  o: ViewOptions,
  frozen: FrozenList,
): HeldView {
  let total = 0;
  let held = 0;
  for (const s of traces) {
    total++;
    if ((arrivalOf(s.traceId) ?? Infinity) > frozen.knownUpTo && matchesView(o, s)) held++;
  }
  const groups: TraceGroup[] = [];
  let matched = 0;
  for (const g of frozen.groups) {
    const rows: TraceSummary[] = [];
    let errorTraces = 0;
    for (const id of g.ids) {
      const s = get(id);
      if (!s) continue;
      rows.push(s);
      if (s.errorCount > 0) errorTraces++;
    }
    if (rows.length === 0 && g.hidden === 0) continue;
    matched += rows.length + g.hidden;
    groups.push({ key: g.key, label: g.label, count: rows.length + g.hidden, errorTraces, traces: rows, hidden: g.hidden });
  }
  return { total, matched, groups, held };
}
