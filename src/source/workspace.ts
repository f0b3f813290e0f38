// What the resolver needs to know about a workspace, behind a small interface so the resolver never imports
// `vscode`: the editor adapter (src/host/source/workspaceAdapter.ts) answers from the editor's file search
// and symbol providers; `nodeWorkspace` answers from the file system for the CLI and the tests.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WorkspaceFolderInfo {
  name: string;
  /** absolute local path, as the platform spells it */
  path: string;
}

export interface SymbolMatch {
  /** absolute local path */
  path: string;
  /** 1-based */
  line: number;
  column?: number;
  name: string;
  /** class / module / namespace the symbol is declared in, when known */
  container?: string;
}

export interface WorkspaceAdapter {
  readonly folders: readonly WorkspaceFolderInfo[];
  /** the workspace's files (absolute local paths), without dependency and VCS folders */
  listFiles(): readonly string[];
  /** realpath of an existing file, or null */
  realpath(abs: string): string | null;
  /** a file's text, or null when it cannot be read */
  readText(abs: string): string | null;
  /** symbols named exactly `name` (the workspace symbol provider in the editor) */
  findSymbols?(name: string): Promise<SymbolMatch[]>;
  /** definitions named exactly `name` in one file, 1-based (the document symbol provider in the editor) */
  findSymbolsInFile?(abs: string, name: string): Promise<{ line: number; column?: number }[]>;
}

/** Folders never worth indexing: dependencies, VCS, caches. Build output (dist/, out/) stays: source maps. */
export const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.pytest_cache', '.gradle', '.idea', '.next', '.nuxt', '.cache', 'bower_components', 'vendor', '.terraform']);

const MAX_FILES = 500_000;

/** A file's text from disk, or null when it is missing, not a regular file, over 64 MiB or unreadable.
 *  Shared by `nodeWorkspace` and the editor adapter (for files not open in the editor). */
export function readTextFile(abs: string): string | null {
  try {
    const st = fs.statSync(abs);
    if (!st.isFile() || st.size > 64 * 1024 * 1024) return null;
    return fs.readFileSync(abs, 'utf8');
  } catch {
    return null;
  }
}

/** A WorkspaceAdapter over the local file system (CLI, tests). Symbols come from a text scan. */
export function nodeWorkspace(dirs: readonly string[], options: Pick<WorkspaceAdapter, 'findSymbols' | 'findSymbolsInFile'> = {}): WorkspaceAdapter {
  const folders = dirs.map((d) => {
    const abs = path.resolve(d);
    return { name: path.basename(abs), path: abs };
  });
  let files: string[] | undefined;
  const adapter: WorkspaceAdapter = {
    folders,
    listFiles() {
      if (!files) {
        files = [];
        for (const f of folders) walk(f.path, files);
      }
      return files;
    },
    realpath(abs) {
      try {
        return fs.realpathSync(abs);
      } catch {
        return null;
      }
    },
    readText: readTextFile,
  };
  if (options.findSymbols) adapter.findSymbols = options.findSymbols;
  if (options.findSymbolsInFile) adapter.findSymbolsInFile = options.findSymbolsInFile;
  return adapter;
}

function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // unreadable folder: skip it, the rest of the workspace still counts
  }
  for (const e of entries) {
    if (out.length >= MAX_FILES) return;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(p, out);
    } else if (e.isFile() || e.isSymbolicLink()) {
      out.push(p); // symlinks are listed; the resolver refuses those that lead outside the workspace
    }
  }
}
