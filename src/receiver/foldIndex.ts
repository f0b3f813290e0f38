// Which rows of a big trace a view shows, without a list of them (issue 26): rows are depth-first, so a
// collapsed row hides one range, and the collapsed rows that are themselves shown ("folds") hide disjoint
// ranges. The folds are kept ascending with the count of rows hidden before each, so a display index and
// a row convert into each other by a binary search over the folds, and collapse all, expand all and a
// toggle change the folds, never a list of every row. No vscode, no I/O.

/** what the index reads of an ordered trace (a decoded packed trace has it) */
export interface FoldShape {
  spanCount: number;
  parent: Int32Array;
  depth: Int32Array;
  subtreeEnd: Int32Array;
  childCount: Int32Array;
}

export class FoldIndex {
  /** 1 for a collapsed row; allocated on the first collapse (a view that never collapses costs nothing) */
  private c: Uint8Array | null = null;
  /** the folds, ascending: collapsed rows no collapsed row hides */
  private folds = new Int32Array(16);
  private k = 0;
  /** rows hidden by folds[0..j) (k + 1 entries) */
  private hidden = new Float64Array(17);

  constructor(private readonly t: FoldShape) {}

  /** rows shown */
  get total(): number {
    return this.t.spanCount - this.hidden[this.k];
  }

  isCollapsed(r: number): boolean {
    return this.c !== null && this.c[r] === 1;
  }

  /** the collapsed flags (an all-zero array when nothing was ever collapsed) */
  collapsedFlags(): Uint8Array {
    return this.collapsed();
  }

  /** the row shown at display index i (0 ≤ i < total) */
  rowAt(i: number): number {
    // the last fold shown at or before i (fold j is shown at folds[j] - hidden[j])
    let lo = 0;
    let hi = this.k - 1;
    let j = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.folds[mid] - this.hidden[mid] <= i) {
        j = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (j >= 0 && this.folds[j] - this.hidden[j] === i) return this.folds[j];
    return i + this.hidden[j + 1];
  }

  /** the row shown after `r` (r shown), or the span count */
  next(r: number): number {
    return this.isCollapsed(r) ? this.t.subtreeEnd[r] : r + 1;
  }

  /** display index of row r, or -1 when a collapsed ancestor hides it */
  indexOf(r: number): number {
    const c = this.foldsBefore(r);
    if (c > 0 && this.t.subtreeEnd[this.folds[c - 1]] > r) return -1;
    return r - this.hidden[c];
  }

  /** rows shown before row r (r may be hidden, or the span count) */
  shownBefore(r: number): number {
    const c = this.foldsBefore(r);
    if (c > 0) {
      const f = this.folds[c - 1];
      if (this.t.subtreeEnd[f] > r) return f - this.hidden[c - 1] + 1;
    }
    return r - this.hidden[c];
  }

  /** whether no collapsed ancestor hides row r */
  isShown(r: number): boolean {
    return this.indexOf(r) >= 0;
  }

  expandAll(): void {
    this.c?.fill(0);
    this.k = 0;
  }

  collapseAll(): void {
    const { t } = this;
    const c = this.collapsed();
    this.k = 0;
    for (let r = 0; r < t.spanCount; r = t.subtreeEnd[r]) this.push(r, t.childCount[r] > 0);
    for (let r = 0; r < t.spanCount; r++) c[r] = t.childCount[r] > 0 ? 1 : 0;
    this.sumFrom(0);
  }

  /** `levels` levels shown (1: roots only): every row with children at depth levels-1 or deeper collapsed */
  expandToLevel(levels: number): void {
    const { t } = this;
    const c = this.collapsed();
    this.k = 0;
    for (let r = 0; r < t.spanCount; r++) {
      const fold = t.childCount[r] > 0 && t.depth[r] >= levels - 1;
      c[r] = fold ? 1 : 0;
      if (fold && t.depth[r] === levels - 1) this.push(r, true);
    }
    this.sumFrom(0);
  }

  /** collapses or expands row r */
  set(r: number, collapse: boolean): void {
    if (collapse === this.isCollapsed(r) || (collapse && this.t.childCount[r] === 0)) return;
    const shown = this.isShown(r);
    this.collapsed()[r] = collapse ? 1 : 0;
    if (!shown) return; // a fold above hides r: the folds stay
    if (collapse) this.fold(r);
    else this.unfold(r);
  }

  /** collapses (or expands) r and every row below it */
  setSubtree(r: number, collapse: boolean): void {
    const { t } = this;
    const c = this.collapsed();
    const shown = this.isShown(r);
    for (let x = r; x < t.subtreeEnd[r]; x++) c[x] = collapse && t.childCount[x] > 0 ? 1 : 0;
    if (!shown) return;
    if (c[r]) this.fold(r);
    else this.replace(this.foldsBefore(r), this.foldsBefore(t.subtreeEnd[r]), []);
  }

  /** expands the ancestors of r so that it is shown */
  reveal(r: number): void {
    if (!this.c) return;
    let any = false;
    for (let a = this.t.parent[r]; a !== -1; a = this.t.parent[a]) if (this.c[a]) any = true;
    if (!any) return;
    // the fold that hides r goes; what it exposes is found below it with r's ancestors already expanded
    const f = this.folds[this.foldsBefore(r) - 1];
    for (let a = this.t.parent[r]; a !== -1; a = this.t.parent[a]) this.c[a] = 0;
    this.unfold(f);
  }

  /** folds below row r */
  private foldsBefore(r: number): number {
    let lo = 0;
    let hi = this.k;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.folds[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** r (shown) was collapsed: it hides the folds inside it */
  private fold(r: number): void {
    this.replace(this.foldsBefore(r), this.foldsBefore(this.t.subtreeEnd[r]), [r]);
  }

  /** r (a fold) was expanded: the collapsed rows it exposes become folds */
  private unfold(r: number): void {
    const { t } = this;
    const c = this.collapsed();
    const exposed: number[] = [];
    // every row shown below r is visited once; a collapsed one is jumped over
    for (let x = r + 1, e = t.subtreeEnd[r]; x < e; ) {
      if (c[x]) {
        exposed.push(x);
        x = t.subtreeEnd[x];
      } else x++;
    }
    const at = this.foldsBefore(r);
    this.replace(at, this.folds[at] === r ? at + 1 : at, exposed);
  }

  /** folds[from..to) become `rows` (ascending, in the same place of the order) */
  private replace(from: number, to: number, rows: number[]): void {
    const grow = rows.length - (to - from);
    this.reserve(this.k + grow);
    this.folds.copyWithin(from + rows.length, to, this.k);
    for (let j = 0; j < rows.length; j++) this.folds[from + j] = rows[j];
    this.k += grow;
    this.sumFrom(from);
  }

  private push(r: number, fold: boolean): void {
    if (!fold) return;
    this.reserve(this.k + 1);
    this.folds[this.k++] = r;
  }

  private reserve(k: number): void {
    if (k <= this.folds.length) return;
    let size = this.folds.length;
    while (size < k) size *= 2;
    const f = new Int32Array(size);
    f.set(this.folds.subarray(0, this.k));
    this.folds = f;
    const h = new Float64Array(size + 1);
    h.set(this.hidden.subarray(0, this.k + 1));
    this.hidden = h;
  }

  private sumFrom(j: number): void {
    const { t } = this;
    for (let m = j; m < this.k; m++) this.hidden[m + 1] = this.hidden[m] + (t.subtreeEnd[this.folds[m]] - this.folds[m] - 1);
  }

  private collapsed(): Uint8Array {
    return (this.c ??= new Uint8Array(this.t.spanCount));
  }
}
