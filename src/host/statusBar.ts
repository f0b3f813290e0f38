// The receiver's status bar item: state, OTLP ports, what has been received, conflicts and failures.
// A click opens the receiver menu (traceExplorer.statusMenu).
import * as vscode from 'vscode';
import { PORT_PROBLEM_WORDS, portProblem, portProblems, type HealthInfo, type PortState } from '../protocol/api';
import { Commands } from './commandIds';
import type { ReceiverConnection } from './services';
import { plural } from '../tracelist/format';
import { HealthPoller } from './healthPoller';

const REFRESH_MS = 500; // counts change with every batch: redraw at most twice a second

export function activateStatusBar(receiver: ReceiverConnection): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('traceExplorer.receiver', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Trace Explorer Receiver';
  item.command = Commands.statusMenu;
  let timer: NodeJS.Timeout | undefined;
  // memory in use and connected windows are not in the events: fetched now and then, merged in here
  const poller = new HealthPoller(() => receiver.api?.health(), () => schedule());

  const render = () => {
    timer = undefined;
    const s = receiver.status;
    item.backgroundColor = undefined;
    switch (s.kind) {
      case 'disabled':
        item.text = '$(circle-slash) OTLP off';
        item.tooltip = 'Trace Explorer: the local OTLP receiver is turned off (setting traceExplorer.receiver.enabled). Click for options.';
        break;
      case 'starting':
        item.text = '$(loading~spin) OTLP';
        item.tooltip = 'Trace Explorer: starting or reconnecting to the local OTLP receiver…';
        break;
      case 'failed':
        item.text = '$(error) OTLP failed';
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        item.tooltip = `Trace Explorer: the local OTLP receiver is not running.\n${s.message}\nClick to restart it or open the log.`;
        break;
      case 'running': {
        const h = s.health;
        const problems = portProblems(h);
        item.text = `${problems.length ? '$(warning)' : '$(radio-tower)'} OTLP ${portLabel(h.http)} ${portLabel(h.grpc)} · ${plural(h.spans, 'span')} · ${plural(h.traces, 'trace')}`;
        // a port another program holds is a conflict (warning); one the system refuses is an error
        if (problems.some((p) => p !== 'inUse')) item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        else if (problems.length) item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        item.tooltip = tooltip(poller.merge(h), s.differs);
        break;
      }
    }
    item.accessibilityInformation = { label: item.text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
  };
  const schedule = () => {
    if (!timer) timer = setTimeout(render, REFRESH_MS);
  };

  render();
  item.show();
  return vscode.Disposable.from(
    item,
    receiver.onDidChangeStatus((s) => {
      clearTimeout(timer);
      render();
      if (s.kind === 'running') poller.poke();
    }),
    receiver.onDidReceiveEvent((e) => {
      if (e.type === 'stats' || e.type === 'cleared' || e.type === 'hello') {
        schedule();
        poller.poke();
      }
    }),
    poller,
    { dispose: () => clearTimeout(timer) },
  );
}

function portLabel(p: PortState): string {
  const problem = portProblem(p);
  return problem ? `:${p.port} ${PORT_PROBLEM_WORDS[problem]}` : `:${p.port}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function portLine(label: string, scheme: string, host: string, p: PortState): string {
  if (p.listening) return `${label}: \`${scheme}${host}:${p.port}\``;
  return `$(warning) ${label}: port ${p.port} not open — ${escapeMarkdown(p.error ?? 'unknown error')}`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}

function tooltip(h: HealthInfo, differs: readonly string[] | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [Commands.choosePort, Commands.showLog, Commands.copyOtlpEnv, Commands.restartReceiver] };
  const host = h.host === '0.0.0.0' || h.host === '::' ? '127.0.0.1' : h.host;
  md.appendMarkdown(`**Trace Explorer receiver** (pid ${h.pid}, version ${h.version}, ${plural(h.clients, 'window')} connected)\n\n`);
  md.appendMarkdown(`${portLine('OTLP/HTTP', 'http://', host, h.http)}  \n`);
  md.appendMarkdown(`${portLine('OTLP/gRPC', '', host, h.grpc)}\n\n`);
  md.appendMarkdown(`${plural(h.spans, 'span')} in ${plural(h.traces, 'trace')}, ${plural(h.logs, 'log record')}; `);
  md.appendMarkdown(`about ${formatBytes(h.approxBytes)} of ${formatBytes(h.maxBytes)}, at most ${h.maxSpans.toLocaleString('en-US')} spans\n\n`);
  if (differs?.length) {
    md.appendMarkdown(`$(info) Started by another window, with other settings than this window's, which ask for ${escapeMarkdown(differs.join('; '))}. `);
    md.appendMarkdown(`[Restart it with this window's settings](command:${Commands.restartReceiver})\n\n`);
  }
  if (h.evicting) md.appendMarkdown(`$(history) Full: evicting the oldest traces (${plural(h.evictedTraces, 'trace')} evicted so far)\n\n`);
  if (!h.http.listening || !h.grpc.listening) md.appendMarkdown(`[Choose another port](command:${Commands.choosePort}) · `);
  md.appendMarkdown(`[Copy OTLP environment variables](command:${Commands.copyOtlpEnv}) · [Show log](command:${Commands.showLog})`);
  return md;
}
