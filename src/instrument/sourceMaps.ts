// Generated → original positions, off the hot path (when a span ends), cached per file. Node's own source-map
// cache first (module.findSourceMap: filled for code compiled by tsx, or any app run with --enable-source-maps),
// then the map comment of the code a require hook compiled in memory (ts-node: the file on disk is the .ts
// source, the inline map is only in what it hands to Module#_compile), else the file's `//# sourceMappingURL=`
// (inline data: URL or a .map file beside it, as tsc and bundlers write them).
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
/** file → the map comment of the code compiled for it in memory, when that code is not the file on disk */
const compiledMapComments = new Map<string, string>();
/** extensions Node runs as they are on disk: their map comment is read from the file */
const PLAIN_JS = new Set(['.js', '.cjs', '.mjs', '.json', '.node']);

/** The last map comment of a source text (an inline map can be far longer than any tail we would cut). */
function mapComment(text: string): string | undefined {
  const at = Math.max(text.lastIndexOf('//# sourceMappingURL='), text.lastIndexOf('//@ sourceMappingURL='), text.lastIndexOf('/*# sourceMappingURL='));
  if (at < 0) return undefined;
  const m = MAP_COMMENT.exec(text.slice(at).trimEnd());
  return m ? m[1] : undefined;
}

/**
 * Keeps the map of code that require hooks (ts-node, other compile-on-require registers) compile in memory
 * for files Node would not run as they are. Only the map comment is kept, and only for those files.
 */
export function watchCompiledSources(): void {
  // the Module class itself (`module.Module`): its prototype compiles every CommonJS file
  const proto = (nodeModule as unknown as { Module?: { prototype?: { _compile?: Function } } }).Module?.prototype;
  const compile = proto?._compile;
  if (!proto || typeof compile !== 'function') return;
  proto._compile = function (this: unknown, content: unknown, filename: unknown) {
    try {
      if (typeof content === 'string' && typeof filename === 'string' && !PLAIN_JS.has(path.extname(filename))) {
        const ref = mapComment(content);
        if (ref) {
          compiledMapComments.set(filename, ref);
          lookups.delete(filename);
        }
      }
    } catch {
      // a map we cannot keep costs positions, never the module
    }
    // eslint-disable-next-line prefer-rest-params
    return compile.apply(this, arguments as unknown as unknown[]);
  };
}

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
  let ref = compiledMapComments.get(file);
  if (ref === undefined) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    ref = mapComment(text);
  }
  if (!ref) return undefined;
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
    lookup = (compiledMapComments.has(p.file) ? null : fromNodeCache(p.file)) ?? fromFile(p.file);
    lookups.set(p.file, lookup);
  }
  return (lookup && lookup(p.line, p.column)) || p;
}
