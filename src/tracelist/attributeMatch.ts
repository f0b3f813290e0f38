// Attribute terms of the trace-list filter (`http.route=/cart`) checked against a whole trace in OTLP JSON:
// a term matches when any span, span event, resource or scope of the trace has the key with a value that
// contains the text (case-insensitive). `key=` or `key=*` only asks for the key to be present.
import type { AnyValue, KeyValue, OtlpTracesData } from '../model/otlpJson';
import type { AttributeTerm } from './filter';

/** The text a user would type for a value: strings as-is, numbers and booleans in decimal, lists joined. */
export function valueText(v: AnyValue | undefined): string {
  if (!v) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return v.arrayValue.values.map(valueText).join(',');
  if (v.kvlistValue) return v.kvlistValue.values.map((kv) => `${kv.key}=${valueText(kv.value)}`).join(',');
  return '';
}

function listMatches(attrs: KeyValue[] | undefined, key: string, needle: string | null): boolean {
  if (!attrs) return false;
  for (const kv of attrs) {
    if (kv.key !== key) continue;
    if (needle === null || valueText(kv.value).toLowerCase().includes(needle)) return true;
  }
  return false;
}

function termMatches(trace: OtlpTracesData, term: AttributeTerm): boolean {
  const needle = term.value === '' || term.value === '*' ? null : term.value.toLowerCase();
  for (const rs of trace.resourceSpans ?? []) {
    if (listMatches(rs.resource?.attributes, term.key, needle)) return true;
    for (const ss of rs.scopeSpans ?? []) {
      if (listMatches(ss.scope?.attributes, term.key, needle)) return true;
      for (const span of ss.spans ?? []) {
        if (listMatches(span.attributes, term.key, needle)) return true;
        for (const ev of span.events ?? []) if (listMatches(ev.attributes, term.key, needle)) return true;
      }
    }
  }
  return false;
}

/** True when every term matches somewhere in the trace. */
export function traceMatchesAttributes(trace: OtlpTracesData, terms: readonly AttributeTerm[]): boolean {
  return terms.every((t) => termMatches(trace, t));
}
