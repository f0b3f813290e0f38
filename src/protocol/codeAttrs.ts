// The code.* attributes (OpenTelemetry semantic conventions, stable names and the deprecated ones they
// replaced) read from a flat attribute list. Shared: the receiver places spans by them (src/source/signal.ts)
// and the waterfall shows where a log record was written. Pure; no Node, no vscode.
import type { AttrValue } from '../model/span';

export interface CodeAttrs {
  file?: string;
  line?: number;
  column?: number;
  function?: string;
  namespace?: string;
  stacktrace?: string;
}

/** Read the code.* attributes of a flat attribute list; null when there is none. */
export function readCodeAttrs(attrs: ReadonlyArray<unknown>): CodeAttrs | null {
  let out: CodeAttrs | null = null;
  for (let i = 0; i < attrs.length; i += 2) {
    const k = attrs[i] as string;
    // 'c' 'o' 'd' 'e' '.' — reject almost every key on the first char code
    if (k.charCodeAt(0) !== 99 || k.charCodeAt(4) !== 46 || !k.startsWith('code.')) continue;
    const v = attrs[i + 1] as AttrValue;
    out ??= {};
    switch (k) {
      case 'code.file.path':
        if (typeof v === 'string' && v) out.file = v;
        break;
      case 'code.filepath':
        if (typeof v === 'string' && v && out.file === undefined) out.file = v;
        break;
      case 'code.line.number':
        out.line = positiveInt(v) ?? out.line;
        break;
      case 'code.lineno':
        if (out.line === undefined) out.line = positiveInt(v);
        break;
      case 'code.column.number':
        out.column = positiveInt(v) ?? out.column;
        break;
      case 'code.column':
        if (out.column === undefined) out.column = positiveInt(v);
        break;
      case 'code.function.name':
        if (typeof v === 'string' && v) out.function = v;
        break;
      case 'code.function':
        if (typeof v === 'string' && v && out.function === undefined) out.function = v;
        break;
      case 'code.namespace':
        if (typeof v === 'string' && v) out.namespace = v;
        break;
      case 'code.stacktrace':
        if (typeof v === 'string' && v) out.stacktrace = v;
        break;
    }
  }
  return out;
}

function positiveInt(v: AttrValue | undefined): number | undefined {
  let n: number | undefined;
  if (typeof v === 'bigint') n = Number(v);
  else if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\d{1,9}$/.test(v)) n = Number(v);
  return n !== undefined && Number.isInteger(n) && n > 0 && n < 1e9 ? n : undefined;
}
