// The route or path shown after a span named by its HTTP method alone ("GET" → "GET /checkout"), read from
// the span's attributes in the packed form (values there are cut to PACKED_VALUE_CHARS, far above the target's
// own limit). The rule is the trace list's: src/protocol/httpTarget.ts.
import { TARGET_KEYS, httpTarget, isBareMethod } from '../../src/protocol/httpTarget';

export interface TargetInput {
  name: Uint32Array;
  attrStart: Uint32Array;
  attrs: Uint32Array;
  str(i: number): string;
}

const KEYS: ReadonlySet<string> = new Set(TARGET_KEYS);

/** the route or path of row `r` when its name is an HTTP method alone, else undefined */
export function rowTarget(t: TargetInput, r: number): string | undefined {
  const name = t.str(t.name[r]);
  if (!isBareMethod(name)) return undefined;
  // one pass over the row's attributes picks up every key the rule may ask for
  let found: Map<string, string> | undefined;
  for (let a = 2 * t.attrStart[r], e = 2 * t.attrStart[r + 1]; a < e; a += 2) {
    const key = t.str(t.attrs[a]);
    if (KEYS.has(key) && !found?.has(key)) (found ??= new Map()).set(key, t.str(t.attrs[a + 1]));
  }
  return found && httpTarget(name, (key) => found.get(key));
}
