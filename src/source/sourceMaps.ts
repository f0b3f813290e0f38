// Built JavaScript → original source. A location that lands in `dist/x.js` (a Node app run from its build
// output without --enable-source-maps, a code.* attribute computed at runtime) is mapped through the
// file's source map (`//# sourceMappingURL=` — a sibling file or an inline data: URL — or `x.js.map`) to
// the original line. The caller checks that the original is a workspace file before using it.
import { SourceMapConsumer } from 'source-map-js';
import { normalizeRawPath } from './paths';

export interface MappedPosition {
  /** normalised path of the original source: absolute, or (bundler URLs like webpack://) project-relative */
  path: string;
  absolute: boolean;
  line: number;
  /** 1-based, when the map has one */
  column?: number;
  /** the original identifier at that position, when the map names it */
  name?: string;
  /** the map names a source path that was refused (see paths.ts); `path` is empty */
  refused?: string;
}

const MAX_MAP_BYTES = 64 * 1024 * 1024;
const MAX_CACHED = 64;

/** Reads a file's text, or null when it does not exist / cannot be read. */
export type ReadText = (abs: string) => string | null;

export function isBuiltJs(abs: string): boolean {
  return /\.(?:m|c)?js$/i.test(abs);
}

export class SourceMaps {
  // insertion-ordered: the oldest entry is evicted first
  private readonly cache = new Map<string, LoadedMap | null>();

  constructor(private readonly read: ReadText) {}

  /** Forget what we know about a built file (it changed on disk). */
  invalidate(abs?: string): void {
    if (abs === undefined) this.cache.clear();
    else this.cache.delete(abs);
  }

  /** The original position of (line, column 1-based) in a built file, or null when there is no usable map. */
  map(absJs: string, line: number, column?: number): MappedPosition | null {
    if (!isBuiltJs(absJs)) return null;
    const loaded = this.consumerFor(absJs);
    if (!loaded) return null;
    const consumer = loaded.consumer;
    let pos;
    try {
      pos = column !== undefined && column > 0
        ? consumer.originalPositionFor({ line, column: column - 1, bias: SourceMapConsumer.GREATEST_LOWER_BOUND })
        : consumer.originalPositionFor({ line, column: 0, bias: SourceMapConsumer.LEAST_UPPER_BOUND });
    } catch {
      return null;
    }
    if (!pos || !pos.source || !pos.line) return null;
    // source-map-js has applied sourceRoot; what is left is absolute, a URL, or relative to the map file
    const src = pos.source;
    const isRelative = !/^[a-z][\w+.-]*:/i.test(src) && !src.startsWith('/') && !/^[a-zA-Z]:[\\/]/.test(src) && !src.startsWith('\\');
    const n = normalizeRawPath(isRelative ? joinPath(loaded.dir, src) : src);
    if (!n.ok) return { path: '', absolute: false, line: pos.line, refused: n.why };
    const path = n.path;
    const absolute = n.absolute;
    const out: MappedPosition = { path, absolute, line: pos.line };
    if (pos.column !== null && pos.column !== undefined) out.column = pos.column + 1;
    if (pos.name) out.name = pos.name;
    return out;
  }

  private consumerFor(absJs: string): LoadedMap | null {
    if (this.cache.has(absJs)) return this.cache.get(absJs)!;
    const consumer = this.load(absJs);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(absJs, consumer);
    return consumer;
  }

  private load(absJs: string): LoadedMap | null {
    const js = this.read(absJs);
    if (js === null) return null;
    let mapText: string | null = null;
    let mapPath = absJs + '.map';
    // the last sourceMappingURL comment wins (bundles may contain their inputs' comments)
    const tail = js.length > 4096 ? js.slice(-4096) : js;
    const re = /\/\/[#@]\s*sourceMappingURL=(\S+)\s*$/gm;
    let url: string | undefined;
    for (let m = re.exec(tail); m; m = re.exec(tail)) url = m[1];
    if (url) {
      const data = /^data:application\/json(?:;charset=[\w-]+)?(;base64)?,(.*)$/i.exec(url);
      if (data) {
        try {
          mapText = data[1] ? Buffer.from(data[2], 'base64').toString('utf8') : decodeURIComponent(data[2]);
        } catch {
          return null;
        }
      } else if (/^[a-zA-Z][\w+.-]*:/.test(url) && !/^file:/i.test(url)) {
        return null; // http: and friends: we never fetch
      } else {
        const target = /^file:/i.test(url) ? url : joinPath(dirname(absJs), decodeURIComponentSafe(url));
        const n = normalizeRawPath(target);
        if (!n.ok || !n.absolute) return null;
        mapPath = n.path;
      }
    }
    if (mapText === null) mapText = this.read(mapPath);
    if (mapText === null || mapText.length > MAX_MAP_BYTES) return null;
    try {
      const raw = JSON.parse(mapText.replace(/^\)\]\}'[^\n]*\n/, '')); // optional XSSI prefix
      if (!raw || typeof raw !== 'object' || raw.version !== 3 || raw.sections) return null; // indexed maps: rare for Node output
      // sources are relative to the map file (plus sourceRoot); resolve them ourselves
      return { consumer: new SourceMapConsumer(raw), dir: dirname(mapPath) };
    } catch {
      return null;
    }
  }
}

interface LoadedMap {
  consumer: SourceMapConsumer;
  /** directory of the map file: relative sources are relative to it */
  dir: string;
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

function joinPath(dir: string, rel: string): string {
  if (rel.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(rel)) return rel;
  return dir.endsWith('/') ? dir + rel : dir + '/' + rel;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
