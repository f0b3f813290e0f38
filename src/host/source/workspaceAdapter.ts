// The editor's side of the resolver's WorkspaceAdapter: the workspace's files (kept current with a file
// watcher), realpath/read through the file system (the extension runs where the files are), and symbols
// from the language servers' workspace symbol providers.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { SKIP_DIRS, readTextFile, type SymbolMatch, type WorkspaceAdapter, type WorkspaceFolderInfo } from '../../source/workspace';

const MAX_FILES = 200_000;
const EXCLUDE = `{${[...SKIP_DIRS].map((d) => `**/${d}/**`).join(',')}}`;
const FUNCTION_KINDS = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor]);

export class EditorWorkspace implements WorkspaceAdapter, vscode.Disposable {
  folders: WorkspaceFolderInfo[] = [];
  private files = new Set<string>();
  private list: string[] | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<'files' | 'folders'>();
  /** fires (debounced) when files were created/deleted or the folders changed */
  readonly onDidChange = this.changed.event;
  private pending: NodeJS.Timeout | undefined;
  truncated = false;

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.disposables.push(
      watcher,
      this.changed,
      watcher.onDidCreate((u) => this.onFile(u, true)),
      watcher.onDidDelete((u) => this.onFile(u, false)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.load().then(() => this.changed.fire('folders'))),
    );
  }

  /** List the workspace's files (again). */
  async load(): Promise<void> {
    this.folders = (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => ({ name: f.name, path: f.uri.fsPath }));
    const uris = this.folders.length ? await vscode.workspace.findFiles('**/*', EXCLUDE, MAX_FILES) : [];
    this.truncated = uris.length >= MAX_FILES;
    this.files = new Set(uris.filter((u) => u.scheme === 'file').map((u) => u.fsPath));
    this.list = undefined;
  }

  listFiles(): readonly string[] {
    return (this.list ??= [...this.files]);
  }

  realpath(abs: string): string | null {
    try {
      return fs.realpathSync.native(abs);
    } catch {
      return null;
    }
  }

  readText(abs: string): string | null {
    // prefer what the editor has (unsaved edits of a built file are rare, but an open document is cheap)
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === abs);
    if (doc) return doc.getText();
    return readTextFile(abs);
  }

  async findSymbols(name: string): Promise<SymbolMatch[]> {
    const found = await vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>('vscode.executeWorkspaceSymbolProvider', name);
    const out: SymbolMatch[] = [];
    for (const s of found ?? []) {
      if (s.name !== name && !s.name.startsWith(`${name}(`)) continue;
      if (!FUNCTION_KINDS.has(s.kind) || s.location.uri.scheme !== 'file') continue;
      const m: SymbolMatch = { path: s.location.uri.fsPath, line: s.location.range.start.line + 1, column: s.location.range.start.character + 1, name };
      if (s.containerName) m.container = s.containerName;
      out.push(m);
    }
    return out;
  }

  async findSymbolsInFile(abs: string, name: string): Promise<{ line: number; column?: number }[]> {
    const found = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>('vscode.executeDocumentSymbolProvider', vscode.Uri.file(abs));
    const out: { line: number; column: number }[] = [];
    const visit = (list: readonly (vscode.DocumentSymbol | vscode.SymbolInformation)[], depth: number) => {
      for (const s of list) {
        if ((s.name === name || s.name.startsWith(`${name}(`)) && FUNCTION_KINDS.has(s.kind)) {
          const at = 'selectionRange' in s ? s.selectionRange.start : s.location.range.start;
          out.push({ line: at.line + 1, column: at.character + 1 });
        }
        if ('children' in s && s.children.length && depth < 8) visit(s.children, depth + 1);
      }
    };
    visit(found ?? [], 0);
    return out;
  }

  private onFile(uri: vscode.Uri, created: boolean): void {
    if (uri.scheme !== 'file') return;
    const p = uri.fsPath;
    if (/[\\/](?:node_modules|\.git)[\\/]/.test(p)) return;
    if (created) {
      if (this.files.has(p)) return;
      try {
        if (!fs.statSync(p).isFile()) return;
      } catch {
        return;
      }
      this.files.add(p);
    } else if (!this.files.delete(p)) {
      // a deleted folder: drop everything below it
      const prefix = p.endsWith('/') || p.endsWith('\\') ? p : p + (p.includes('\\') ? '\\' : '/');
      let any = false;
      for (const f of this.files) {
        if (f.startsWith(prefix)) {
          this.files.delete(f);
          any = true;
        }
      }
      if (!any) return;
    }
    this.list = undefined;
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.changed.fire('files'), 500);
  }

  dispose(): void {
    clearTimeout(this.pending);
    for (const d of this.disposables) d.dispose();
  }
}
