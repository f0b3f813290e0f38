// Jump to source: open the file a span (or a stack frame) resolves to, reveal and briefly highlight the line;
// when it cannot be placed, say why — no location signal, path not in the workspace, ambiguous (pick one
// of the candidates) — and offer to add a path mapping. Never opens anything outside the workspace folders.
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as config from '../config';
import type { ComponentLog } from '../log';
import { errorText } from '../log';
import type { HostServices } from '../services';
import type { SpanDetail } from '../../protocol/api';
import { spanFromDetail } from '../../source/fromDetail';
import { normalizeRawPath } from '../../source/paths';
import type { Candidate, Resolution, Unresolved } from '../../source/resolver';
import { locationSignal } from '../../source/signal';
import { noticeText } from '../../source/untrustedText';
import type { SourceState } from './sourceState';

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const HIGHLIGHT_MS = 1500;

export class SourceJumps implements vscode.Disposable {
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    isWholeLine: true,
  });
  private highlightTimer: NodeJS.Timeout | undefined;

  constructor(private readonly services: HostServices, private readonly state: SourceState, private readonly ready: Promise<void>, private readonly log: ComponentLog) {}

  /** traceExplorer.goToSource (traceId, spanId) or ({traceId, spanId}) */
  async goToSource(a?: unknown, b?: unknown): Promise<boolean> {
    const o = a && typeof a === 'object' ? (a as { traceId?: unknown; spanId?: unknown }) : { traceId: a, spanId: b };
    const traceId = typeof o.traceId === 'string' ? o.traceId.toLowerCase() : '';
    const spanId = typeof o.spanId === 'string' ? o.spanId.toLowerCase() : '';
    if (!HEX32.test(traceId) || !HEX16.test(spanId)) {
      void vscode.window.showErrorMessage('Go to Source needs a trace id (32 hex digits) and a span id (16 hex digits).');
      return false;
    }
    let detail: SpanDetail | undefined;
    try {
      const api = this.services.receiver.api ?? (await this.services.receiver.ready());
      detail = await api.spanDetail(traceId, spanId);
    } catch (e) {
      void vscode.window.showErrorMessage(`Cannot read the span from the Trace Explorer receiver: ${errorText(e)}`);
      return false;
    }
    if (!detail) {
      void vscode.window.showWarningMessage(`Span ${spanId} of trace ${traceId.slice(0, 12)}… is no longer stored (the trace was removed or evicted).`);
      return false;
    }
    await this.ready;
    const s = spanFromDetail(detail);
    const loc = s ? locationSignal(s.span, s.logs) : null;
    const res = await this.state.resolver.resolve(loc);
    const name = detail.span.name;
    if (res.ok) {
      if (res.note) this.log.info(`go to source "${noticeText(name, 80)}": ${res.rel}:${res.line ?? 1} (${res.via}, confidence ${res.confidence}; ${res.note})`);
      return this.open(res.path, res.line, res.column);
    }
    return this.explain(res, `span "${noticeText(name, 80)}"`, () => this.goToSource(traceId, spanId));
  }

  /** traceExplorer.openStackFrame ({file, line, column?}) or (file, line, column?) — links in the waterfall */
  async openStackFrame(a?: unknown, b?: unknown, c?: unknown): Promise<boolean> {
    const o = a && typeof a === 'object' ? (a as { file?: unknown; line?: unknown; column?: unknown }) : { file: a, line: b, column: c };
    const file = typeof o.file === 'string' ? o.file : '';
    const line = typeof o.line === 'number' && Number.isInteger(o.line) && o.line > 0 ? o.line : undefined;
    const column = typeof o.column === 'number' && Number.isInteger(o.column) && o.column > 0 ? o.column : undefined;
    if (!file || file.length > 4096) {
      void vscode.window.showErrorMessage('Open Stack Frame needs a file path.');
      return false;
    }
    await this.ready;
    const res: Resolution = this.state.resolver.resolvePath(file, line, column);
    if (res.ok) return this.open(res.path, res.line, res.column);
    return this.explain(res, `stack frame ${noticeText(file, 200)}${line ? `:${line}` : ''}`, () => this.openStackFrame(file, line, column));
  }

  /** traceExplorer.addPathMapping (from?: a path as spans report it). Answers whether one was added. */
  async addPathMapping(fromArg?: unknown): Promise<boolean> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    if (folders.length === 0) {
      void vscode.window.showErrorMessage('Path mappings point into the workspace: open a folder first.');
      return false;
    }
    const from = await vscode.window.showInputBox({
      title: 'Add Path Mapping (1/2)',
      prompt: 'The path prefix as the spans report it (where the code ran: a container, CI, another machine)',
      value: typeof fromArg === 'string' ? fromArg : '/app',
      validateInput: (v) => {
        const n = normalizeRawPath(v.trim());
        if (!n.ok) return `Not usable: ${n.why}`;
        return n.absolute ? undefined : 'Give an absolute path, e.g. /app or C:\\build\\src';
      },
    });
    if (from === undefined) return false;
    type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
    const items: Item[] = folders.map((f) => ({ label: f.name, description: f.uri.fsPath, uri: f.uri }));
    items.push({ label: 'Choose a Folder inside the Workspace…' });
    const pick = await vscode.window.showQuickPick(items, { title: `Add Path Mapping (2/2): where is ${noticeText(from.trim(), 120)} in this workspace?` });
    if (!pick) return false;
    let target = pick.uri;
    if (!target) {
      const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: folders[0].uri, openLabel: 'Map Here' });
      target = chosen?.[0];
      if (!target) return false;
    }
    const folder = vscode.workspace.getWorkspaceFolder(target);
    if (!folder || target.scheme !== 'file' || !this.state.resolver.isInsideWorkspace(target.fsPath)) {
      void vscode.window.showErrorMessage('The mapping target must be a folder inside the workspace.');
      return false;
    }
    const rel = path.relative(folder.uri.fsPath, target.fsPath).split(path.sep).join('/');
    const base = folders.length > 1 ? `\${workspaceFolder:${folder.name}}` : '${workspaceFolder}';
    const to = rel ? `${base}/${rel}` : base;
    const mappings = { ...config.get('pathMappings') };
    mappings[from.trim().replace(/[\\/]+$/, '') || from.trim()] = to;
    await config.update('pathMappings', mappings);
    this.state.resolver.setMappings(mappings); // at once; the configuration event re-resolves the rest
    this.log.info(`path mapping added: ${from.trim()} → ${to}`);
    return true;
  }

  async open(file: string, line?: number, column?: number): Promise<boolean> {
    if (!this.state.resolver.isInsideWorkspace(file)) {
      // the resolver only answers workspace files; this is the last line of defence
      void vscode.window.showErrorMessage('Trace Explorer does not open files outside the workspace folders.');
      return false;
    }
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const l = Math.min(Math.max(0, (line ?? 1) - 1), doc.lineCount - 1);
      const ch = column ? Math.min(column - 1, doc.lineAt(l).text.length) : doc.lineAt(l).firstNonWhitespaceCharacterIndex;
      const pos = new vscode.Position(l, ch);
      const editor = await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preserveFocus: false });
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      clearTimeout(this.highlightTimer);
      editor.setDecorations(this.highlight, [new vscode.Range(l, 0, l, 0)]);
      this.highlightTimer = setTimeout(() => editor.setDecorations(this.highlight, []), HIGHLIGHT_MS);
      return true;
    } catch (e) {
      void vscode.window.showErrorMessage(`Cannot open ${path.basename(file)}: ${errorText(e)}`);
      return false;
    }
  }

  /** Why it cannot be placed, with what the user can do about it. */
  private async explain(res: Unresolved, what: string, retry: () => Promise<boolean>): Promise<boolean> {
    const msg = noticeText(res.message, 400);
    switch (res.reason) {
      case 'ambiguous':
        return this.pickCandidate(res.candidates ?? [], what, res.rawFile, retry);
      case 'not-in-workspace': {
        const add = 'Add Path Mapping…';
        const choice = await vscode.window.showWarningMessage(`Cannot place the ${what}: ${msg}`, add, 'Open Settings');
        if (choice === add) return (await this.addPathMapping(res.rawFile ? guessPrefix(res.rawFile) : undefined)) && retry();
        if (choice === 'Open Settings') void config.openSetting('pathMappings');
        return false;
      }
      case 'no-signal':
      case 'no-symbol': {
        const search = 'Search Workspace Symbols';
        const choice = await vscode.window.showWarningMessage(`Cannot place the ${what}: ${msg}`, search);
        if (choice === search) void vscode.commands.executeCommand('workbench.action.showAllSymbols');
        return false;
      }
      case 'unsafe-path':
      default:
        void vscode.window.showWarningMessage(`Cannot place the ${what}: ${msg}`);
        return false;
    }
  }

  private async pickCandidate(candidates: Candidate[], what: string, rawFile: string | undefined, retry: () => Promise<boolean>): Promise<boolean> {
    type Item = vscode.QuickPickItem & { c?: Candidate; map?: true };
    const multi = new Set(candidates.map((c) => c.folder)).size > 1;
    const items: Item[] = candidates.map((c) => ({
      label: noticeText(c.rel, 200),
      description: `${multi ? noticeText(c.folder, 60) : ''}${c.line ? ` line ${c.line}` : ''}`.trim(),
      c,
    }));
    if (rawFile) items.push({ label: 'Add a Path Mapping Instead…', description: 'so this is never ambiguous again', map: true });
    const pick = await vscode.window.showQuickPick(items, {
      title: `The ${what} matches ${candidates.length} files equally well — which one?`,
      placeHolder: rawFile ? `reported as ${noticeText(rawFile, 200)}` : undefined,
    });
    if (!pick) return false;
    if (pick.map) return (await this.addPathMapping(rawFile ? guessPrefix(rawFile) : undefined)) && retry();
    return this.open(pick.c!.path, pick.c!.line);
  }

  dispose(): void {
    clearTimeout(this.highlightTimer);
    this.highlight.dispose();
  }
}

/** a starting point for the mapping's "from": the reported file's folder */
function guessPrefix(raw: string): string {
  const n = normalizeRawPath(raw);
  if (!n.ok || !n.absolute) return raw;
  const i = n.path.lastIndexOf('/');
  return i > 0 ? n.path.slice(0, i) : n.path;
}

