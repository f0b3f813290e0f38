// String interning for decoded telemetry. Attribute keys, span names and short values repeat across
// millions of spans; keeping one instance of each is most of what keeps the store near its memory target.
// The table is bounded: when it fills up it starts over (strings already stored stay valid, they are just
// no longer shared with new arrivals), so hostile high-cardinality input cannot grow it without limit.

const MAX_ENTRIES = 50_000;
/** longer strings are rarely repeated (URLs with ids, SQL with literals, messages) and are kept as they come */
export const MAX_INTERNED_LENGTH = 96;

let table = new Map<string, string>();

export function intern(s: string): string {
  if (s.length > MAX_INTERNED_LENGTH) return s;
  const hit = table.get(s);
  if (hit !== undefined) return hit;
  if (table.size >= MAX_ENTRIES) table = new Map();
  table.set(s, s);
  return s;
}

// Small non-negative integers (status codes, ports, counts) as shared bigint instances.
const SMALL_BIGINTS: bigint[] = [];
for (let i = 0; i < 1024; i++) SMALL_BIGINTS.push(BigInt(i));

export function smallBigInt(n: number): bigint {
  return n >= 0 && n < 1024 && Number.isInteger(n) ? SMALL_BIGINTS[n] : BigInt(n);
}
