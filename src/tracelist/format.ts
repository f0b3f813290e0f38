// Short, stable text for trace rows: durations, relative start times, counts.
import type { TraceSummary } from '../protocol/api';
import { noticeText } from '../source/untrustedText';

function trim(n: number, digits: number): string {
  // 3 significant digits without trailing zeros: 1.50 → 1.5, 12.0 → 12
  return Number(n.toFixed(digits)).toString();
}

/** 0.85 → "850 µs", 12.34 → "12.3 ms", 1234 → "1.23 s", 125000 → "2 m 5 s" */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms === 0) return '0 ms';
  if (ms < 0.001) return `${trim(ms * 1e6, 0)} ns`;
  if (ms < 1) return `${trim(ms * 1000, ms < 0.01 ? 2 : ms < 0.1 ? 1 : 0)} µs`;
  if (ms < 1000) return `${trim(ms, ms < 10 ? 2 : ms < 100 ? 1 : 0)} ms`;
  if (ms < 60_000) return `${trim(ms / 1000, ms < 10_000 ? 2 : 1)} s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return h > 0 ? `${h} h ${m} m` : `${m} m ${s} s`;
}

/** How long ago, coarse: "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago"; future times read "just now". */
export function formatRelative(startMs: number, now: number): string {
  const age = now - startMs;
  if (!Number.isFinite(age)) return '';
  if (age < 5_000) return 'just now';
  if (age < 60_000) return `${Math.floor(age / 1000)} s ago`;
  if (age < 3_600_000) return `${Math.floor(age / 60_000)} min ago`;
  if (age < 86_400_000) return `${Math.floor(age / 3_600_000)} h ago`;
  return `${Math.floor(age / 86_400_000)} d ago`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${groupDigits(n)} ${n === 1 ? one : many}`;
}

/**
 * A count with thousands separators, as toLocaleString('en-US') writes it; whole numbers without Intl, whose
 * first use costs a webview ~25 ms as it opens.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const s = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < s.length; i++) out += (i > 0 && (s.length - i) % 3 === 0 ? ',' : '') + s[i];
  return n < 0 ? `-${out}` : out;
}

/** A span of the trace names a parent that is not there (yet): the row's "root" is not the trace's root. */
export function isIncomplete(s: Pick<TraceSummary, 'brokenParents'>): boolean {
  return s.brokenParents > 0;
}

/** The root span's name (with its route or path when the name is a bare HTTP method), or a note when the
 *  root has not arrived (yet). */
export function rowLabel(s: TraceSummary): string {
  return rootLabel(s) || '(root span not received)';
}

/** "GET /checkout" for a root named "GET" with that route; else the root span's name ('' when none) */
export function rootLabel(s: Pick<TraceSummary, 'rootName' | 'rootTarget'>): string {
  return s.rootTarget && s.rootName ? `${s.rootName} ${s.rootTarget}` : s.rootName;
}

/**
 * "123 ms · 2 errors · 5 s ago · checkout · 45 spans": the duration first and the errors next, because a
 * sidebar at its default width cuts the end of the line (the service is left out when grouped by service).
 * A trace with a span whose parent has not arrived (the root still on its way, or lost) starts with
 * "incomplete": its root and its duration are provisional.
 */
export function rowDescription(s: TraceSummary, now: number, withService = true): string {
  const parts: string[] = [];
  if (isIncomplete(s)) parts.push('incomplete');
  parts.push(formatDuration(s.durationMs));
  if (s.errorCount > 0) parts.push(plural(s.errorCount, 'error'));
  parts.push(formatRelative(s.startMs, now));
  if (withService) parts.push(s.rootService || 'unknown_service');
  parts.push(plural(s.spanCount, 'span'));
  return parts.join(' · ');
}

/**
 * A quick pick row for a trace ("Choose a trace", Open Trace by ID). Quick picks render `$(icon)` syntax in
 * the label, the description and the detail alike, so every piece of span text goes through noticeText.
 */
export function tracePickItem(s: TraceSummary, now: number): { label: string; description: string; detail: string } {
  const from = s.source === 'file' ? ` · from ${s.sourceName ?? 'a file'}` : '';
  return {
    label: noticeText(rowLabel(s), 200),
    description: noticeText(`${rowDescription(s, now)}${from}`, 300),
    detail: noticeText(s.traceId, 64),
  };
}
