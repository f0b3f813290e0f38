// The trace summary's rootTarget: the route or path of a root named by its HTTP method alone (the rule is in
// src/protocol/httpTarget.ts, which the waterfall shares).
import type { Attrs } from '../model/span';
import { getStringAttr } from '../model/attrs';
import { httpTarget } from '../protocol/httpTarget';

/** the route or path of a span named by its HTTP method alone; undefined for any other name */
export function rootTarget(name: string, attrs: Attrs): string | undefined {
  return httpTarget(name, (key) => getStringAttr(attrs, key));
}
