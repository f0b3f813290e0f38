// The trace list's filter box: a small query language parsed into a predicate over trace summaries.
//
//   checkout            free text: matches the root span name, a service name or the trace id prefix
//   service:checkout    a service taking part in the trace (substring, case-insensitive)
//   name:"GET /cart"    the root span name (substring; quotes allow spaces)
//   is:error            traces with at least one error span        (also: errors, error)
//   is:pinned           pinned traces
//   min:250ms  >250ms   traces at least this long (units ns, us/µs, ms, s, m; bare numbers are ms)
//   max:2s     <2s      traces at most this long
//   http.route=/cart    an attribute key=value on any span or resource of the trace (answered by the receiver)
//   -service:db         a leading '-' negates a term
//
// Terms combine with AND. Parsing never throws: unusable terms are reported in `errors` so the filter box
// can say what it did not understand while the rest of the filter still applies.
import type { TraceSummary } from '../protocol/api';
import { rootLabel } from './format';

export interface AttributeTerm {
  key: string;
  value: string;
}

type Term =
  | { kind: 'text'; value: string; negate: boolean }
  | { kind: 'service'; value: string; negate: boolean }
  | { kind: 'name'; value: string; negate: boolean }
  | { kind: 'error'; negate: boolean }
  | { kind: 'pinned'; negate: boolean }
  | { kind: 'min'; ms: number }
  | { kind: 'max'; ms: number };

export interface TraceFilter {
  /** the text the user typed, normalised (trimmed) */
  readonly source: string;
  readonly terms: readonly Term[];
  /** key=value terms; summaries do not carry attributes, so these are answered by the receiver */
  readonly attributes: readonly AttributeTerm[];
  /** terms that could not be understood, as messages the user can act on */
  readonly errors: readonly string[];
}

export const EMPTY_FILTER: TraceFilter = { source: '', terms: [], attributes: [], errors: [] };

export function isEmptyFilter(f: TraceFilter): boolean {
  return f.terms.length === 0 && f.attributes.length === 0;
}

/** Splits on whitespace, keeping "double quoted" parts together (quotes removed, \" escapes a quote). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let inQuote = false;
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuote) {
      if (c === '\\' && text[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') inQuote = false;
      else cur += c;
    } else if (c === '"') {
      inQuote = true;
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) tokens.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has || cur) tokens.push(cur);
  return tokens;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, min: 60_000 };

/** "250ms" → 250, "1.5s" → 1500, "20" → 20 (ms); undefined when not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s|m|min)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor = UNIT_MS[unit];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

export function parseFilter(text: string): TraceFilter {
  const source = text.trim();
  const terms: Term[] = [];
  const attributes: AttributeTerm[] = [];
  const errors: string[] = [];
  for (const raw of tokenize(source)) {
    let token = raw;
    let negate = false;
    if (token.length > 1 && token.startsWith('-')) {
      negate = true;
      token = token.slice(1);
    }
    const lower = token.toLowerCase();
    if (lower === 'is:error' || lower === 'errors' || lower === 'error' || lower === 'is:errors') {
      terms.push({ kind: 'error', negate });
      continue;
    }
    if (lower === 'is:pinned' || lower === 'pinned') {
      terms.push({ kind: 'pinned', negate });
      continue;
    }
    const cmp = /^(min:|max:|>=?|<=?)(.*)$/i.exec(token);
    if (cmp) {
      const ms = parseDurationMs(cmp[2]);
      if (ms === undefined) {
        errors.push(`"${raw}": not a duration (examples: min:250ms, >1.5s, max:20)`);
      } else if (negate) {
        errors.push(`"${raw}": a duration bound cannot be negated; use min: or max: instead`);
      } else {
        const op = cmp[1].toLowerCase();
        terms.push(op === 'min:' || op.startsWith('>') ? { kind: 'min', ms } : { kind: 'max', ms });
      }
      continue;
    }
    const prefixed = /^(service|svc|name|root):(.*)$/i.exec(token);
    if (prefixed) {
      const value = prefixed[2].toLowerCase();
      if (!value) {
        errors.push(`"${raw}": nothing after "${prefixed[1]}:"`);
        continue;
      }
      const kind = /^(service|svc)$/i.test(prefixed[1]) ? 'service' : 'name';
      terms.push({ kind, value, negate });
      continue;
    }
    const eq = token.indexOf('=');
    if (eq > 0) {
      if (negate) {
        errors.push(`"${raw}": attribute terms cannot be negated`);
        continue;
      }
      attributes.push({ key: token.slice(0, eq), value: token.slice(eq + 1) });
      continue;
    }
    if (eq === 0) {
      errors.push(`"${raw}": an attribute term needs a key before "=" (example: http.route=/cart)`);
      continue;
    }
    terms.push({ kind: 'text', value: lower, negate });
  }
  return { source, terms, attributes, errors };
}

/** Why a filter cannot be applied as typed (undefined: it can): Enter in the filter box applies only a filter
 *  it can read whole, so a mistyped bound never silently hides every trace. */
export function filterProblem(f: TraceFilter): string | undefined {
  if (f.errors.length === 0) return undefined;
  return `Not applied: ${f.errors.join('; ')}. Correct it, or press Escape to keep the previous filter.`;
}

function termMatches(t: Term, s: TraceSummary): boolean {
  switch (t.kind) {
    case 'text': {
      const hit = rootLabel(s).toLowerCase().includes(t.value)
        || s.services.some((x) => x.toLowerCase().includes(t.value))
        || s.rootService.toLowerCase().includes(t.value)
        || s.traceId.startsWith(t.value);
      return hit !== t.negate;
    }
    case 'service': {
      const hit = s.services.some((x) => x.toLowerCase().includes(t.value)) || s.rootService.toLowerCase().includes(t.value);
      return hit !== t.negate;
    }
    case 'name':
      return rootLabel(s).toLowerCase().includes(t.value) !== t.negate;
    case 'error':
      return s.errorCount > 0 !== t.negate;
    case 'pinned':
      return s.pinned !== t.negate;
    case 'min':
      return s.durationMs >= t.ms;
    case 'max':
      return s.durationMs <= t.ms;
  }
}

/** The summary-field part of the filter (attribute terms are answered separately, by the receiver). */
export function matchesSummary(f: TraceFilter, s: TraceSummary): boolean {
  for (const t of f.terms) if (!termMatches(t, s)) return false;
  return true;
}

