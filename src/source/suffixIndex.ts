// Which workspace file does a foreign path (/app/src/orders/handler.ts, C:\build\src\x.cs,
// com/example/Orders.java) mean? The file whose relative path shares the longest run of trailing segments
// with it. Exactly one best file wins; several equally good ones are an ambiguity reported with the
// candidates — never a guess.
//
// Indexed by lowercased file name and by lowercased "parent/name", so a lookup compares only the files that
// share the last two segments (any file sharing more must be among them), or, when none does, answers from
// the files with that name, which all tie at one segment.

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
  private readonly byTwo = new Map<string, WorkspaceFile[]>();
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
    if (f.segs.length >= 2) {
      const two = `${f.segs[f.segs.length - 2].toLowerCase()}/${name}`;
      const l2 = this.byTwo.get(two);
      if (l2) l2.push(f);
      else this.byTwo.set(two, [f]);
    }
  }

  remove(abs: string): void {
    const f = this.byAbs.get(abs);
    if (!f) return;
    this.byAbs.delete(abs);
    const lower = abs.toLowerCase();
    if (this.byAbsLower.get(lower) === f) this.byAbsLower.delete(lower);
    const name = f.segs[f.segs.length - 1].toLowerCase();
    removeFrom(this.byName, name, f);
    if (f.segs.length >= 2) removeFrom(this.byTwo, `${f.segs[f.segs.length - 2].toLowerCase()}/${name}`, f);
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
    const name = segments[n - 1].toLowerCase();
    let list = n >= 2 ? this.byTwo.get(`${segments[n - 2].toLowerCase()}/${name}`) : undefined;
    if (list) {
      const m = best(list, segments, caseInsensitive);
      if (m && m.score >= 2) return m;
    }
    list = this.byName.get(name);
    if (!list) return null;
    return best(list, segments, caseInsensitive);
  }
}

function removeFrom(map: Map<string, WorkspaceFile[]>, key: string, f: WorkspaceFile): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(f);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}

/** the files sharing the most trailing segments with `segments` */
function best(list: readonly WorkspaceFile[], segments: readonly string[], caseInsensitive: boolean): SuffixMatch | null {
  const n = segments.length;
  let top: WorkspaceFile[] = [];
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
      top = [f];
    } else if (k === bestScore) {
      top.push(f);
    }
  }
  return bestScore === 0 ? null : { files: top, score: bestScore };
}
