// Which workspace file does a foreign path (/app/src/orders/handler.ts, C:\build\src\x.cs,
// com/example/Orders.java) mean? The file whose relative path shares the longest run of trailing segments
// with it. Exactly one best file wins; several equally good ones are an ambiguity reported with the
// candidates — never a guess.
//
// A trie over the files' reversed, lowercased path segments (name, parent, grandparent…). Walking a path's
// segments from its end finds the deepest node it shares: every file below that node ties for the best
// score and no other file comes close. A node holding a single file stays collapsed (it keeps the file and
// grows no children until a second file needs to be told apart), so unique names cost one node. Lookups
// cost the path's depth, not the number of files with that name.

export interface WorkspaceFile {
  /** normalised absolute path ('/'-separated) */
  abs: string;
  /** index into the resolver's folder list */
  folder: number;
  /** path segments relative to the folder */
  segs: string[];
  /** segs joined with '/', made on first use */
  rel?: string;
  /** inside a workspace folder after resolving symlinks: the resolver's answer, kept on first use */
  inside?: boolean;
}

export interface SuffixMatch {
  /** the files sharing the best score (one = a match, several = ambiguous; capped, see `total`) */
  files: WorkspaceFile[];
  /** how many files share it */
  total: number;
  /** how many trailing segments matched (1 = file name only) */
  score: number;
}

interface Node {
  /** files in this subtree */
  count: number;
  /** a collapsed node's single file */
  one: WorkspaceFile | null;
  /** files whose whole relative path ends here */
  ends: WorkspaceFile[] | null;
  kids: Map<string, Node> | null;
}

const MAX_LISTED = 200;

const newNode = (): Node => ({ count: 0, one: null, ends: null, kids: null });
const segAt = (f: WorkspaceFile, d: number): string => f.segs[f.segs.length - 1 - d].toLowerCase();

export class SuffixIndex {
  private readonly root: Node = newNode();
  private readonly byAbs = new Map<string, WorkspaceFile>();
  /** built on the first case-insensitive lookup (Windows-origin paths, case-insensitive file systems) */
  private byAbsLower: Map<string, WorkspaceFile | null> | undefined;

  constructor(files: Iterable<WorkspaceFile>) {
    for (const f of files) this.add(f);
  }

  get size(): number {
    return this.byAbs.size;
  }

  add(f: WorkspaceFile): void {
    if (this.byAbs.has(f.abs) || f.segs.length === 0) return;
    this.byAbs.set(f.abs, f);
    if (this.byAbsLower) addLower(this.byAbsLower, f);
    this.root.count++;
    place(this.root, f, 0);
  }

  remove(abs: string): void {
    const f = this.byAbs.get(abs);
    if (!f) return;
    this.byAbs.delete(abs);
    const lower = abs.toLowerCase();
    if (this.byAbsLower?.get(lower) === f) this.byAbsLower.delete(lower);
    let node = this.root;
    node.count--;
    for (let d = 0; ; d++) {
      if (node.one === f) {
        node.one = null;
        return;
      }
      if (d === f.segs.length) {
        if (node.ends) node.ends = node.ends.filter((x) => x !== f);
        return;
      }
      const key = segAt(f, d);
      const child = node.kids?.get(key);
      if (!child) return;
      child.count--;
      if (child.count === 0) node.kids!.delete(key);
      node = child;
    }
  }

  /** the file at exactly this absolute path, if indexed */
  get(abs: string, caseInsensitive = false): WorkspaceFile | undefined {
    const f = this.byAbs.get(abs);
    if (f || !caseInsensitive) return f;
    if (!this.byAbsLower) {
      this.byAbsLower = new Map();
      for (const x of this.byAbs.values()) addLower(this.byAbsLower, x);
    }
    return this.byAbsLower.get(abs.toLowerCase()) ?? undefined;
  }

  /** Best suffix match for these path segments; null when no file has that name. */
  match(segments: readonly string[], caseInsensitive: boolean): SuffixMatch | null {
    const n = segments.length;
    if (n === 0) return null;
    let node = this.root;
    let d = 0;
    let nameNode: Node | undefined;
    for (;;) {
      if (node !== this.root && node.one && node.kids === null && node.ends === null) {
        // collapsed: one file below here; how far does it really match?
        const k = score(node.one, segments, caseInsensitive);
        if (k > 0 && (caseInsensitive || k >= d)) return { files: [node.one], total: 1, score: k };
        break; // only a case-insensitive match on a case-sensitive lookup: see below
      }
      if (d === n) break;
      const child = node.kids?.get(segments[n - 1 - d].toLowerCase());
      if (!child || child.count === 0) break;
      node = child;
      d++;
      if (d === 1) nameNode = child;
    }
    if (!nameNode) return null;
    if (caseInsensitive) {
      const files = collect(node, MAX_LISTED);
      return { files, total: node.count, score: d };
    }
    // case-sensitive: the tie set was found ignoring case; score it exactly, and if case differences
    // changed the answer, score every file with that name
    let m = best(collect(node, MAX_LISTED), segments);
    if (!m || m.score < d) m = best(collect(nameNode, Infinity), segments);
    return m;
  }
}

/** two files differing only in case make a case-insensitive lookup ambiguous: remembered as null */
function addLower(map: Map<string, WorkspaceFile | null>, f: WorkspaceFile): void {
  const lower = f.abs.toLowerCase();
  map.set(lower, map.has(lower) ? null : f);
}

function place(node: Node, f: WorkspaceFile, d: number): void {
  // `node.count` already includes f
  if (d === f.segs.length) {
    (node.ends ??= []).push(f);
    return;
  }
  const key = segAt(f, d);
  let child = node.kids?.get(key);
  if (!child) {
    child = newNode();
    (node.kids ??= new Map()).set(key, child);
  }
  child.count++;
  if (child.count === 1 && child.kids === null && child.ends === null) {
    child.one = f; // stays collapsed
    return;
  }
  if (child.one) {
    const g = child.one;
    child.one = null;
    place(child, g, d + 1);
  }
  place(child, f, d + 1);
}

function collect(node: Node, max: number, out: WorkspaceFile[] = []): WorkspaceFile[] {
  if (out.length >= max) return out;
  if (node.one) out.push(node.one);
  if (node.ends) for (const f of node.ends) if (out.length < max) out.push(f);
  if (node.kids) for (const k of node.kids.values()) if (out.length < max) collect(k, max, out);
  return out;
}

function score(f: WorkspaceFile, segments: readonly string[], caseInsensitive: boolean): number {
  const segs = f.segs;
  const n = segments.length;
  const max = Math.min(n, segs.length);
  let k = 0;
  if (caseInsensitive) {
    while (k < max && segs[segs.length - 1 - k].toLowerCase() === segments[n - 1 - k].toLowerCase()) k++;
  } else {
    while (k < max && segs[segs.length - 1 - k] === segments[n - 1 - k]) k++;
  }
  return k;
}

/** the files sharing the most trailing segments (exact case) with `segments` */
function best(list: readonly WorkspaceFile[], segments: readonly string[]): SuffixMatch | null {
  let top: WorkspaceFile[] = [];
  let bestScore = 0;
  for (const f of list) {
    const k = score(f, segments, false);
    if (k === 0) continue;
    if (k > bestScore) {
      bestScore = k;
      top = [f];
    } else if (k === bestScore) {
      top.push(f);
    }
  }
  return bestScore === 0 ? null : { files: top.slice(0, MAX_LISTED), total: top.length, score: bestScore };
}
