// The search page's summary columns (src/protocol/exploreColumns.ts) kept as traces come, change and go: one
// slot per trace in typed arrays, strings and service sets counted by the slots that use them. Opening the
// page then copies these arrays into one buffer (a few ms for 100,000 traces) instead of encoding every
// summary again, and a first screen (the newest rows and a sample of the plot) is picked without sorting.
// Browser-safe: no Node modules.
import type { TraceSummary } from '../protocol/api';
import { ROW_FILE, ROW_INCOMPLETE, ROW_PINNED, writeColumns } from '../protocol/exploreColumns';
import { isIncomplete, rootLabel } from '../tracelist/format';

const enc = new TextEncoder();

/** strings by id, each counted by its users; a freed id is reused, its bytes become slack until compacted */
class StringTable {
  private ids = new Map<string, number>();
  private values: (string | null)[] = [];
  private refs: number[] = [];
  private freeIds: number[] = [];
  offsets = new Uint32Array(1024);
  lengths = new Uint32Array(1024);
  text = new Uint8Array(64 * 1024);
  textLength = 0;
  private slack = 0;

  get count(): number {
    return this.values.length;
  }

  acquire(s: string): number {
    let id = this.ids.get(s);
    if (id !== undefined) {
      this.refs[id]++;
      return id;
    }
    id = this.freeIds.length ? this.freeIds.pop()! : this.values.length;
    if (id === this.values.length) {
      this.values.push(s);
      this.refs.push(1);
      if (id >= this.offsets.length) {
        this.offsets = grow32(this.offsets, id + 1);
        this.lengths = grow32(this.lengths, id + 1);
      }
    } else {
      this.values[id] = s;
      this.refs[id] = 1;
    }
    this.ids.set(s, id);
    this.place(id, s);
    return id;
  }

  release(id: number): void {
    if (--this.refs[id] > 0) return;
    this.ids.delete(this.values[id]!);
    this.values[id] = null;
    this.slack += this.lengths[id];
    this.lengths[id] = 0;
    this.freeIds.push(id);
    // freed bytes past the live ones: write the live strings again, packed
    if (this.slack > 1024 * 1024 && this.slack > this.textLength - this.slack) this.compact();
  }

  private place(id: number, s: string): void {
    // at most 3 bytes per UTF-16 unit
    if (this.textLength + s.length * 3 > this.text.length) this.text = grow8(this.text, this.textLength + s.length * 3);
    const { written } = enc.encodeInto(s, this.text.subarray(this.textLength));
    this.offsets[id] = this.textLength;
    this.lengths[id] = written;
    this.textLength += written;
  }

  private compact(): void {
    const old = this.text;
    this.text = new Uint8Array(Math.max(64 * 1024, (this.textLength - this.slack) * 2));
    let at = 0;
    for (let id = 0; id < this.values.length; id++) {
      if (this.values[id] === null) {
        this.offsets[id] = 0;
        continue;
      }
      this.text.set(old.subarray(this.offsets[id], this.offsets[id] + this.lengths[id]), at);
      this.offsets[id] = at;
      at += this.lengths[id];
    }
    this.textLength = at;
    this.slack = 0;
  }

  clear(): void {
    this.ids.clear();
    this.values = [];
    this.refs = [];
    this.freeIds = [];
    this.textLength = 0;
    this.slack = 0;
  }

  value(id: number): string {
    return this.values[id] ?? '';
  }
}

/** sets of services (as lists of string ids), each counted by the slots that use it */
class SetTable {
  private ids = new Map<string, number>();
  private keys: (string | null)[] = [];
  private refs: number[] = [];
  private freeIds: number[] = [];
  members: (Uint32Array | null)[] = [];

  constructor(private readonly strings: StringTable) {}

  get count(): number {
    return this.keys.length;
  }

  acquire(services: readonly string[]): number {
    const key = services.join('\n');
    let id = this.ids.get(key);
    if (id !== undefined) {
      this.refs[id]++;
      return id;
    }
    id = this.freeIds.length ? this.freeIds.pop()! : this.keys.length;
    const members = Uint32Array.from(services, (s) => this.strings.acquire(s));
    if (id === this.keys.length) {
      this.keys.push(key);
      this.refs.push(1);
      this.members.push(members);
    } else {
      this.keys[id] = key;
      this.refs[id] = 1;
      this.members[id] = members;
    }
    this.ids.set(key, id);
    return id;
  }

  release(id: number): void {
    if (--this.refs[id] > 0) return;
    this.ids.delete(this.keys[id]!);
    for (const s of this.members[id]!) this.strings.release(s);
    this.keys[id] = null;
    this.members[id] = null;
    this.freeIds.push(id);
  }

  clear(): void {
    this.ids.clear();
    this.keys = [];
    this.refs = [];
    this.freeIds = [];
    this.members = [];
  }

  /** offsets and the concatenated lists, in set order (a freed set is empty) */
  flatten(): { offsets: Uint32Array; list: Uint32Array; length: number } {
    const offsets = new Uint32Array(this.members.length + 1);
    let length = 0;
    for (let i = 0; i < this.members.length; i++) {
      offsets[i] = length;
      length += this.members[i]?.length ?? 0;
    }
    offsets[this.members.length] = length;
    const list = new Uint32Array(length);
    for (let i = 0; i < this.members.length; i++) if (this.members[i]) list.set(this.members[i]!, offsets[i]);
    return { offsets, list, length };
  }
}

function grow32(a: Uint32Array, min: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}
function grow8(a: Uint8Array, min: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}
function growF64(a: Float64Array, min: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}

export class SummaryColumnsIndex {
  private readonly strings = new StringTable();
  private readonly sets = new SetTable(this.strings);
  private readonly slotOf = new Map<string, number>();
  private freeSlots: number[] = [];
  /** slots in use or freed: [0, top) */
  private top = 0;
  private start = new Float64Array(1024);
  private duration = new Float64Array(1024);
  private spans = new Uint32Array(1024);
  private errors = new Uint32Array(1024);
  private rootService = new Uint32Array(1024);
  private label = new Uint32Array(1024);
  private traceId = new Uint32Array(1024);
  private serviceSet = new Uint32Array(1024);
  private flags = new Uint8Array(1024);
  /** one label string per root name and target: rootLabel once per distinct pair */
  private labels = new Map<string, Map<string | undefined, string>>();

  /** traces held */
  get size(): number {
    return this.slotOf.size;
  }

  has(traceId: string): boolean {
    return this.slotOf.has(traceId);
  }

  /** the trace's row, new or changed */
  upsert(s: TraceSummary): void {
    let slot = this.slotOf.get(s.traceId);
    if (slot === undefined) {
      slot = this.freeSlots.length ? this.freeSlots.pop()! : this.top++;
      if (slot >= this.start.length) this.growSlots(slot + 1);
      this.slotOf.set(s.traceId, slot);
      this.traceId[slot] = this.strings.acquire(s.traceId);
    } else {
      // acquire before release: a string or set used by both the old and the new row is not freed between
      const rs = this.strings.acquire(s.rootService);
      const lb = this.strings.acquire(this.labelOf(s));
      const ss = this.sets.acquire(s.services);
      this.strings.release(this.rootService[slot]);
      this.strings.release(this.label[slot]);
      this.sets.release(this.serviceSet[slot]);
      this.fill(slot, s, rs, lb, ss);
      return;
    }
    this.fill(slot, s, this.strings.acquire(s.rootService), this.strings.acquire(this.labelOf(s)), this.sets.acquire(s.services));
  }

  remove(traceId: string): void {
    const slot = this.slotOf.get(traceId);
    if (slot === undefined) return;
    this.slotOf.delete(traceId);
    this.strings.release(this.traceId[slot]);
    this.strings.release(this.rootService[slot]);
    this.strings.release(this.label[slot]);
    this.sets.release(this.serviceSet[slot]);
    this.flags[slot] = 0;
    this.freeSlots.push(slot);
  }

  clear(): void {
    this.slotOf.clear();
    this.freeSlots = [];
    this.top = 0;
    this.strings.clear();
    this.sets.clear();
    this.labels.clear();
  }

  /** every trace's row (in slot order) as one buffer */
  encode(): Uint8Array {
    return this.encodeSlots(this.liveSlots(), 0);
  }

  /**
   * A first screen: the `first` newest traces, newest first, then up to `sample` others spread evenly over
   * the slots, and the traces at the edges of the plot (earliest, latest, shortest, longest) so its axes are
   * those of the whole set. Every row when there are no more than that.
   */
  encodeFirstScreen(first: number, sample: number): Uint8Array {
    // a store that small is sent whole
    if (this.slotOf.size <= first + sample) return this.encode();
    const live = this.liveSlots();
    const top = newest(this.start, live, first);
    const chosen = new Set<number>(top);
    const rest: number[] = [];
    const pick = (slot: number) => {
      if (!chosen.has(slot)) {
        chosen.add(slot);
        rest.push(slot);
      }
    };
    if (live.length) {
      let tMin = live[0];
      let dMin = live[0];
      let dMax = live[0];
      for (const slot of live) {
        if (this.start[slot] < this.start[tMin]) tMin = slot;
        if (this.duration[slot] < this.duration[dMin]) dMin = slot;
        if (this.duration[slot] > this.duration[dMax]) dMax = slot;
      }
      pick(tMin);
      pick(dMin);
      pick(dMax);
    }
    const step = live.length / Math.max(1, sample);
    for (let i = 0; i < sample && i * step < live.length; i++) pick(live[Math.floor(i * step)]);
    return this.encodeSlots(Uint32Array.from([...top, ...rest]), top.length);
  }

  private liveSlots(): Uint32Array {
    const out = new Uint32Array(this.slotOf.size);
    if (this.freeSlots.length === 0) {
      for (let i = 0; i < out.length; i++) out[i] = i;
      return out;
    }
    const free = new Uint8Array(this.top);
    for (const s of this.freeSlots) free[s] = 1;
    let k = 0;
    for (let i = 0; i < this.top; i++) if (!free[i]) out[k++] = i;
    return out;
  }

  private encodeSlots(slots: Uint32Array, first: number): Uint8Array {
    const n = slots.length;
    const whole = n === this.top;
    const total = this.slotOf.size;
    const strings = this.strings;
    if (whole && n === total) {
      // every slot in use: the arrays as they are
      const sets = this.sets.flatten();
      return writeColumns({
        n, first, total, start: this.start, duration: this.duration, spans: this.spans, errors: this.errors, rootService: this.rootService,
        label: this.label, traceId: this.traceId, serviceSet: this.serviceSet, sets: this.sets.count, setOffsets: sets.offsets,
        setListLength: sets.length, setServices: sets.list, flags: this.flags, strings: strings.count, stringOffsets: strings.offsets,
        stringLengths: strings.lengths, text: strings.text, textLength: strings.textLength,
      });
    }
    // plain loops: TypedArray.from with a map function iterates, several times slower
    const pickF64 = (a: Float64Array) => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = a[slots[i]];
      return out;
    };
    const pickU32 = (a: Uint32Array) => {
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = a[slots[i]];
      return out;
    };
    const pickU8 = (a: Uint8Array) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = a[slots[i]];
      return out;
    };
    if (n > total / 2) {
      // most rows: the string table and the sets as they are, the rows gathered
      const sets = this.sets.flatten();
      return writeColumns({
        n, first, total, start: pickF64(this.start), duration: pickF64(this.duration), spans: pickU32(this.spans), errors: pickU32(this.errors),
        rootService: pickU32(this.rootService), label: pickU32(this.label), traceId: pickU32(this.traceId), serviceSet: pickU32(this.serviceSet),
        sets: this.sets.count, setOffsets: sets.offsets, setListLength: sets.length, setServices: sets.list, flags: pickU8(this.flags),
        strings: strings.count, stringOffsets: strings.offsets, stringLengths: strings.lengths, text: strings.text, textLength: strings.textLength,
      });
    }
    // a few rows (a first screen): their own small string table and sets
    const strIds = new Map<number, number>();
    const offsets: number[] = [];
    const lengths: number[] = [];
    let textLength = 0;
    const str = (id: number): number => {
      let k = strIds.get(id);
      if (k === undefined) {
        k = offsets.length;
        strIds.set(id, k);
        offsets.push(textLength);
        lengths.push(strings.lengths[id]);
        textLength += strings.lengths[id];
      }
      return k;
    };
    const setIds = new Map<number, number>();
    const setOffsets: number[] = [0];
    const setList: number[] = [];
    const set = (id: number): number => {
      let k = setIds.get(id);
      if (k === undefined) {
        k = setIds.size;
        setIds.set(id, k);
        for (const s of this.sets.members[id]!) setList.push(str(s));
        setOffsets.push(setList.length);
      }
      return k;
    };
    const rootService = new Uint32Array(n);
    const label = new Uint32Array(n);
    const traceId = new Uint32Array(n);
    const serviceSet = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const slot = slots[i];
      rootService[i] = str(this.rootService[slot]);
      label[i] = str(this.label[slot]);
      traceId[i] = str(this.traceId[slot]);
      serviceSet[i] = set(this.serviceSet[slot]);
    }
    const text = new Uint8Array(textLength);
    for (const [id, k] of strIds) text.set(strings.text.subarray(strings.offsets[id], strings.offsets[id] + strings.lengths[id]), offsets[k]);
    return writeColumns({
      n, first, total, start: pickF64(this.start), duration: pickF64(this.duration), spans: pickU32(this.spans), errors: pickU32(this.errors),
      rootService, label, traceId, serviceSet, sets: setIds.size, setOffsets: Uint32Array.from(setOffsets), setListLength: setList.length,
      setServices: Uint32Array.from(setList), flags: pickU8(this.flags), strings: offsets.length,
      stringOffsets: Uint32Array.from(offsets), stringLengths: Uint32Array.from(lengths), text, textLength,
    });
  }

  private fill(slot: number, s: TraceSummary, rootService: number, label: number, set: number): void {
    this.start[slot] = s.startMs;
    this.duration[slot] = s.durationMs;
    this.spans[slot] = s.spanCount;
    this.errors[slot] = s.errorCount;
    this.rootService[slot] = rootService;
    this.label[slot] = label;
    this.serviceSet[slot] = set;
    this.flags[slot] = (s.pinned ? ROW_PINNED : 0) | (isIncomplete(s) ? ROW_INCOMPLETE : 0) | (s.source === 'file' ? ROW_FILE : 0);
  }

  private labelOf(s: TraceSummary): string {
    let m = this.labels.get(s.rootName);
    if (!m) {
      // names come and go with traces: a cache past a bound starts again rather than keep every name ever seen
      if (this.labels.size > 10_000) this.labels.clear();
      this.labels.set(s.rootName, (m = new Map()));
    }
    let l = m.get(s.rootTarget);
    if (l === undefined) m.set(s.rootTarget, (l = rootLabel(s)));
    return l;
  }

  private growSlots(min: number): void {
    this.start = growF64(this.start, min);
    this.duration = growF64(this.duration, min);
    this.spans = grow32(this.spans, min);
    this.errors = grow32(this.errors, min);
    this.rootService = grow32(this.rootService, min);
    this.label = grow32(this.label, min);
    this.traceId = grow32(this.traceId, min);
    this.serviceSet = grow32(this.serviceSet, min);
    this.flags = grow8(this.flags, min);
  }

  /** the string a row's column refers to (for tests and checks) */
  stringOf(id: number): string {
    return this.strings.value(id);
  }
}

/**
 * The `k` slots with the latest start, latest first (ties: the lower slot first): a heap of the k latest seen,
 * its root the earliest of them, so each slot costs a comparison and at most log k steps, whatever order the
 * slots are in (newest first after a fill from the store's list, oldest first as traces arrive).
 */
function newest(start: Float64Array, live: Uint32Array, k: number): number[] {
  const later = (a: number, b: number) => start[a] > start[b] || (start[a] === start[b] && a < b);
  const heap: number[] = [];
  if (k <= 0) return heap;
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && later(heap[m], heap[l])) m = l;
      if (r < heap.length && later(heap[m], heap[r])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (const slot of live) {
    if (heap.length < k) {
      heap.push(slot);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!later(heap[p], heap[i])) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    } else if (later(slot, heap[0])) {
      heap[0] = slot;
      down(0);
    }
  }
  return heap.sort((a, b) => (later(a, b) ? -1 : later(b, a) ? 1 : 0));
}
