// Which workspace file does a foreign path (/app/src/orders/handler.ts, C:\build\src\x.cs,
// com/example/Orders.java) mean? The file whose relative path shares the longest run of trailing segments
// with it. Exactly one best file wins; several equally good ones are an ambiguity reported with the
// candidates — never a guess.
//
// Indexed by lowercased file name, so a lookup compares only the files with that name.

export interface WorkspaceFile {
  /** normalised absolute path ('/'-separated) */
  abs: string;
  /** index into the resolver's folder list */
  folder: number;
  /** path segments relative to the folder */
  segs: string[];
}

export interface SuffixMatch {
  /** the files sharing the best score (one = a match, several = ambiguous) */
  files: WorkspaceFile[];
  /** how many trailing segments matched (1 = file name only) */
  score: number;
}

export class SuffixIndex {
  private readonly byName = new Map<string, WorkspaceFile[]>();
  private readonly byAbs = new Map<string, WorkspaceFile>();
  private readonly byAbsLower = new Map<string, WorkspaceFile | null>();

  constructor(files: Iterable<WorkspaceFile>) {
    for (const f of files) this.add(f);
  }

  get size(): number {
    return this.byAbs.size;
  }

  add(f: WorkspaceFile): void {
    if (this.byAbs.has(f.abs) || f.segs.length === 0) return;
    this.byAbs.set(f.abs, f);
    const lower = f.abs.toLowerCase();
    // two files differing only in case make a case-insensitive lookup ambiguous: remember that as null
    this.byAbsLower.set(lower, this.byAbsLower.has(lower) ? null : f);
    const name = f.segs[f.segs.length - 1].toLowerCase();
    const list = this.byName.get(name);
    if (list) list.push(f);
    else this.byName.set(name, [f]);
  }

  remove(abs: string): void {
    const f = this.byAbs.get(abs);
    if (!f) return;
    this.byAbs.delete(abs);
    const lower = abs.toLowerCase();
    if (this.byAbsLower.get(lower) === f) this.byAbsLower.delete(lower);
    const name = f.segs[f.segs.length - 1].toLowerCase();
    const list = this.byName.get(name);
    if (list) {
      const i = list.indexOf(f);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byName.delete(name);
    }
  }

  /** the file at exactly this absolute path, if indexed */
  get(abs: string, caseInsensitive = false): WorkspaceFile | undefined {
    const f = this.byAbs.get(abs);
    if (f || !caseInsensitive) return f;
    return this.byAbsLower.get(abs.toLowerCase()) ?? undefined;
  }

  /** Best suffix match for these path segments; null when no file has that name. */
  match(segments: readonly string[], caseInsensitive: boolean): SuffixMatch | null {
    const n = segments.length;
    if (n === 0) return null;
    const list = this.byName.get(segments[n - 1].toLowerCase());
    if (!list) return null;
    let best: WorkspaceFile[] = [];
    let bestScore = 0;
    for (const f of list) {
      const segs = f.segs;
      const max = Math.min(n, segs.length);
      let k = 0;
      if (caseInsensitive) {
        while (k < max && segs[segs.length - 1 - k].toLowerCase() === segments[n - 1 - k].toLowerCase()) k++;
      } else {
        while (k < max && segs[segs.length - 1 - k] === segments[n - 1 - k]) k++;
      }
      if (k === 0) continue; // name matched only case-insensitively on a case-sensitive lookup
      if (k > bestScore) {
        bestScore = k;
        best = [f];
      } else if (k === bestScore) {
        best.push(f);
      }
    }
    return bestScore === 0 ? null : { files: best, score: bestScore };
  }
}
