// Helpers for flat attribute lists (see span.ts).
import { AttrValue, Attrs, KvList } from './span';

export function getAttr(attrs: Attrs, key: string): AttrValue | undefined {
  for (let i = 0; i < attrs.length; i += 2) if (attrs[i] === key) return attrs[i + 1] as AttrValue;
  return undefined;
}

export function getStringAttr(attrs: Attrs, key: string): string | undefined {
  const v = getAttr(attrs, key);
  return typeof v === 'string' ? v : undefined;
}

/** integer-valued attribute (int or whole double, or a numeric string), as a number */
export function getIntAttr(attrs: Attrs, key: string): number | undefined {
  const v = getAttr(attrs, key);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

export function forEachAttr(attrs: Attrs, fn: (key: string, value: AttrValue) => void): void {
  for (let i = 0; i < attrs.length; i += 2) fn(attrs[i] as string, attrs[i + 1] as AttrValue);
}

/** A value as display text (never HTML; callers still escape for their medium). */
export function attrToText(v: AttrValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof KvList) {
    const parts: string[] = [];
    forEachAttr(v.kv, (k, x) => parts.push(`${k}=${attrToText(x)}`));
    return `{${parts.join(', ')}}`;
  }
  return `[${v.map(attrToText).join(', ')}]`;
}
