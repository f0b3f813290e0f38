// A trace diff as a verdict (did it get worse?) and as text, Markdown or JSON for people, CI jobs and
// generated tests. Pure: no Node, no vscode. Span text is untrusted: one line, nothing invisible, and in
// Markdown no character that would start markup.
import { type DiffRow, type TraceDiff, rowPath } from './match';

export interface VerdictOptions {
  /** a paired span regressed when it got slower by more than this % … (default 20) */
  thresholdPct?: number;
  /** … and by at least this many ms (default 1: sub-millisecond spans jitter by more than 20 %) */
  minDeltaMs?: number;
}

export interface Verdict {
  structureDiffers: boolean;
  /** row indexes of paired spans slower beyond the threshold, the biggest first */
  regressed: number[];
  thresholdPct: number;
  minDeltaMs: number;
  /** 0 same, 1 structure differs or something regressed */
  exitCode: 0 | 1;
}

export function verdict(diff: TraceDiff, o: VerdictOptions = {}): Verdict {
  const thresholdPct = o.thresholdPct ?? 20;
  const minDeltaMs = o.minDeltaMs ?? 1;
  const regressed = diff.rows
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.deltaMs !== undefined && r.deltaMs >= minDeltaMs && (r.deltaPct === null || r.deltaPct! > thresholdPct))
    .sort((x, y) => y.r.deltaMs! - x.r.deltaMs! || x.i - y.i)
    .map(({ i }) => i);
  return {
    structureDiffers: diff.structureDiffers,
    regressed,
    thresholdPct,
    minDeltaMs,
    exitCode: diff.structureDiffers || regressed.length ? 1 : 0,
  };
}

// controls, line breaks, bidi overrides and other invisible characters
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]+/g;

/** Span text on one visible line, at most `max` characters. */
export function plain(s: string, max = 120): string {
  const t = s.replace(INVISIBLE, ' ');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export function formatMs(ms: number): string {
  const a = Math.abs(ms);
  if (a >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (a >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (a >= 100) return `${ms.toFixed(0)} ms`;
  if (a >= 10) return `${ms.toFixed(1)} ms`;
  if (a >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

export function formatDelta(ms: number, pct?: number | null): string {
  const sign = ms > 0 ? '+' : ms < 0 ? '−' : '±';
  const p = pct === undefined || pct === null ? '' : ` (${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct).toFixed(0)} %)`;
  return `${sign}${formatMs(Math.abs(ms))}${p}`;
}

function where(diff: TraceDiff, i: number): string {
  const names = rowPath(diff, i).map((n) => plain(n, 60));
  return names.length > 4 ? `… > ${names.slice(-4).join(' > ')}` : names.join(' > ');
}

const KIND_WORD: Record<Exclude<DiffRow['kind'], 'matched'>, string> = { added: 'added', removed: 'removed', renamed: 'renamed' };

/** Lines naming every structural change, subtrees of added/removed spans counted under their top span. */
function structureLines(diff: TraceDiff, bullet: string, limit: number): string[] {
  const out: string[] = [];
  let shown = 0;
  diff.rows.forEach((r, i) => {
    if (r.kind === 'matched') return;
    const parent = r.parent >= 0 ? diff.rows[r.parent] : undefined;
    if ((r.kind === 'added' || r.kind === 'removed') && parent?.kind === r.kind) return; // inside a subtree already named
    if (shown++ >= limit) return;
    let below = 0;
    if (r.kind === 'added' || r.kind === 'removed') {
      for (let j = i + 1; j < diff.rows.length && diff.rows[j].depth > r.depth; j++) below++;
    }
    const side = r.b ?? r.a!;
    const extra = r.kind === 'renamed' ? ` (was ${JSON.stringify(plain(r.a!.name, 60))})` : below ? ` (and ${below} span${below === 1 ? '' : 's'} below it)` : '';
    out.push(`${bullet}${KIND_WORD[r.kind]}: ${where(diff, i)} [${plain(r.service, 40)}] ${formatMs(side.durationMs)}${extra}`);
  });
  if (shown > limit) out.push(`${bullet}… and ${shown - limit} more`);
  return out;
}

function changeLine(diff: TraceDiff, i: number): string {
  const r = diff.rows[i];
  const self = r.selfDeltaMs !== undefined && Math.abs(r.selfDeltaMs) >= 0.0005 && Math.abs(r.selfDeltaMs - r.deltaMs!) > 0.0005
    ? `, self ${formatDelta(r.selfDeltaMs)}`
    : '';
  return `${where(diff, i)}: ${formatMs(r.a!.durationMs)} → ${formatMs(r.b!.durationMs)} ${formatDelta(r.deltaMs!, r.deltaPct)}${self}`;
}

export interface ReportOptions extends VerdictOptions {
  /** how many regressions/improvements and structural changes to list (default 10 / 50) */
  top?: number;
  structureLimit?: number;
  /** what each side is ("trace 4bf9…" or a file name) */
  labelA?: string;
  labelB?: string;
}

export function textReport(diff: TraceDiff, o: ReportOptions = {}): string {
  const v = verdict(diff, o);
  const top = o.top ?? 10;
  const L: string[] = [];
  const label = (x: string | undefined, s: TraceDiff['a']) => plain(x ?? (s.traceId ? `trace ${s.traceId}` : 'trace'), 200);
  L.push(`A: ${label(o.labelA, diff.a)} — ${diff.a.spanCount} spans, ${formatMs(diff.a.durationMs)}`);
  L.push(`B: ${label(o.labelB, diff.b)} — ${diff.b.spanCount} spans, ${formatMs(diff.b.durationMs)}`);
  const c = diff.counts;
  L.push('');
  if (!diff.structureDiffers) L.push(`Structure: the same (${c.matched} spans matched)`);
  else {
    L.push(`Structure: differs — ${c.matched} matched, ${c.added} added, ${c.removed} removed, ${c.renamed} renamed`);
    L.push(...structureLines(diff, '  ', o.structureLimit ?? 50));
  }
  const list = (title: string, rows: number[]) => {
    if (!rows.length) return;
    L.push('', title);
    for (const i of rows.slice(0, top)) L.push(`  ${changeLine(diff, i)}`);
    if (rows.length > top) L.push(`  … and ${rows.length - top} more`);
  };
  list('Slower (by own time):', diff.regressions);
  list('Faster (by own time):', diff.improvements);
  L.push('');
  L.push(verdictLine(v));
  return `${L.join('\n')}\n`;
}

function verdictLine(v: Verdict): string {
  const parts: string[] = [];
  if (v.structureDiffers) parts.push('the structure differs');
  if (v.regressed.length) parts.push(`${v.regressed.length} span${v.regressed.length === 1 ? '' : 's'} slower by more than ${v.thresholdPct} % (and ${formatMs(v.minDeltaMs)})`);
  return parts.length ? `Result: DIFFERENT — ${parts.join('; ')}.` : `Result: SAME — the same structure, nothing slower by more than ${v.thresholdPct} % (and ${formatMs(v.minDeltaMs)}).`;
}

/** Markdown: span text escaped so it cannot start markup, break a table or link anywhere. */
export function mdText(s: string): string {
  // only what is markup inside a line (every line here starts with our own text: no block markup to fear)
  return plain(s).replace(/[\\`*_{}[\]<>#|~&]/g, (c) => `\\${c}`);
}

export function markdownReport(diff: TraceDiff, o: ReportOptions = {}): string {
  const v = verdict(diff, o);
  const top = o.top ?? 10;
  const L: string[] = [];
  L.push(`### Trace diff: ${v.exitCode ? '**different**' : 'same'}`, '');
  L.push('| | trace | spans | duration |', '|---|---|---:|---:|');
  L.push(`| A | ${mdText(o.labelA ?? diff.a.traceId)} | ${diff.a.spanCount} | ${formatMs(diff.a.durationMs)} |`);
  L.push(`| B | ${mdText(o.labelB ?? diff.b.traceId)} | ${diff.b.spanCount} | ${formatMs(diff.b.durationMs)} |`);
  L.push('');
  const c = diff.counts;
  L.push(diff.structureDiffers
    ? `**Structure differs**: ${c.matched} matched, ${c.added} added, ${c.removed} removed, ${c.renamed} renamed.`
    : `Structure: the same (${c.matched} spans matched).`);
  if (diff.structureDiffers) {
    L.push('');
    for (const line of structureLines(diff, '', o.structureLimit ?? 50)) L.push(`- ${mdText(line)}`);
  }
  const table = (title: string, rows: number[]) => {
    if (!rows.length) return;
    L.push('', `**${title}**`, '', '| span | A | B | Δ | Δ self |', '|---|---:|---:|---:|---:|');
    for (const i of rows.slice(0, top)) {
      const r = diff.rows[i];
      L.push(`| ${mdText(where(diff, i))} | ${formatMs(r.a!.durationMs)} | ${formatMs(r.b!.durationMs)} | ${formatDelta(r.deltaMs!, r.deltaPct)} | ${formatDelta(r.selfDeltaMs!)} |`);
    }
    if (rows.length > top) L.push('', `… and ${rows.length - top} more`);
  };
  table('Slower (by own time)', diff.regressions);
  table('Faster (by own time)', diff.improvements);
  L.push('', mdText(verdictLine(v)));
  return `${L.join('\n')}\n`;
}

/** The diff and its verdict as one JSON document (rows included). */
export function jsonReport(diff: TraceDiff, o: VerdictOptions = {}): string {
  return `${JSON.stringify({ ...diff, verdict: verdict(diff, o) }, null, 2)}\n`;
}
