// Hover on a line spans resolve to (or where an exception was thrown): recent calls, each a link to its
// trace, a small latency distribution, the last error's message and its top user frames. The markdown
// trusts one command only (openTrace: its links are built from ids checked to be hex, see commandLink),
// renders no theme icons and no HTML, and every piece of span data in it is escaped, so a span cannot
// make a link of its own.
import * as vscode from 'vscode';
import type { LocationStats } from '../../protocol/api';
import { countOf, formatMs, sparkline } from '../../source/lensModel';
import type { Resolution } from '../../source/resolver';
import { commandLink, markdownEscape as md } from '../../source/untrustedText';
import { Commands } from '../commandIds';
import type { SourceState } from './sourceState';

const VIA: Record<string, string> = { path: 'exact path', mapping: 'your path mapping', suffix: 'path suffix match', symbol: 'function name (symbol match)' };

export class SourceHoverProvider implements vscode.HoverProvider {
  constructor(private readonly state: SourceState, private readonly enabled: () => boolean) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    if (!this.enabled() || doc.uri.scheme !== 'file') return undefined;
    const here = this.state.model.at(doc.uri.fsPath, pos.line + 1);
    if (here.length === 0) return undefined;
    const label = this.state.window().label;
    const m = new vscode.MarkdownString('', false);
    m.isTrusted = { enabledCommands: [Commands.openTrace] };
    m.supportHtml = false;
    m.supportThemeIcons = false;
    here.slice(0, 3).forEach((h, i) => {
      if (i > 0) m.appendMarkdown('\n\n---\n\n');
      m.appendMarkdown(section(h.stats, h.res, h.throws && !h.placed, label, this.state));
    });
    return new vscode.Hover(m, doc.lineAt(pos.line).range);
  }
}

function section(s: LocationStats, res: Resolution, throwSiteOnly: boolean, label: string, state: SourceState): string {
  const out: string[] = [];
  // the operations measured here (span names, as the trace list shows them), else the function they ran in
  const name = s.operations?.length ? s.operations.join(', ') : s.function ? `${s.namespace ? s.namespace + '.' : ''}${s.function}` : '';
  out.push(`**Trace Explorer**${name ? ` · ${md(name, 200)}` : ''} · ${countOf(s.calls, 'call')} ${md(label)}${s.services.length ? ` · ${md(s.services.join(', '), 200)}` : ''}`);
  if (throwSiteOnly) out.push('_An exception from the code above was thrown at this line._');
  out.push(`p50 ${md(formatMs(s.p50Ms))} · p95 ${md(formatMs(s.p95Ms))} · max ${md(formatMs(s.maxMs))}${s.exact ? '' : ' \\(±5%\\)'}${s.errors ? ` · ${countOf(s.errors, 'error')}` : ''}`);
  const dist = s.distribution;
  if (dist && dist.counts.length > 1) out.push(`Distribution ${md(formatMs(dist.loMs))} ${md(sparkline(dist.counts))} ${md(formatMs(dist.hiMs))}`);
  if (s.recent && s.recent.length) {
    const rows = ['| duration | status | when | trace |', '|---:|---|---|---|'];
    const now = Date.now();
    for (const c of s.recent.slice(0, 8)) {
      const open = commandLink(`${c.traceId.slice(0, 12)}…`, Commands.openTrace, c.traceId, c.spanId, 'Open this trace at the span');
      rows.push(`| ${md(formatMs(c.durationMs))} | ${c.error ? 'error' : 'ok'} | ${md(ago(now - c.startMs))} | ${open} |`);
    }
    out.push(rows.join('\n'));
  }
  const e = s.lastError;
  if (e) {
    const head = [e.type, e.message].filter(Boolean).join(': ') || 'error without a message';
    const failing = s.latestError ? ` · ${commandLink('open the failing trace', Commands.openTrace, s.latestError.traceId, s.latestError.spanId)}` : '';
    out.push(`**Last error** ${md(ago(Date.now() - e.timeMs))}: ${md(head, 600)}${failing}`);
    const frames = (e.userFrames ?? (e.throwFrame ? [e.throwFrame] : [])).slice(0, 5);
    if (frames.length) {
      out.push(
        frames
          .map((f) => {
            const r = state.resolver.resolvePath(f.file, f.line, f.column);
            const where = r.ok ? `${r.rel}:${r.line ?? f.line}` : `${f.file}:${f.line}`;
            return `at ${f.function ? md(f.function, 120) + ' — ' : ''}${md(where, 300)}`;
          })
          .join('  \n'),
      );
    }
  }
  if (res.ok) {
    out.push(`_Placed by ${md(VIA[res.via] ?? res.via)} from the span's ${md(res.layer === 'attributes' ? 'code.* attributes' : res.layer === 'stacktrace' ? 'exception stack trace' : res.layer === 'log' ? 'log records' : 'name')}, confidence ${res.confidence}${res.note ? ` — ${md(res.note, 300)}` : ''}._`);
  }
  if (s.recent && s.recent.length) out.push('_Click a trace to open it there; right-click → Recent Calls at This Line… lists them too._');
  return out.join('\n\n');
}

function ago(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms < 1500) return 'just now';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} d ago`;
}

export { ago };
