// Find in trace: a query matches span names, service names, attribute keys and attribute values
// (case-insensitive substring); `key=value` matches spans whose attribute `key` contains `value`
// (`key=` alone: the attribute is present). Each distinct string is tested once per query, so 100k
// spans with their attributes are searched in a few milliseconds. A span named by its HTTP method alone
// also matches by the label its row shows ("GET /checkout", see rowTarget).
import { rowTarget } from './rowTarget';

export interface FindInput {
  spanCount: number;
  service: Uint32Array;
  name: Uint32Array;
  attrStart: Uint32Array;
  attrs: Uint32Array;
  stringCount: number;
  str(i: number): string;
}

export interface ParsedQuery {
  kind: 'text' | 'attr';
  text: string;
  key: string;
}

export function parseQuery(q: string): ParsedQuery | null {
  const s = q.trim();
  if (!s) return null;
  const eq = s.indexOf('=');
  if (eq > 0) return { kind: 'attr', key: s.slice(0, eq).trim().toLowerCase(), text: s.slice(eq + 1).trim().toLowerCase() };
  return { kind: 'text', key: '', text: s.toLowerCase() };
}

/** the label a row shows ("GET /checkout"), lowercased, for every row once: `of[row]` indexes `text`, -1 none */
export interface RowLabels {
  of: Int32Array;
  text: string[];
}

export function rowLabels(t: FindInput): RowLabels {
  const labels = new RowLabelsBuilder(t.spanCount);
  labels.add(t, 0, t.spanCount);
  return labels;
}

/** rowLabels a range of rows at a time (the receiver works them out while it orders a trace) */
export class RowLabelsBuilder implements RowLabels {
  readonly of: Int32Array;
  readonly text: string[] = [];
  private readonly seen = new Map<string, number>();

  constructor(spanCount: number) {
    this.of = new Int32Array(spanCount).fill(-1);
  }

  add(t: FindInput, from: number, to: number): void {
    for (let r = from; r < to; r++) {
      const target = rowTarget(t, r);
      if (target === undefined) continue;
      const label = `${t.str(t.name[r])} ${target}`.toLowerCase();
      let i = this.seen.get(label);
      if (i === undefined) {
        i = this.text.length;
        this.text.push(label);
        this.seen.set(label, i);
      }
      this.of[r] = i;
    }
  }
}

/**
 * 1 for every matching row; null for an empty query. `stringsContaining` (optional) answers, for a lowercase
 * needle, which strings of the table contain it (1 yes, 2 no) in one pass over all of them — the receiver's
 * search of a million spans (src/receiver/traceWindows.ts) — instead of a test per distinct string; `labels`
 * (optional, rowLabels) saves working out each row's label again for every query.
 */
export function findMatches(t: FindInput, query: string, stringsContaining?: (needle: string) => Uint8Array | null, labels?: () => RowLabels): Uint8Array | null {
  const q = parseQuery(query);
  if (!q) return null;
  const known = q.text && stringsContaining ? stringsContaining(q.text) : null;
  const memo = known ?? new Uint8Array(t.stringCount); // 0 unknown, 1 match, 2 no match
  const contains = (i: number, needle: string): boolean => {
    let m = memo[i];
    if (!m) memo[i] = m = t.str(i).toLowerCase().includes(needle) ? 1 : 2;
    return m === 1;
  };
  const out = new Uint8Array(t.spanCount);
  if (q.kind === 'text') {
    // the name and its target are each a name or an attribute value: only a query with a space can match
    // the label and neither part
    const byLabel = q.text.includes(' ');
    const byRow = byLabel && labels ? labels() : null;
    const labelMemo = byRow ? new Uint8Array(byRow.text.length) : null;
    for (let r = 0; r < t.spanCount; r++) {
      if (contains(t.name[r], q.text) || contains(t.service[r], q.text)) {
        out[r] = 1;
        continue;
      }
      for (let a = 2 * t.attrStart[r], e = 2 * t.attrStart[r + 1]; a < e; a++) {
        if (contains(t.attrs[a], q.text)) {
          out[r] = 1;
          break;
        }
      }
      if (byRow && !out[r]) {
        const l = byRow.of[r];
        if (l >= 0) {
          let m = labelMemo![l];
          if (!m) labelMemo![l] = m = byRow.text[l].includes(q.text) ? 1 : 2;
          if (m === 1) out[r] = 1;
        }
      } else if (byLabel && !out[r]) {
        const target = rowTarget(t, r);
        if (target !== undefined && `${t.str(t.name[r])} ${target}`.toLowerCase().includes(q.text)) out[r] = 1;
      }
    }
    return out;
  }
  const keyMemo = new Uint8Array(t.stringCount);
  const keyIs = (i: number): boolean => {
    let m = keyMemo[i];
    if (!m) keyMemo[i] = m = t.str(i).toLowerCase() === q.key ? 1 : 2;
    return m === 1;
  };
  for (let r = 0; r < t.spanCount; r++) {
    for (let a = 2 * t.attrStart[r], e = 2 * t.attrStart[r + 1]; a < e; a += 2) {
      if (keyIs(t.attrs[a]) && (q.text === '' || contains(t.attrs[a + 1], q.text))) {
        out[r] = 1;
        break;
      }
    }
  }
  return out;
}

/** rows of `mask` in order */
export function listRows(mask: Uint8Array): Int32Array {
  let k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) k++;
  const out = new Int32Array(k);
  k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) out[k++] = i;
  return out;
}

/** the next (dir 1) or previous (dir -1) entry of the ascending `list` after/before `from`, wrapping */
export function stepTo(list: Int32Array, from: number, dir: 1 | -1): number {
  if (!list.length) return -1;
  if (dir === 1) {
    for (let i = 0; i < list.length; i++) if (list[i] > from) return list[i];
    return list[0];
  }
  for (let i = list.length - 1; i >= 0; i--) if (list[i] < from) return list[i];
  return list[list.length - 1];
}

/** the first entry of the ascending `list` at or after `from`, wrapping to the first; -1 for an empty list */
export function firstFrom(list: Int32Array, from: number): number {
  if (!list.length) return -1;
  for (let i = 0; i < list.length; i++) if (list[i] >= from) return list[i];
  return list[0];
}
