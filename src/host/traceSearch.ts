// Answers the attribute terms of the trace-list filter (`http.route=/cart`). Summaries carry no attributes
// and the receiver has no search route, so the newest candidate traces (those passing the summary terms)
// are fetched as OTLP JSON a few at a time and checked with the pure matcher; answers are cached per trace
// until it grows.
import type { ApiClient } from '../receiver/apiClient';
import type { TraceSummary } from '../protocol/api';
import { matchesSummary, type TraceFilter } from '../tracelist/filter';
import { traceMatchesAttributes } from '../tracelist/attributeMatch';
import { compareDecimal } from '../tracelist/traceListModel';
import type { ComponentLog } from './log';
import { errorText } from './log';

export const SEARCH_LIMIT = 300; // candidates checked per filter (newest first)
const CONCURRENCY = 4;

interface Answer {
  spanCount: number;
  match: boolean;
}

export class AttributeSearch {
  private readonly answers = new Map<string, Answer>();
  private readonly matched = new Set<string>();
  private filterKey = '';
  private generation = 0;
  private queue: TraceSummary[] = [];
  private running = 0;
  private candidates = 0;
  private capped = false;

  constructor(
    private readonly api: () => ApiClient | undefined,
    private readonly log: ComponentLog,
    private readonly onUpdate: () => void,
  ) {}

  get matches(): ReadonlySet<string> {
    return this.matched;
  }

  /** Starts checking whatever the current filter still needs (cheap when nothing is left to do). */
  ensure(filter: TraceFilter, traces: Iterable<TraceSummary>): void {
    const key = JSON.stringify(filter.attributes) + '\u0000' + filter.source;
    if (key !== this.filterKey) {
      this.clear();
      this.filterKey = key;
    }
    const candidates: TraceSummary[] = [];
    for (const s of traces) if (matchesSummary(filter, s)) candidates.push(s);
    candidates.sort((a, b) => compareDecimal(b.startTimeUnixNano, a.startTimeUnixNano));
    this.capped = candidates.length > SEARCH_LIMIT;
    const wanted = candidates.slice(0, SEARCH_LIMIT);
    this.candidates = wanted.length;
    const queued = new Set(this.queue.map((s) => s.traceId));
    for (const s of wanted) {
      const a = this.answers.get(s.traceId);
      if ((!a || a.spanCount !== s.spanCount) && !queued.has(s.traceId)) this.queue.push(s);
    }
    const gen = this.generation;
    while (this.running < CONCURRENCY && this.queue.length > 0) void this.work(filter, gen);
  }

  private async work(filter: TraceFilter, gen: number): Promise<void> {
    this.running++;
    try {
      for (let s = this.queue.shift(); s && gen === this.generation; s = this.queue.shift()) {
        const api = this.api();
        if (!api) return;
        try {
          const otlp = await api.trace(s.traceId);
          if (gen !== this.generation) return;
          const match = otlp ? traceMatchesAttributes(otlp, filter.attributes) : false;
          this.answers.set(s.traceId, { spanCount: s.spanCount, match });
          if (match) this.matched.add(s.traceId);
          else this.matched.delete(s.traceId);
        } catch (e) {
          this.log.warn(`attribute filter: could not read trace ${s.traceId}: ${errorText(e)}`);
        }
      }
    } finally {
      if (gen === this.generation) {
        this.running--;
        if (this.running === 0) this.onUpdate();
      }
    }
  }

  /** Traces that changed or went away need a new answer. */
  invalidate(upserted: readonly TraceSummary[], removed: readonly string[]): void {
    for (const s of upserted) {
      const a = this.answers.get(s.traceId);
      if (a && a.spanCount !== s.spanCount) this.answers.delete(s.traceId);
    }
    for (const id of removed) {
      this.answers.delete(id);
      this.matched.delete(id);
    }
  }

  clear(): void {
    this.generation++;
    this.answers.clear();
    this.matched.clear();
    this.queue = [];
    this.running = 0;
    this.filterKey = '';
  }

  /** A note for the view's description while searching, or when only the newest candidates were searched. */
  progressNote(): string {
    if (this.filterKey === '') return '';
    if (this.running > 0 || this.queue.length > 0) return ` · searching attributes (${this.candidates - this.queue.length}/${this.candidates})`;
    return this.capped ? ` · attributes searched in the ${SEARCH_LIMIT} newest` : '';
  }
}
