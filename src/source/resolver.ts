// Raw location (what the telemetry says) → a file and line in this workspace, with the layer that answered
// and a confidence, or a reason it cannot be placed. No `vscode` here: the workspace comes through a
// WorkspaceAdapter, so the same code serves the editor, the CLI and the tests.
//
// Order for a path: user path mappings → the path itself (inside a workspace folder) → relative to each
// folder → longest unique suffix among the workspace's files. Then, for built JavaScript, its source map.
// Whatever wins must be inside a workspace folder after resolving symlinks. For a function name only:
// files its namespace suggests, then the symbol provider (or a text scan), lower confidence.
//
// Confidence (0..1): 1 exact path · 0.95 user mapping · 0.9 suffix of ≥2 segments · 0.6 file name only ·
// 0.5 symbol narrowed by namespace · 0.4 symbol by name only; times 0.9 for a stack-trace frame and 0.8
// for a log record's location (the span's code is near, not at, that line).
import { isWithin, normalizeRawPath, toNormalLocal, type NormalPath } from './paths';
import type { LocationLayer, RawLocation } from './signal';
import { isBuiltJs, SourceMaps } from './sourceMaps';
import { SuffixIndex, type WorkspaceFile } from './suffixIndex';
import { findDefinitions, isSourceFile, namespaceFileGuesses } from './textSymbols';
import type { SymbolMatch, WorkspaceAdapter, WorkspaceFolderInfo } from './workspace';

export type ResolveVia = 'path' | 'mapping' | 'suffix' | 'symbol';

export interface Resolved {
  ok: true;
  /** local absolute path (as the adapter spells it) */
  path: string;
  folder: WorkspaceFolderInfo;
  /** '/'-separated, relative to `folder` */
  rel: string;
  line?: number;
  column?: number;
  layer: LocationLayer;
  via: ResolveVia;
  confidence: number;
  /** the position came through a source map from a built file */
  sourceMapped?: boolean;
  /** something the user should know (e.g. "matched by file name only") */
  note?: string;
}

export type UnresolvedReason = 'no-signal' | 'unsafe-path' | 'not-in-workspace' | 'ambiguous' | 'no-symbol';

export interface Candidate {
  path: string;
  rel: string;
  folder: string;
  line?: number;
}

export interface Unresolved {
  ok: false;
  reason: UnresolvedReason;
  /** a sentence for the user */
  message: string;
  layer?: LocationLayer;
  /** the path as the telemetry gave it (to offer a path mapping for) */
  rawFile?: string;
  candidates?: Candidate[];
}

export type Resolution = Resolved | Unresolved;

/** `from` (a path prefix as the telemetry spells it) → `to` (a workspace path; `${workspaceFolder}` allowed) */
export type PathMappings = Record<string, string> | ReadonlyArray<{ from: string; to: string }>;

interface Mapping {
  from: string; // normalised, no trailing '/'
  windows: boolean;
  to: string; // normalised local absolute
}

interface FileHit {
  file: WorkspaceFile;
  via: ResolveVia;
  confidence: number;
  note?: string;
}

const LAYER_FACTOR: Record<LocationLayer, number> = { attributes: 1, stacktrace: 0.9, log: 0.8, name: 1 };
const MAX_CANDIDATES = 20;

export class SourceResolver {
  /** key/prefix: the normalised folder path (lowercased on case-insensitive file systems) and it + '/' */
  private readonly folders: { info: WorkspaceFolderInfo; norm: string; real: string; key: string; prefix: string }[];
  private index: SuffixIndex | undefined;
  private mappings: Mapping[] = [];
  readonly mappingErrors: string[] = [];
  private readonly fileCache = new Map<string, FileHit | Unresolved>();
  private readonly realCache = new Map<string, string | null>();
  private readonly maps: SourceMaps;
  private readonly caseInsensitiveFs: boolean;

  constructor(private readonly ws: WorkspaceAdapter, mappings: PathMappings = {}, options: { caseInsensitiveFs?: boolean } = {}) {
    this.caseInsensitiveFs = options.caseInsensitiveFs ?? (process.platform === 'win32' || process.platform === 'darwin');
    this.folders = ws.folders.map((info) => {
      const norm = toNormalLocal(info.path);
      const real = ws.realpath(info.path);
      const key = this.caseInsensitiveFs ? norm.toLowerCase() : norm;
      return { info, norm, real: real ? toNormalLocal(real) : norm, key, prefix: key.endsWith('/') ? key : key + '/' };
    });
    this.maps = new SourceMaps((abs) => (this.folderOf(abs) !== undefined ? this.ws.readText(this.localPath(abs)) : null));
    this.setMappings(mappings);
  }

  /** Replace the user's path mappings. Invalid entries are skipped and listed in `mappingErrors`. */
  setMappings(m: PathMappings): void {
    this.mappingErrors.length = 0;
    const entries = Array.isArray(m) ? (m as { from: string; to: string }[]).map((e) => [e?.from, e?.to]) : Object.entries(m ?? {});
    const out: Mapping[] = [];
    for (const [from, to] of entries) {
      if (typeof from !== 'string' || typeof to !== 'string' || !from || !to) {
        this.mappingErrors.push(`path mapping ${JSON.stringify(from)} → ${JSON.stringify(to)}: both sides must be non-empty strings`);
        continue;
      }
      const f = normalizeRawPath(from);
      if (!f.ok) {
        this.mappingErrors.push(`path mapping "${from}": ${f.why}`);
        continue;
      }
      const target = this.expandTarget(to);
      if (!target) {
        this.mappingErrors.push(`path mapping "${from}" → "${to}": the target must be inside a workspace folder`);
        continue;
      }
      out.push({ from: f.path, windows: f.windows, to: target });
    }
    // longest prefix first
    out.sort((a, b) => b.from.length - a.from.length);
    this.mappings = out;
    this.fileCache.clear();
  }

  /** The workspace changed (files created/deleted/renamed): rebuild lazily. */
  invalidateFiles(): void {
    this.index = undefined;
    this.fileCache.clear();
    this.realCache.clear();
    this.maps.invalidate();
  }

  /** A file's content changed (source maps are re-read). */
  invalidateFile(localPath: string): void {
    this.maps.invalidate(toNormalLocal(localPath));
  }

  get fileCount(): number {
    return this.suffixIndex().size;
  }

  /** Resolve without symbol lookup (a name-only location answers 'no-symbol'). Fast; cached per path. */
  resolveSync(loc: RawLocation | null | undefined): Resolution {
    if (!loc) return { ok: false, reason: 'no-signal', message: 'The span carries no code location: no code.* attributes, no exception stack trace, no linked log record with code.*.' };
    if (loc.file) return this.resolvePathLoc(loc);
    const guessed = this.resolveByNamespace(loc);
    if (guessed) return guessed;
    return { ok: false, reason: 'no-symbol', layer: 'name', message: `Only a function name is known (${describeName(loc)}); no file in the workspace was found for it.` };
  }

  /** Full resolution, including symbol lookup for name-only locations. */
  async resolve(loc: RawLocation | null | undefined): Promise<Resolution> {
    const r = this.resolveSync(loc);
    if (r.ok && r.layer === 'name' && loc?.function && this.ws.findSymbolsInFile) return this.refineInFile(r, loc.function);
    if (r.ok || r.reason !== 'no-symbol' || !loc?.function) return r;
    return this.resolveBySymbols(loc);
  }

  /**
   * A namespace named the file and a text scan placed the function in it: the document symbol provider
   * (the language's own parser) knows better where the definition is, when it finds exactly one.
   */
  private async refineInFile(r: Resolved, name: string): Promise<Resolution> {
    let defs: { line: number; column?: number }[];
    try {
      defs = await this.ws.findSymbolsInFile!(r.path, name);
    } catch {
      return r;
    }
    if (defs.length !== 1) return r;
    const out: Resolved = { ...r, line: defs[0].line, confidence: 0.5, note: `placed by function name ${name} — found by the document symbol provider in the file the namespace names` };
    if (defs[0].column !== undefined) out.column = defs[0].column;
    else delete out.column;
    return out;
  }

  /** Resolve a bare path (e.g. a stack-frame link) and line. */
  resolvePath(file: string, line?: number, column?: number): Resolution {
    return this.resolvePathLoc({ file, line, column, layer: 'stacktrace' });
  }

  /** Is this local path inside a workspace folder after resolving symlinks? */
  isInsideWorkspace(localPath: string): boolean {
    return this.containedReal(toNormalLocal(localPath)) !== null;
  }

  // ---- paths --------------------------------------------------------------------------------------

  private resolvePathLoc(loc: RawLocation): Resolution {
    const raw = loc.file!;
    let hit = this.fileCache.get(raw);
    if (!hit) {
      hit = this.findFile(raw);
      if (this.fileCache.size > 50_000) this.fileCache.clear();
      this.fileCache.set(raw, hit);
    }
    if ('ok' in hit) return { ...hit, layer: loc.layer };
    let file = hit.file;
    let line = loc.line;
    let column = loc.column;
    let sourceMapped = false;
    let note = hit.note;
    if (line !== undefined && isBuiltJs(file.abs)) {
      const mapped = this.maps.map(file.abs, line, column);
      if (mapped) {
        const target = mapped.refused ? undefined : this.mappedFile(mapped.path, mapped.absolute);
        if (target) {
          file = target;
          line = mapped.line;
          column = mapped.column;
          sourceMapped = true;
        } else {
          note = appendNote(note, 'its source map points outside the workspace; showing the built file');
        }
      }
    }
    const res: Resolved = {
      ok: true,
      path: this.localPath(file.abs),
      folder: this.folders[file.folder].info,
      rel: (file.rel ??= file.segs.join('/')),
      layer: loc.layer,
      via: hit.via,
      confidence: round2(hit.confidence * LAYER_FACTOR[loc.layer]),
    };
    if (line !== undefined) res.line = line;
    if (column !== undefined) res.column = column;
    if (sourceMapped) res.sourceMapped = true;
    if (note) res.note = note;
    return res;
  }

  private findFile(raw: string): FileHit | Unresolved {
    const n = normalizeRawPath(raw);
    if (!n.ok) return { ok: false, reason: 'unsafe-path', rawFile: raw, message: `The span's file path was ignored: ${n.why}.` };
    const ci = n.windows || this.caseInsensitiveFs;
    const index = this.suffixIndex();
    let mappingNote: string | undefined;

    // 1. user mappings
    for (const m of this.mappings) {
      if (!isWithin(m.from, n.path, m.windows || n.windows)) continue;
      const rest = n.path.slice(m.from.length).replace(/^\//, '');
      const target = rest ? `${m.to}/${rest}` : m.to;
      const f = index.get(target, ci) ?? this.unlistedFile(target);
      if (f) return this.checked(f, 'mapping', 0.95);
      mappingNote = `the path mapping "${m.from}" gives ${target}, which does not exist`;
      break;
    }
    // 2. the path itself, when the app runs from this workspace
    if (n.absolute) {
      // (most foreign paths — /app/…, /home/ci/… — are under no folder: skip the probes of a 100k-file map)
      const f = this.underAFolder(n.path, ci) ? index.get(n.path, ci) ?? this.unlistedFile(n.path) : undefined;
      if (f) return this.checked(f, 'path', 1);
    } else {
      // 3. relative: against each folder
      for (const folder of this.folders) {
        const p = `${folder.norm}/${n.path}`;
        const f = index.get(p, ci);
        if (f) return this.checked(f, 'path', 1);
      }
    }
    // 4. longest unique suffix
    const m = index.match(n.segments, ci);
    if (!m) {
      return {
        ok: false, reason: 'not-in-workspace', rawFile: raw,
        message: `${raw} is not in the workspace${mappingNote ? ` (${mappingNote})` : ''}: no file named ${n.segments[n.segments.length - 1]} was found. Add a path mapping if the code lives elsewhere.`,
      };
    }
    if (m.total > 1) {
      return {
        ok: false, reason: 'ambiguous', rawFile: raw,
        message: `${raw} matches ${m.total} workspace files equally well (${m.score} trailing path segment${m.score > 1 ? 's' : ''}); pick one or add a path mapping.`,
        candidates: m.files.slice(0, MAX_CANDIDATES).map((f) => this.candidate(f)),
      };
    }
    const score = m.score;
    const conf = score >= 2 ? 0.9 : 0.6;
    const note = score >= 2 ? undefined : `matched by file name only (${n.segments[n.segments.length - 1]})`;
    return this.checked(m.files[0], 'suffix', conf, appendNote(note, mappingNote));
  }

  /** A file not in the listing (e.g. excluded by the editor's file search) but present on disk. */
  private unlistedFile(normAbs: string): WorkspaceFile | undefined {
    const folder = this.folderOf(normAbs);
    if (folder === undefined) return undefined;
    const real = this.realOf(normAbs);
    if (!real) return undefined;
    const segs = normAbs.slice(this.folders[folder].norm.length + 1).split('/');
    if (segs.some((s) => s === 'node_modules')) return undefined; // dependencies are never "the user's code"
    return { abs: normAbs, folder, segs, rel: undefined, inside: undefined };
  }

  /** Final gate: the file (after symlinks) must be inside a workspace folder. */
  private checked(f: WorkspaceFile, via: ResolveVia, confidence: number, note?: string): FileHit | Unresolved {
    if (!(f.inside ??= this.containedReal(f.abs, false) !== null)) {
      return { ok: false, reason: 'not-in-workspace', rawFile: this.localPath(f.abs), message: `${f.segs.join('/')} leads outside the workspace folders (symbolic link); it is not opened.` };
    }
    const hit: FileHit = { file: f, via, confidence };
    if (note) hit.note = note;
    return hit;
  }

  private mappedFile(p: string, absolute: boolean): WorkspaceFile | undefined {
    const index = this.suffixIndex();
    if (absolute) {
      const f = index.get(p, this.caseInsensitiveFs) ?? this.unlistedFile(p);
      return f && this.containedReal(f.abs) !== null ? f : undefined;
    }
    const n = normalizeRawPath(p);
    if (!n.ok) return undefined;
    const m = index.match(n.segments, this.caseInsensitiveFs);
    return m && m.total === 1 && this.containedReal(m.files[0].abs) !== null ? m.files[0] : undefined;
  }

  /** `cache: false` when the caller keeps the answer itself (a listed file's `inside`) */
  private containedReal(normAbs: string, cache = true): string | null {
    const real = this.realOf(normAbs, cache);
    if (!real) return null;
    for (const f of this.folders) if (isWithin(f.real, real, this.caseInsensitiveFs) || isWithin(f.norm, real, this.caseInsensitiveFs)) return real;
    return null;
  }

  private realOf(normAbs: string, cache = true): string | null {
    let r = this.realCache.get(normAbs);
    if (r === undefined) {
      const real = this.ws.realpath(this.localPath(normAbs));
      r = real ? toNormalLocal(real) : null;
      if (!cache) return r;
      if (this.realCache.size > 100_000) this.realCache.clear();
      this.realCache.set(normAbs, r);
    }
    return r;
  }

  /** Could this normalised absolute path be inside a workspace folder (comparing case-insensitively when `ci`)? */
  private underAFolder(normAbs: string, ci: boolean): boolean {
    if (ci && !this.caseInsensitiveFs) {
      const probe = normAbs.toLowerCase();
      return this.folders.some((f) => isWithin(f.norm.toLowerCase(), probe));
    }
    return this.folderOf(normAbs) !== undefined;
  }

  private folderOf(normAbs: string): number | undefined {
    let best: number | undefined;
    const probe = this.caseInsensitiveFs ? normAbs.toLowerCase() : normAbs;
    for (let i = 0; i < this.folders.length; i++) {
      const f = this.folders[i];
      const inside = probe === f.key || probe.startsWith(f.prefix);
      if (inside && (best === undefined || f.norm.length > this.folders[best].norm.length)) best = i;
    }
    return best;
  }

  private suffixIndex(): SuffixIndex {
    if (!this.index) {
      const files: WorkspaceFile[] = [];
      for (const p of this.ws.listFiles()) {
        const abs = toNormalLocal(p);
        const folder = this.folderOf(abs);
        if (folder === undefined) continue;
        // every field present from the start: one object shape for all files keeps the lookups monomorphic
        files.push({ abs, folder, segs: abs.slice(this.folders[folder].norm.length + 1).split('/'), rel: undefined, inside: undefined });
      }
      this.index = new SuffixIndex(files);
    }
    return this.index;
  }

  private expandTarget(to: string): string | undefined {
    let t = to.trim();
    const named = /^\$\{workspaceFolder:([^}]+)\}/.exec(t);
    if (named) {
      const f = this.folders.find((x) => x.info.name === named[1]);
      if (!f) return undefined;
      t = f.norm + t.slice(named[0].length);
    } else if (t.startsWith('${workspaceFolder}')) {
      if (this.folders.length === 0) return undefined;
      t = this.folders[0].norm + t.slice('${workspaceFolder}'.length);
    } else if (!/^(?:\/|[a-zA-Z]:[\\/])/.test(t)) {
      if (this.folders.length === 0) return undefined;
      t = `${this.folders[0].norm}/${t}`;
    }
    const n = normalizeRawPath(t);
    if (!n.ok || !n.absolute) return undefined;
    return this.folderOf(n.path) === undefined ? undefined : n.path;
  }

  private candidate(f: WorkspaceFile, line?: number): Candidate {
    const c: Candidate = { path: this.localPath(f.abs), rel: f.segs.join('/'), folder: this.folders[f.folder].info.name };
    if (line !== undefined) c.line = line;
    return c;
  }

  /** normalised path → the platform's spelling (drive letters keep their case on Windows) */
  private localPath(normAbs: string): string {
    if (process.platform === 'win32') return normAbs.replace(/\//g, '\\');
    return normAbs;
  }

  // ---- names --------------------------------------------------------------------------------------

  /** Java/Python/Ruby/.NET namespaces name files; find the function in the one file they point to. */
  private resolveByNamespace(loc: RawLocation): Resolution | undefined {
    if (!loc.namespace || !loc.function) return undefined;
    const index = this.suffixIndex();
    for (const segs of namespaceFileGuesses(loc.namespace)) {
      const m = index.match(segs, this.caseInsensitiveFs);
      if (!m || m.total !== 1 || m.score < Math.min(segs.length, 2)) continue;
      const f = m.files[0];
      if (this.containedReal(f.abs) === null) continue;
      const text = this.ws.readText(this.localPath(f.abs));
      const defs = text ? findDefinitions(text, loc.function) : [];
      const res: Resolved = {
        ok: true, path: this.localPath(f.abs), folder: this.folders[f.folder].info, rel: f.segs.join('/'),
        layer: 'name', via: 'symbol', confidence: defs.length === 1 ? 0.5 : 0.4,
        note: `placed by function name ${describeName(loc)}${defs.length === 1 ? '' : ' (definition not found in the file)'}`,
      };
      if (defs.length >= 1) {
        res.line = defs[0].line;
        res.column = defs[0].column;
      }
      return res;
    }
    return undefined;
  }

  private async resolveBySymbols(loc: RawLocation): Promise<Resolution> {
    const name = loc.function!;
    let matches: SymbolMatch[];
    let scanned = !this.ws.findSymbols;
    if (this.ws.findSymbols) {
      try {
        matches = await this.ws.findSymbols(name);
      } catch {
        matches = [];
      }
    } else {
      matches = this.scanDefinitions(name);
    }
    // only exact names in the workspace, never in dependencies
    const usable = (ms: SymbolMatch[]) => ms.filter((s) => s.name === name && !/[\\/]node_modules[\\/]/.test(s.path) && this.containedReal(toNormalLocal(s.path)) !== null);
    matches = usable(matches);
    // no symbol provider for the language (a Python or Go workspace without its extension): scan the text
    if (matches.length === 0 && !scanned) {
      scanned = true;
      matches = usable(this.scanDefinitions(name));
    }
    if (loc.namespace && matches.length > 1) {
      const last = loc.namespace.split(/\.|::|\//).pop()!;
      const narrowed = matches.filter((s) => s.container === loc.namespace || s.container === last || toNormalLocal(s.path).includes(`/${last}.`));
      if (narrowed.length >= 1) matches = narrowed;
    }
    if (matches.length === 0) {
      return { ok: false, reason: 'no-symbol', layer: 'name', message: `Only a function name is known (${describeName(loc)}) and no symbol with that name is in the workspace.` };
    }
    const toCandidate = (s: SymbolMatch): Candidate => {
      const abs = toNormalLocal(s.path);
      const folder = this.folderOf(abs)!;
      return { path: s.path, rel: abs.slice(this.folders[folder].norm.length + 1), folder: this.folders[folder].info.name, line: s.line };
    };
    if (matches.length > 1) {
      return {
        ok: false, reason: 'ambiguous', layer: 'name',
        message: `${matches.length} symbols are named ${describeName(loc)}; pick one.`,
        candidates: matches.slice(0, MAX_CANDIDATES).map(toCandidate),
      };
    }
    const s = matches[0];
    const c = toCandidate(s);
    const folder = this.folderOf(toNormalLocal(s.path))!;
    const res: Resolved = {
      ok: true, path: s.path, folder: this.folders[folder].info, rel: c.rel, line: s.line, layer: 'name', via: 'symbol',
      confidence: loc.namespace ? 0.5 : 0.4,
      note: `placed by function name ${describeName(loc)} — a ${scanned ? 'text match of its definition' : 'symbol match'}, not a recorded location`,
    };
    if (s.column !== undefined) res.column = s.column;
    return res;
  }

  /** Text scan for definitions (no symbol provider: CLI, tests). Bounded: source files ≤ 1 MB. */
  private scanDefinitions(name: string): SymbolMatch[] {
    const out: SymbolMatch[] = [];
    for (const p of this.ws.listFiles()) {
      if (!isSourceFile(p) || /[\\/]node_modules[\\/]/.test(p) || /[\\/](?:dist|out|build)[\\/]/.test(p)) continue;
      const text = this.ws.readText(p);
      if (!text || text.length > 1024 * 1024 || !text.includes(name)) continue;
      for (const d of findDefinitions(text, name)) out.push({ path: p, line: d.line, column: d.column, name });
      if (out.length > 50) break;
    }
    return out;
  }
}

function describeName(loc: RawLocation): string {
  return loc.namespace ? `${loc.namespace}.${loc.function ?? ''}` : (loc.function ?? '');
}

function appendNote(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return `${a}; ${b}`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export type { NormalPath };
