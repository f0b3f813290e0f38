// Where a span's code is, for an answer: `at` = `file:line` relative to the workspace when the resolver
// places it there (the agent can open it), else `rawAt` as the telemetry spelled it (capped; it may be a
// container path or anything a process chose to send).
import type { RawLocation } from '../source/signal';
import { cap } from './answer';
import type { AgentContext } from './source';

export interface PlaceRef {
  at?: string;
  rawAt?: string;
  fn?: string;
}

export function locationRef(ctx: AgentContext, loc: RawLocation | null | undefined): PlaceRef | undefined {
  if (!loc) return undefined;
  const ref: PlaceRef = {};
  const at = ctx.place?.(loc);
  if (at) ref.at = at;
  else if (loc.file) ref.rawAt = cap(loc.line ? `${loc.file}:${loc.line}` : loc.file, 160);
  const fn = loc.function ? (loc.namespace ? `${loc.namespace}.${loc.function}` : loc.function) : undefined;
  if (fn) ref.fn = cap(fn, 80);
  return ref.at || ref.rawAt || ref.fn ? ref : undefined;
}

export function placeRef(ctx: AgentContext, file: string | undefined, line: number | undefined, fn?: string): PlaceRef {
  const loc: RawLocation | undefined = file ? { file, line, layer: 'stacktrace' } : fn ? { layer: 'name' } : undefined;
  if (loc && fn) loc.function = fn;
  return locationRef(ctx, loc) ?? {};
}
