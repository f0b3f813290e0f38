// Generated → original positions, off the hot path (when a span ends), cached per file. Node's own source-map
// cache first (module.findSourceMap: filled for code compiled by tsx, ts-node with source maps, or any app run
// with --enable-source-maps), else the file's `//# sourceMappingURL=` (inline data: URL or a .map file beside
// it, as tsc and bundlers write them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js';

export interface Position {
  file: string;
  line: number;
  column: number;
}

type Lookup = (line: number, column: number) => Position | undefined;

const lookups = new Map<string, Lookup | null>();
const MAP_COMMENT = /\/[/*][#@]\s*sourceMappingURL=([^\s'"*]+)\s*(?:\*\/\s*)?$/;

function sourcePath(source: string, mapDir: string, sourceRoot: string | undefined): string {
  if (source.startsWith('file://')) return fileURLToPath(source);
  const joined = sourceRoot ? (sourceRoot.startsWith('file://') ? path.join(fileURLToPath(sourceRoot), source) : path.join(sourceRoot, source)) : source;
  return path.resolve(mapDir, joined);
}

function fromNodeCache(file: string): Lookup | null {
  const find = (nodeModule as { findSourceMap?: (p: string) => unknown }).findSourceMap;
  if (typeof find !== 'function') return null;
  let sm: { findEntry(l: number, c: number): Record<string, unknown>; payload?: { sourceRoot?: string } } | undefined;
  try {
    sm = (find(file) ?? find(`file://${file}`)) as typeof sm;
  } catch {
    return null;
  }
  if (!sm || typeof sm.findEntry !== 'function') return null;
  const dir = path.dirname(file);
  return (line, column) => {
    const e = sm!.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (!e || typeof e.originalSource !== 'string' || typeof e.originalLine !== 'number') return undefined;
    return { file: sourcePath(e.originalSource, dir, sm!.payload?.sourceRoot), line: e.originalLine + 1, column: (e.originalColumn ?? 0) + 1 };
  };
}

function readMap(file: string): { raw: RawSourceMap; dir: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const tail = text.slice(-4096).trimEnd();
  const m = MAP_COMMENT.exec(tail);
  if (!m) return undefined;
  const ref = m[1];
  if (ref.startsWith('data:')) {
    const comma = ref.indexOf(',');
    const meta = ref.slice(5, comma);
    const body = ref.slice(comma + 1);
    const json = meta.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
    return { raw: JSON.parse(json) as RawSourceMap, dir: path.dirname(file) };
  }
  const mapFile = ref.startsWith('file://') ? fileURLToPath(ref) : path.resolve(path.dirname(file), decodeURIComponent(ref));
  return { raw: JSON.parse(fs.readFileSync(mapFile, 'utf8')) as RawSourceMap, dir: path.dirname(mapFile) };
}

function fromFile(file: string): Lookup | null {
  try {
    const map = readMap(file);
    if (!map) return null;
    const consumer = new SourceMapConsumer(map.raw);
    return (line, column) => {
      const o = consumer.originalPositionFor({ line, column: Math.max(0, column - 1) });
      if (!o.source || !o.line) return undefined;
      return { file: sourcePath(o.source, map.dir, map.raw.sourceRoot), line: o.line, column: (o.column ?? 0) + 1 };
    };
  } catch {
    return null;
  }
}

/** The original position of a generated one, or the position itself when the file has no (usable) map. */
export function originalPosition(p: Position): Position {
  let lookup = lookups.get(p.file);
  if (lookup === undefined) {
    lookup = fromNodeCache(p.file) ?? fromFile(p.file);
    lookups.set(p.file, lookup);
  }
  return (lookup && lookup(p.line, p.column)) || p;
}
