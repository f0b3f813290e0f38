// Turning a path as telemetry reports it (another machine, a container, Windows, a file:// URL) into a
// normalised '/'-separated path — or refusing it. Everything here is untrusted input: a span can claim any
// "file", and the editor must never be steered to open something outside the workspace or to follow a
// URI that does something (vscode://, command:). Refusals say why, for the "cannot place" message.

export interface NormalPath {
  ok: true;
  /** '/'-separated, no '.' or '..' segments, no trailing '/'; absolute ones start with '/' or 'c:/' */
  path: string;
  absolute: boolean;
  /** came from Windows (drive letter or backslashes): compare case-insensitively */
  windows: boolean;
  /** segments of `path`, without the root ('' or drive) */
  segments: string[];
}

export interface RefusedPath {
  ok: false;
  why: string;
}

const MAX_PATH = 4096;
// Windows device names are devices in every directory (CON, NUL.txt, COM1…), so refuse them anywhere.
const WINDOWS_DEVICE = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(?:\..*)?$/i;
// '/a/b.c' with no empty, '.' or '..' segment, no backslash or colon, no blank at either end
const CLEAN_POSIX = /^(?:\/(?!\.\.?(?:\/|$))[^/\\:\s][^/\\:]*(?<=[^\s]))+$/;
// POSIX device and kernel trees: never a source file.
const POSIX_DEVICE = /^\/(?:dev|proc|sys)(?:\/|$)/;

/** Normalise a path from telemetry, or refuse it with a reason. */
export function normalizeRawPath(raw: string): NormalPath | RefusedPath {
  return cleanPosix(raw) ?? normalizeAnyPath(raw);
}

/**
 * The common case in one pass over the characters: a clean absolute POSIX path ('/app/src/x.ts': printable
 * characters, no '.', '..' or empty segment, no backslash or colon, no blank at a segment's ends), split
 * into its segments. Anything else — including a non-ASCII character at a segment's end, where "blank" has
 * Unicode's meaning — is null, and normalizeAnyPath decides.
 */
function cleanPosix(raw: string): NormalPath | null {
  if (typeof raw !== 'string' || raw.length > MAX_PATH || raw.charCodeAt(0) !== 47) return null;
  const n = raw.length;
  const segments: string[] = [];
  let from = 1;
  for (let i = 1; i <= n; i++) {
    const c = i < n ? raw.charCodeAt(i) : 47;
    if (c !== 47) {
      if (c < 0x20 || c === 0x7f || c === 0x5c || c === 0x3a) return null; // control, '\', ':'
      continue;
    }
    const len = i - from;
    if (len === 0) return null;
    const first = raw.charCodeAt(from);
    const last = raw.charCodeAt(i - 1);
    if (first === 0x20 || last === 0x20 || first > 0x7e || last > 0x7e) return null;
    if (first === 0x2e && (len === 1 || (len === 2 && last === 0x2e))) return null; // '.' or '..'
    const seg = raw.slice(from, i);
    // (device names start with c, p, a, n or l: skip the regex for every other segment)
    const c0 = first | 32;
    if ((c0 === 99 || c0 === 112 || c0 === 97 || c0 === 110 || c0 === 108) && WINDOWS_DEVICE.test(seg)) return null;
    segments.push(seg);
    from = i + 1;
  }
  if (POSIX_DEVICE.test(raw)) return null;
  return { ok: true, path: raw, absolute: true, windows: false, segments };
}

/** normalizeRawPath for every form (exported for the tests that hold the one-pass case to it) */
export function normalizeAnyPath(raw: string): NormalPath | RefusedPath {
  if (typeof raw !== 'string' || raw.length === 0) return refuse('empty path');
  if (raw.length > MAX_PATH) return refuse('path too long');
  // control characters (NUL truncation tricks, terminal escapes) have no business in a source path
  if (/[\u0000-\u001f\u007f]/.test(raw)) return refuse('control characters in path');
  // fast path, the common case: a clean absolute POSIX path (no '.', '..', '//', '\\', ':' or surrounding blanks)
  if (CLEAN_POSIX.test(raw)) {
    const segments = raw.slice(1).split('/');
    for (const seg of segments) {
      const c0 = seg.charCodeAt(0) | 32;
      if ((c0 === 99 || c0 === 112 || c0 === 97 || c0 === 110 || c0 === 108) && WINDOWS_DEVICE.test(seg)) return refuse('Windows device name');
    }
    if (POSIX_DEVICE.test(raw)) return refuse('device or kernel file');
    return { ok: true, path: raw, absolute: true, windows: false, segments };
  }
  let p = raw.trim();
  let windows = false;

  // URLs: only file: is a path; webpack:// and similar bundler schemes name sources relative to a project
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(p);
  if (scheme && !/^[a-zA-Z]:(?:[\\/]|$)/.test(p)) {
    const s = scheme[1].toLowerCase();
    if (s === 'file') {
      const m = /^file:\/\/([^/]*)(\/.*)?$/i.exec(p);
      if (!m) return refuse('malformed file: URL');
      if (m[1] !== '' && m[1].toLowerCase() !== 'localhost') return refuse('file: URL on another host (network share)');
      try {
        p = decodeURIComponent(m[2] ?? '/');
      } catch {
        return refuse('malformed file: URL');
      }
      if (/^\/[a-zA-Z]:[\\/]/.test(p)) p = p.slice(1); // file:///C:/x → C:/x
      if (/[\u0000-\u001f]/.test(p)) return refuse('control characters in path');
    } else if (s === 'webpack' || s === 'webpack-internal' || s === 'vite' || s === 'rollup' || s === 'ng') {
      // webpack:///./src/x.ts, webpack://app/./src/x.ts → relative source path
      p = p.slice(scheme[0].length).replace(/^\/\/[^/]*/, '').replace(/^\/+/, '');
    } else {
      return refuse(`${s}: URI is not a file path`);
    }
  }

  // UNC and Windows device namespaces: \\server\share, //server/share, \\?\, \\.\
  if (/^[\\/]{2}/.test(p)) return refuse(/^[\\/]{2}[?.][\\/]/.test(p) ? 'Windows device path' : 'UNC network path');
  if (/^[a-zA-Z]:/.test(p)) {
    if (!/^[a-zA-Z]:[\\/]/.test(p)) return refuse('drive-relative Windows path');
    windows = true;
  }
  if (p.includes('\\')) {
    windows = true;
    p = p.replace(/\\/g, '/');
  }

  let root = '';
  if (/^[a-zA-Z]:\//.test(p)) {
    root = p.slice(0, 2).toLowerCase() + '/';
    p = p.slice(3);
  } else if (p.startsWith('/')) {
    root = '/';
    p = p.slice(1);
  }
  const segments: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      // '..' inside an absolute path is fine while it stays below the root; a relative path must not climb
      if (segments.length === 0) return refuse(root ? 'path climbs above its root' : 'relative path climbs out (..)');
      segments.pop();
      continue;
    }
    // (device names start with c, p, a, n or l: skip the regex for every other segment)
    const c0 = seg.charCodeAt(0) | 32;
    if ((c0 === 99 || c0 === 112 || c0 === 97 || c0 === 110 || c0 === 108) && WINDOWS_DEVICE.test(seg)) return refuse('Windows device name');
    if (windows && /[<>:"|?*]/.test(seg)) return refuse('characters not allowed in a Windows path');
    segments.push(seg);
  }
  if (segments.length === 0) return refuse('no file name in path');
  const path = root + segments.join('/');
  if (root === '/' && POSIX_DEVICE.test(path)) return refuse('device or kernel file');
  return { ok: true, path, absolute: root !== '', windows, segments };
}

function refuse(why: string): RefusedPath {
  return { ok: false, why };
}

/** Is `child` equal to or below `parent`? Both normalised absolute '/'-paths. */
export function isWithin(parent: string, child: string, caseInsensitive = false): boolean {
  if (caseInsensitive) {
    parent = parent.toLowerCase();
    child = child.toLowerCase();
  }
  if (child === parent) return true;
  // (no `parent + '/'`: this runs for every resolved path, and the concatenation was its main cost)
  const n = parent.length;
  if (n > 0 && parent.charCodeAt(n - 1) === 47) return child.startsWith(parent);
  return child.length > n && child.charCodeAt(n) === 47 && child.startsWith(parent);
}

/** A local filesystem path ('/x/y' or 'C:\\x\\y') in the normalised form used here. */
export function toNormalLocal(p: string): string {
  // fast path: a POSIX path without a trailing slash (every file path on Linux and macOS)
  if (p.charCodeAt(0) === 47 && p.indexOf('\\') < 0 && p.charCodeAt(p.length - 1) !== 47) return p;
  let s = p.replace(/\\/g, '/');
  if (/^[a-zA-Z]:\//.test(s)) s = s[0].toLowerCase() + s.slice(1);
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}
