// What the editor shows per file — code lens entries, inline annotations, problems — computed from the
// receiver's location statistics and the resolver, with no `vscode` import (the host renders it; the
// benchmark and the tests drive the same code).
//
// Incremental: `apply()` takes a (full or partial) LocationsResponse, compares each location with what it
// had, and answers the set of files that changed. A file's view is cached until one of its locations
// changes, so a live update recomputes only the files that received spans.
import type { LocationStats, LocationsResponse } from '../protocol/api';
import type { Resolution, Resolved } from './resolver';
import type { RawLocation } from './signal';
import { lensText, oneLine } from './untrustedText';

export interface TraceRef {
  traceId: string;
  spanId: string;
}

export interface LensEntry {
  key: string;
  /** 1-based line of the location in the file */
  line: number;
  column?: number;
  /** `$(watch) p50 12 ms · p95 48 ms · 37 calls` (a code lens title: `$(…)` is a codicon there) */
  latencyTitle: string;
  latencyTooltip: string;
  /** `$(warning) 2 errors`, absent when none */
  errorsTitle?: string;
  errorsTooltip?: string;
  slowest?: TraceRef;
  latestError?: TraceRef;
  /** placed by a function name only (lower confidence) */
  byName: boolean;
  /** short after-line text: `48 ms p95 · 37×` */
  annotation: string;
  level: 'normal' | 'warn' | 'slow';
}

export interface ProblemEntry {
  /** 1-based */
  line: number;
  column?: number;
  /** `Type: message` of the latest error (one line, untrusted text made plain) */
  message: string;
  /** errors in the window */
  count: number;
  /** when the latest error happened (Unix ms) */
  timeMs: number;
  latest?: TraceRef;
  keys: string[];
}

export interface FileView {
  lenses: LensEntry[];
  problems: ProblemEntry[];
}

export interface Thresholds {
  warnMs: number;
  slowMs: number;
}

interface Entry {
  key: string;
  stats: LocationStats;
  res: Resolution;
  /** the apply() call that last listed this location (finds the ones a response no longer lists) */
  seen?: number;
  /** the lens of this location, built on first use after a change */
  lens?: LensEntry;
  /** its contribution to the Problems panel, likewise */
  problem?: ProblemEntry;
  /** the last error as one plain line, and which error it was made from (errors change rarely) */
  errText?: string;
  /** errText made safe for a lens tooltip (lensText), made on first use */
  errLensText?: string;
  errTimeMs?: number;
  errTraceId?: string | null;
  errSpanId?: string | null;
  /** where the lens goes (resolved location) */
  file?: string;
  /** where the error mark goes (resolved throw frame, or the location itself) */
  throwAt?: { file: string; line: number; column?: number };
}

export type ResolveFn = (loc: RawLocation) => Resolution;

const EMPTY: FileView = { lenses: Object.freeze([]) as unknown as LensEntry[], problems: Object.freeze([]) as unknown as ProblemEntry[] };

export class LocationModel {
  private readonly entries = new Map<string, Entry>();
  private readonly byFile = new Map<string, Set<string>>();
  // per file, cached until one of its locations changes; lenses and problems apart (the code lens provider
  // needs only the first, the Problems panel only the second)
  private readonly lensCache = new Map<string, LensEntry[]>();
  private readonly problemCache = new Map<string, ProblemEntry[]>();
  // per file, the entries whose lens goes there in line order: changes only when a location is placed or
  // removed, so a live update (new figures, same place) rebuilds a file's lenses without sorting them again
  private readonly placedCache = new Map<string, Entry[]>();
  private applied = 0;
  private windowLabel = 'all stored';
  private thresholds: Thresholds = { warnMs: 100, slowMs: 500 };
  private baseline: ReadonlyMap<string, number> = new Map();

  constructor(private readonly resolve: ResolveFn) {}

  /** "in the last 15 min" etc., for tooltips; changing it changes every view */
  setWindowLabel(label: string): Set<string> {
    this.windowLabel = label;
    return this.invalidateAll();
  }

  setThresholds(t: Thresholds): Set<string> {
    this.thresholds = t;
    return this.invalidateAll();
  }

  /**
   * p95 of each code location (baselineKey) in the baseline runs of the services: lenses then add how far
   * today's p95 is from it. An empty map: no baseline, the lenses say nothing about one.
   */
  setBaseline(p95ByLocation: ReadonlyMap<string, number>): Set<string> {
    if (sameMap(this.baseline, p95ByLocation)) return new Set();
    this.baseline = p95ByLocation;
    return this.invalidateAll();
  }

  /**
   * Merge statistics. `complete`: the response lists every location with calls in the window, so the ones
   * it lacks have none any more. `onlyKeys`: the response answers a query for these keys (and lists no
   * other), so those of them it lacks have no calls in the window. Answers the files whose view changed.
   */
  apply(resp: LocationsResponse, complete: boolean, onlyKeys?: readonly string[]): Set<string> {
    const changed = new Set<string>();
    const mark = ++this.applied;
    for (const s of resp.locations) {
      const old = this.entries.get(s.key);
      if (old) old.seen = mark;
      // the very answer we already have (an index in this process hands out unchanged answers again)
      if (old && old.stats === s) continue;
      if (old && sameFigures(old.stats, s)) {
        old.stats = s; // same figures; keep the freshest detail (recent calls) for hovers
        continue;
      }
      if (old && old.file !== undefined && sameThrowSite(old.stats, s)) {
        // the common live update: new figures, same place — touch only this location's file
        old.stats = s;
        old.lens = undefined;
        old.problem = undefined;
        this.invalidate(old.file);
        changed.add(old.file);
        if (old.throwAt && old.throwAt.file !== old.file) {
          this.invalidate(old.throwAt.file);
          changed.add(old.throwAt.file);
        }
        continue;
      }
      const res = old ? old.res : this.resolve(rawOf(s));
      this.put(s.key, { key: s.key, stats: s, res, seen: mark }, changed);
    }
    if (complete) {
      const gone: string[] = [];
      for (const e of this.entries.values()) if (e.seen !== mark) gone.push(e.key);
      for (const k of gone) this.remove(k, changed);
    } else if (onlyKeys && resp.locations.length < onlyKeys.length) {
      // (a response lists each key it was asked for at most once and no other: when it lists as many as
      // were asked for, none is missing)
      for (const k of onlyKeys) if (this.entries.get(k)?.seen !== mark) this.remove(k, changed);
    }
    return changed;
  }

  /** A better resolution arrived (symbol lookup, a new path mapping): answers the files that changed. */
  setResolution(key: string, res: Resolution): Set<string> {
    const changed = new Set<string>();
    const e = this.entries.get(key);
    if (!e) return changed;
    this.put(key, { key, stats: e.stats, res, seen: e.seen }, changed);
    return changed;
  }

  /** Re-resolve every location (workspace files or path mappings changed). */
  reresolve(): Set<string> {
    const changed = new Set<string>();
    for (const [key, e] of [...this.entries]) this.put(key, { key, stats: e.stats, res: this.resolve(rawOf(e.stats)), seen: e.seen }, changed);
    return changed;
  }

  clear(): Set<string> {
    const files = new Set(this.byFile.keys());
    this.entries.clear();
    this.byFile.clear();
    this.lensCache.clear();
    this.problemCache.clear();
    this.placedCache.clear();
    return files;
  }

  get size(): number {
    return this.entries.size;
  }

  files(): string[] {
    return [...this.byFile.keys()];
  }

  /** Locations that resolve to nothing yet but could by symbol lookup (name-only). */
  unresolvedNames(): { key: string; loc: RawLocation }[] {
    const out: { key: string; loc: RawLocation }[] = [];
    for (const [key, e] of this.entries) if (!e.res.ok && e.res.reason === 'no-symbol') out.push({ key, loc: rawOf(e.stats) });
    return out;
  }

  stats(key: string): LocationStats | undefined {
    return this.entries.get(key)?.stats;
  }

  resolution(key: string): Resolution | undefined {
    return this.entries.get(key)?.res;
  }

  /** The lens/annotation/problem data of one file. */
  view(file: string): FileView {
    return { lenses: this.lenses(file), problems: this.problems(file) };
  }

  /** Code lens / annotation entries of one file, by line (cached until one of its locations changes). */
  lenses(file: string): LensEntry[] {
    let v = this.lensCache.get(file);
    if (v) return v;
    const placed = this.placedIn(file);
    if (!placed) return EMPTY.lenses;
    v = [];
    for (let i = 0; i < placed.length;) {
      const line = lineOf(placed[i]);
      let j = i + 1;
      while (j < placed.length && lineOf(placed[j]) === line) j++;
      if (j === i + 1) {
        const e = placed[i];
        v.push(e.lens ??= this.lens(e.key, e.stats, e.res as Resolved, e));
      } else {
        v.push(this.sharedLens(placed.slice(i, j)));
      }
      i = j;
    }
    this.lensCache.set(file, v);
    return v;
  }

  /**
   * One lens for a line where several locations are placed (an operation started inside another on the same
   * line, `withSpan('report', () => fetch(…))`): one set of figures — those of the location with the most
   * calls, which the inline note and the hover's first section show too — with the operations named, and
   * each operation's own figures in the tooltip. Two lenses with near-equal figures side by side read as a
   * glitch, and their sum would count every request twice.
   */
  private sharedLens(group: Entry[]): LensEntry {
    const ranked = group.slice().sort((a, b) => byWeight(a.stats, b.stats));
    const lenses = ranked.map((e) => (e.lens ??= this.lens(e.key, e.stats, e.res as Resolved, e)));
    const main = lenses[0];
    const names: string[] = [];
    for (const e of ranked) for (const n of operationNames(e.stats)) if (!names.includes(n)) names.push(n);
    let failing = 0;
    for (let i = 1; i < ranked.length; i++) if (ranked[i].stats.errors > ranked[failing].stats.errors) failing = i;
    const f = lenses[failing];
    const s = ranked[0].stats;
    const e: LensEntry = {
      ...main,
      latencyTitle: names.length > 1 ? `${main.latencyTitle} · ${lensText(names.join(' + '), 80)}` : main.latencyTitle,
      latencyTooltip: names.length > 1
        ? `${ranked.map((x) => `${lensText(operationNames(x.stats).join(' + ') || 'an operation', 60)}: p50 ${formatMs(x.stats.p50Ms)} · p95 ${formatMs(x.stats.p95Ms)} · ${countOf(x.stats.calls, 'call')}`).join('; ')}. The figures shown are those of the first. ${main.latencyTooltip}`
        : main.latencyTooltip,
      annotation: annotationOf(s, ranked[failing].stats.errors),
    };
    delete e.errorsTitle;
    delete e.errorsTooltip;
    delete e.latestError;
    if (f.errorsTitle) e.errorsTitle = f.errorsTitle;
    if (f.errorsTooltip) e.errorsTooltip = f.errorsTooltip;
    if (f.latestError) e.latestError = f.latestError;
    return e;
  }

  /** Exceptions thrown in one file, one per line (cached likewise). */
  problems(file: string): ProblemEntry[] {
    let v = this.problemCache.get(file);
    if (v) return v;
    const keys = this.byFile.get(file);
    if (!keys) return EMPTY.problems;
    v = this.computeProblems(file, keys);
    this.problemCache.set(file, v);
    return v;
  }

  /** Locations placed on (or throwing at) a 1-based line of a file, for hovers. */
  at(file: string, line: number): { stats: LocationStats; res: Resolution; throws: boolean; placed: boolean }[] {
    const keys = this.byFile.get(file);
    if (!keys) return [];
    const out: { stats: LocationStats; res: Resolution; throws: boolean; placed: boolean }[] = [];
    for (const k of keys) {
      const e = this.entries.get(k)!;
      const placed = e.file === file && e.res.ok && (e.res.line ?? 1) === line;
      const throws = !!e.throwAt && e.throwAt.file === file && e.throwAt.line === line;
      if (placed || throws) out.push({ stats: e.stats, res: e.res, throws, placed });
    }
    // the lens's figures (sharedLens: the placed location with the most calls) come first
    out.sort((a, b) => Number(b.placed) - Number(a.placed) || byWeight(a.stats, b.stats));
    return out;
  }

  // ---- internals ------------------------------------------------------------------------------------

  /** the entries whose lens goes in `file`, by line and column (undefined: the file has no locations) */
  private placedIn(file: string): Entry[] | undefined {
    let placed = this.placedCache.get(file);
    if (placed) return placed;
    const keys = this.byFile.get(file);
    if (!keys) return undefined;
    placed = [];
    for (const k of keys) {
      const e = this.entries.get(k)!;
      if (e.file === file && e.res.ok) placed.push(e);
    }
    placed.sort((a, b) => lineOf(a) - lineOf(b) || columnOf(a) - columnOf(b));
    this.placedCache.set(file, placed);
    return placed;
  }

  private put(key: string, e: Entry, changed: Set<string>): void {
    const old = this.entries.get(key);
    if (old) this.unlink(key, old, changed);
    if (e.res.ok) {
      e.file = e.res.path;
      e.throwAt = undefined;
      if (e.stats.errors > 0) {
        const tf = e.stats.lastError?.throwFrame;
        const r = tf ? this.resolve({ file: tf.file, line: tf.line, column: tf.column, layer: 'stacktrace' }) : undefined;
        e.throwAt = r && r.ok && r.line ? { file: r.path, line: r.line, column: r.column } : { file: e.res.path, line: e.res.line ?? 1, column: e.res.column };
      }
    } else {
      e.file = undefined;
      e.throwAt = undefined;
      // an error's throw frame may still be placeable even when the span's own location is not
      const tf = e.stats.errors > 0 ? e.stats.lastError?.throwFrame : undefined;
      if (tf) {
        const r = this.resolve({ file: tf.file, line: tf.line, column: tf.column, layer: 'stacktrace' });
        if (r.ok && r.line) e.throwAt = { file: r.path, line: r.line, column: r.column };
      }
    }
    this.entries.set(key, e);
    this.link(key, e, changed);
  }

  private remove(key: string, changed: Set<string>): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.unlink(key, e, changed);
    this.entries.delete(key);
  }

  private link(key: string, e: Entry, changed: Set<string>): void {
    for (const f of filesOf(e)) {
      let set = this.byFile.get(f);
      if (!set) this.byFile.set(f, (set = new Set()));
      set.add(key);
      this.invalidate(f);
      this.placedCache.delete(f);
      changed.add(f);
    }
  }

  private unlink(key: string, e: Entry, changed: Set<string>): void {
    for (const f of filesOf(e)) {
      const set = this.byFile.get(f);
      if (set) {
        set.delete(key);
        if (set.size === 0) this.byFile.delete(f);
      }
      this.invalidate(f);
      this.placedCache.delete(f);
      changed.add(f);
    }
  }

  private invalidate(file: string): void {
    this.lensCache.delete(file);
    this.problemCache.delete(file);
  }

  private invalidateAll(): Set<string> {
    this.lensCache.clear();
    this.problemCache.clear();
    for (const e of this.entries.values()) {
      e.lens = undefined;
      e.problem = undefined;
    }
    return new Set(this.byFile.keys());
  }

  private computeProblems(file: string, keys: Set<string>): ProblemEntry[] {
    let problems: ProblemEntry[] = [];
    for (const k of keys) {
      const e = this.entries.get(k)!;
      if (e.throwAt && e.throwAt.file === file && e.stats.errors > 0) problems.push((e.problem ??= problemOf(k, e.stats, e.throwAt, errorTextOf(e))));
    }
    if (problems.length > 1) {
      problems.sort((a, b) => a.line - b.line || b.timeMs - a.timeMs);
      // Several locations throwing at one line: one problem with the latest message. An exception that
      // propagates is often recorded on two spans of each trace (the span where it was thrown and the
      // request's span around it): the same line and the same text from two locations is one failure, so
      // those count as the location that saw it most often; different texts at the line add up. (Only each
      // location's latest error text is known here, so a location whose errors changed text counts as its
      // latest.) Sorted newest first within a line: the first one's message is the latest.
      const merged: ProblemEntry[] = [];
      for (let i = 0; i < problems.length;) {
        let j = i + 1;
        while (j < problems.length && problems[j].line === problems[i].line) j++;
        if (j === i + 1) {
          merged.push(problems[i]);
        } else {
          const byText = new Map<string, number>();
          const keys: string[] = [];
          for (let k = i; k < j; k++) {
            const p = problems[k];
            byText.set(p.message, Math.max(byText.get(p.message) ?? 0, p.count));
            keys.push(...p.keys);
          }
          let count = 0;
          for (const c of byText.values()) count += c;
          // cached entries are shared: the merged one is a copy
          merged.push({ ...problems[i], count, keys });
        }
        i = j;
      }
      problems = merged;
    }
    return problems;
  }

  private lens(key: string, s: LocationStats, r: Resolved, entry: Entry): LensEntry {
    const byName = r.layer === 'name';
    const approx = s.exact ? '' : ' (±5%)';
    // codicons, not emoji: an emoji glyph (⏱) needs an emoji font and showed as an empty box without one
    const base = this.baseline.get(baselineKey(s));
    const latencyTitle = `$(watch) p50 ${formatMs(s.p50Ms)} · p95 ${formatMs(s.p95Ms)}${vsBaseline(s.p95Ms, base)} · ${countOf(s.calls, 'call')}${byName ? ' · ≈ by name' : ''}`;
    const where = byName ? `Placed by function name ${lensText(s.function ?? '', 80)} (confidence ${r.confidence}). ` : '';
    const slow = s.slowest ? `Click: open the slowest trace (${formatMs(s.slowest.durationMs)}).` : 'The slowest trace is no longer stored.';
    const e: LensEntry = {
      key,
      line: r.line ?? 1,
      latencyTitle,
      latencyTooltip: `${where}${countOf(s.calls, 'call')} ${this.windowLabel}; max ${formatMs(s.maxMs)}${approx}.${base === undefined ? '' : ` The baseline run's p95 here: ${formatMs(base)}.`} ${slow}`,
      byName,
      annotation: annotationOf(s, s.errors),
      level: s.p95Ms >= this.thresholds.slowMs ? 'slow' : s.p95Ms >= this.thresholds.warnMs ? 'warn' : 'normal',
    };
    if (r.column !== undefined) e.column = r.column;
    if (s.slowest) e.slowest = { traceId: s.slowest.traceId, spanId: s.slowest.spanId };
    if (s.errors > 0) {
      e.errorsTitle = `$(warning) ${countOf(s.errors, 'error')}`;
      const errText = errorTextOf(entry); // resets errLensText when the last error changed
      const text = (entry.errLensText ??= lensText(errText, 200));
      e.errorsTooltip = s.latestError ? `Click: open the latest failing trace. ${text}` : `${text} (the failing trace is no longer stored)`;
      if (s.latestError) e.latestError = { traceId: s.latestError.traceId, spanId: s.latestError.spanId };
    }
    return e;
  }
}

/** A code location as run statistics name it (file, line, function as the telemetry says them). */
export function baselineKey(loc: { file?: string; line?: number; function?: string }): string {
  return `${loc.file ?? ''}\u0000${loc.line ?? ''}\u0000${loc.function ?? ''}`;
}

/** ` (+12 ms vs baseline)` after a p95; '' without a baseline figure */
export function vsBaseline(p95Ms: number, baselineP95Ms: number | undefined): string {
  if (baselineP95Ms === undefined || !Number.isFinite(baselineP95Ms)) return '';
  const d = p95Ms - baselineP95Ms;
  if (Math.abs(d) < 0.05) return ' (= baseline)';
  return ` (${d > 0 ? '+' : '−'}${formatMs(Math.abs(d))} vs baseline)`;
}

function sameMap(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** the location with the most calls first (then the slower: the enclosing operation; then by key) */
function byWeight(a: LocationStats, b: LocationStats): number {
  return b.calls - a.calls || b.p95Ms - a.p95Ms || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** what a location is called: its operations (span names), else its function */
function operationNames(s: LocationStats): string[] {
  if (s.operations && s.operations.length) return s.operations;
  return s.function ? [s.namespace ? `${s.namespace}.${s.function}` : s.function] : [];
}

/** "1 call", "1,031 calls" */
export function countOf(n: number, one: string): string {
  return `${formatCount(n)} ${n === 1 ? one : `${one}s`}`;
}

/** 1031 → "1,031" (the grouping the trace list and status bar use) */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** the short note after the line (plain text, no icons): `48 ms p95 · 37× · 2 errors` */
function annotationOf(s: LocationStats, errors: number): string {
  return `${formatMs(s.p95Ms)} p95 · ${formatCount(s.calls)}×${errors ? ` · ${countOf(errors, 'error')}` : ''}`;
}

/** errorText, computed once per distinct last error of a location (told apart by time and ids) */
function errorTextOf(e: Entry): string {
  const le = e.stats.lastError;
  const timeMs = le ? le.timeMs : -1;
  const traceId = le ? le.traceId : null;
  const spanId = le ? le.spanId : null;
  if (e.errText === undefined || e.errTimeMs !== timeMs || e.errTraceId !== traceId || e.errSpanId !== spanId) {
    e.errText = errorText(e.stats);
    e.errLensText = undefined;
    e.errTimeMs = timeMs;
    e.errTraceId = traceId;
    e.errSpanId = spanId;
  }
  return e.errText;
}

const lineOf = (e: Entry): number => (e.res.ok ? (e.res.line ?? 1) : 1);
const columnOf = (e: Entry): number => (e.res.ok ? (e.res.column ?? 0) : 0);

function problemOf(key: string, s: LocationStats, at: { line: number; column?: number }, message: string): ProblemEntry {
  const p: ProblemEntry = { line: at.line, message, count: s.errors, timeMs: s.lastError?.timeMs ?? 0, keys: [key] };
  if (at.column !== undefined) p.column = at.column;
  if (s.latestError) p.latest = { traceId: s.latestError.traceId, spanId: s.latestError.spanId };
  return p;
}

function filesOf(e: Entry): string[] {
  if (e.file && e.throwAt && e.throwAt.file !== e.file) return [e.file, e.throwAt.file];
  if (e.file) return [e.file];
  if (e.throwAt) return [e.throwAt.file];
  return [];
}

/** nothing that is rendered changed */
function sameFigures(a: LocationStats, b: LocationStats): boolean {
  return a.calls === b.calls && a.errors === b.errors && a.p50Ms === b.p50Ms && a.p95Ms === b.p95Ms && a.maxMs === b.maxMs &&
    a.slowest?.spanId === b.slowest?.spanId && a.latestError?.spanId === b.latestError?.spanId &&
    a.lastError?.timeMs === b.lastError?.timeMs && a.lastError?.traceId === b.lastError?.traceId;
}

/** the error mark stays where it was (no errors before or after, or the same throw frame) */
function sameThrowSite(a: LocationStats, b: LocationStats): boolean {
  if ((a.errors > 0) !== (b.errors > 0)) return false;
  if (b.errors === 0) return true;
  const x = a.lastError?.throwFrame;
  const y = b.lastError?.throwFrame;
  return x === y || (!!x && !!y && x.file === y.file && x.line === y.line && x.column === y.column);
}

export function rawOf(s: LocationStats): RawLocation {
  const loc: RawLocation = { layer: s.layer };
  if (s.file !== undefined) loc.file = s.file;
  if (s.line !== undefined) loc.line = s.line;
  if (s.column !== undefined) loc.column = s.column;
  if (s.function !== undefined) loc.function = s.function;
  if (s.namespace !== undefined) loc.namespace = s.namespace;
  return loc;
}

function errorText(s: LocationStats): string {
  const e = s.lastError;
  if (!e) return 'error';
  const type = oneLine(e.type, 100);
  const msg = oneLine(e.message, 300);
  return type && msg ? `${type}: ${msg}` : type || msg || 'error (no message)';
}

/** 0.42 ms · 4.2 ms · 48 ms · 1.2 s · 2.5 min */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 0.01) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** A text sparkline of counts (one character per bin). */
export function sparkline(counts: readonly number[]): string {
  const max = Math.max(0, ...counts);
  if (max === 0) return '';
  return counts.map((c) => (c === 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((c / max) * (BARS.length - 1) + 0.5))])).join('');
}
