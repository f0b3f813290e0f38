// Where a log record was written, from its code.* attributes (old and new names, read by the same rule the
// receiver uses to place spans by their logs), as a frame the host can open. Pure.
import { readCodeAttrs } from '../../src/protocol/codeAttrs';
import type { AnyValue, KeyValue } from '../../src/protocol/waterfall';
import type { FrameRef } from '../../src/protocol/stackFrames';

export function codeSite(kvs: KeyValue[] | undefined): FrameRef | null {
  if (!kvs?.length) return null;
  const flat: unknown[] = [];
  for (const kv of kvs) if (kv.key.startsWith('code.')) flat.push(kv.key, scalar(kv.value));
  const c = flat.length ? readCodeAttrs(flat) : null;
  if (!c?.file || !c.line) return null;
  const f: FrameRef = { file: c.file, line: c.line };
  if (c.column !== undefined) f.column = c.column;
  if (c.function !== undefined) f.function = c.function;
  return f;
}

/** the attribute value as the receiver's store holds it (ints arrive as decimal strings or numbers) */
function scalar(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return v.intValue;
  return undefined;
}

/** the attributes that describe an exception (the rest of an exception's attributes are shown as they are) */
export const EXCEPTION_KEYS: readonly string[] = ['exception.type', 'exception.message', 'exception.stacktrace'];

/** whether the attributes describe an exception (exception.type, .message or .stacktrace) */
export function hasException(kvs: KeyValue[] | undefined): boolean {
  return !!kvs?.some((a) => EXCEPTION_KEYS.includes(a.key));
}
