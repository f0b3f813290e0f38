// Exceptions as the agent sees them: type, message and the top frames of the application's own code (the
// stack-trace parsers of src/protocol/stackFrames.ts tell those from dependencies and the runtime), each
// frame placed in the workspace when it is there.
import type { KeyValue, OtlpSpan } from '../model/otlpJson';
import { userFrames } from '../protocol/stackFrames';
import { valueText } from '../tracelist/attributeMatch';
import { cap, capLines } from './answer';
import { placeRef, type PlaceRef } from './places';
import type { AgentContext } from './source';

export interface ExceptionInfo {
  type: string;
  message: string;
  stack?: string;
  /** from an exception event (else from the span's error status) */
  event: boolean;
}

function attr(list: KeyValue[] | undefined, key: string): string | undefined {
  const kv = list?.find((a) => a.key === key);
  return kv ? valueText(kv.value) : undefined;
}

/** The span's last exception event, else its error status (undefined when it has neither). */
export function exceptionOf(span: OtlpSpan): ExceptionInfo | undefined {
  const evs = span.events ?? [];
  for (let i = evs.length - 1; i >= 0; i--) {
    const e = evs[i];
    if (e.name !== 'exception') continue;
    return {
      event: true,
      type: attr(e.attributes, 'exception.type') ?? '(exception without a type)',
      message: attr(e.attributes, 'exception.message') ?? '',
      stack: attr(e.attributes, 'exception.stacktrace') || attr(span.attributes, 'code.stacktrace') || undefined,
    };
  }
  if (span.status?.code === 2) {
    return { event: false, type: attr(span.attributes, 'error.type') ?? '(error status)', message: span.status.message ?? '' };
  }
  return undefined;
}

/** The top `max` frames of the application's code in a stack trace, innermost first. */
export function topFrames(ctx: AgentContext, stack: string | undefined, max: number): PlaceRef[] {
  if (!stack) return [];
  return userFrames(stack, max).map((f) => placeRef(ctx, f.file, f.line, f.namespace && f.function ? `${f.namespace}.${f.function}` : f.function));
}

export function exceptionEntry(ctx: AgentContext, ex: ExceptionInfo, frames = 3): Record<string, unknown> {
  const out: Record<string, unknown> = { type: cap(ex.type, 120), message: capLines(ex.message, 300) };
  const top = topFrames(ctx, ex.stack, frames);
  if (top.length) out.frames = top;
  return out;
}
