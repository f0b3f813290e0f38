// Commands about the receiver: the status bar menu, copying the OTLP environment variables, restarting,
// clearing, choosing another port, the log, and the collector how-to.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { Commands } from './commandIds';
import * as config from './config';
import type { ReceiverConnectionImpl } from './receiverConnection';
import type { ComponentLog } from './log';
import { errorText } from './log';
import { ENV_FORMATS, formatEnv, otlpEnv, type EnvFormat, type OtlpProtocol } from '../tracelist/otlpEnv';
import { plural } from '../tracelist/format';
import { portProblem, portProblems, type PortProblem, type PortState } from '../protocol/api';

const LAST_ENV_CHOICE = 'traceExplorer.lastEnvChoice';

interface Endpoints {
  host: string;
  http: number;
  grpc: number;
  /** the running receiver's ports; undefined when it is not running */
  httpState?: PortState;
  grpcState?: PortState;
}

/** Where the receiver's OTLP ports are: the running receiver's, else what the settings ask for. */
function endpoints(receiver: ReceiverConnectionImpl): Endpoints {
  const s = receiver.status;
  if (s.kind === 'running') {
    const h = s.health;
    return { host: h.host, http: h.http.port, grpc: h.grpc.port, httpState: h.http, grpcState: h.grpc };
  }
  return { host: config.get('receiver.host'), http: config.get('receiver.httpPort'), grpc: config.get('receiver.grpcPort') };
}

const NOT_OPEN_NOTES: Record<PortProblem, string> = {
  inUse: 'in use by another program',
  noPermission: 'not allowed for this user',
  badHost: 'the host setting is no address of this machine',
  other: 'not open',
};

/** ' (in use by another program)' for a port that is not open, '' for one that is (or when not running). */
function portNote(p: PortState | undefined): string {
  const problem = p && portProblem(p);
  return problem ? ` (${NOT_OPEN_NOTES[problem]})` : '';
}

async function copyOtlpEnv(context: vscode.ExtensionContext, receiver: ReceiverConnectionImpl): Promise<void> {
  const ep = endpoints(receiver);
  type Item = vscode.QuickPickItem & { protocol?: OtlpProtocol; format?: EnvFormat };
  const last = context.globalState.get<string>(LAST_ENV_CHOICE);
  const items: Item[] = [];
  const section = (protocol: OtlpProtocol, port: number, state: PortState | undefined) => {
    const name = protocol === 'grpc' ? 'OTLP/gRPC' : 'OTLP/HTTP (protobuf)';
    const note = !state ? ' — receiver not running' : state.listening ? '' : ` — port not open${portNote(state)}`;
    items.push({ label: `${name} on port ${port}${note}`, kind: vscode.QuickPickItemKind.Separator });
    for (const f of ENV_FORMATS) {
      items.push({ label: f.label, description: f.detail, protocol, format: f.format, picked: `${protocol}|${f.format}` === last });
    }
  };
  section('http/protobuf', ep.http, ep.httpState);
  section('grpc', ep.grpc, ep.grpcState);
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = 'Copy OpenTelemetry exporter environment variables';
  qp.placeholder = 'Pick the protocol and the shell (or file) to paste into';
  qp.items = items;
  const lastItem = items.find((i) => i.picked);
  if (lastItem) qp.activeItems = [lastItem];
  const pick = await new Promise<Item | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!pick?.protocol || !pick.format) return;
  const port = pick.protocol === 'grpc' ? ep.grpc : ep.http;
  const vars = otlpEnv(ep.host, port, pick.protocol);
  await vscode.env.clipboard.writeText(formatEnv(vars, pick.format));
  await context.globalState.update(LAST_ENV_CHOICE, `${pick.protocol}|${pick.format}`);
  const ok = (pick.protocol === 'grpc' ? ep.grpcState : ep.httpState)?.listening === true;
  const message = `Copied ${vars.map(([k]) => k).join(', ')} for ${pick.protocol} on port ${port}.`;
  if (ok) void vscode.window.showInformationMessage(message);
  else void vscode.window.showWarningMessage(`${message} That port is not open right now, so an app using these variables will not reach Trace Explorer yet.`);
}

async function clearTraces(receiver: ReceiverConnectionImpl, log: ComponentLog): Promise<void> {
  let api;
  try {
    api = await receiver.ready();
  } catch (e) {
    void vscode.window.showErrorMessage(`Cannot clear traces: ${errorText(e)}`);
    return;
  }
  const pinned = (await api.traces()).filter((t) => t.pinned).length;
  if (pinned > 0) {
    const answer = await vscode.window.showWarningMessage(
      `Clear all traces, including ${plural(pinned, 'pinned trace')}? Every VS Code window connected to this receiver loses them.`,
      { modal: true },
      'Clear All',
    );
    if (answer !== 'Clear All') return;
  }
  await api.clear();
  log.info('cleared all traces');
}

/** Whether `port` can be bound on `host` right now (a quick listen and close). */
function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

async function suggestPort(host: string, from: number, avoid: number): Promise<number> {
  for (let p = from + 10_000 <= 65535 ? from + 10_000 : from + 1, tries = 0; tries < 50 && p <= 65535; p++, tries++) {
    if (p !== avoid && (await portFree(host, p))) return p;
  }
  return 0;
}

async function choosePort(receiver: ReceiverConnectionImpl, which?: 'http' | 'grpc'): Promise<void> {
  const ep = endpoints(receiver);
  if (!which) {
    type Item = vscode.QuickPickItem & { which: 'http' | 'grpc' };
    const items: Item[] = [
      { which: 'http', label: 'OTLP/HTTP port', description: `now ${ep.http}${portNote(ep.httpState)}` },
      { which: 'grpc', label: 'OTLP/gRPC port', description: `now ${ep.grpc}${portNote(ep.grpcState)}` },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'Which receiver port?' });
    if (!pick) return;
    which = pick.which;
  }
  const key = which === 'http' ? 'receiver.httpPort' : 'receiver.grpcPort';
  const current = which === 'http' ? ep.http : ep.grpc;
  const other = which === 'http' ? ep.grpc : ep.http;
  const host = config.get('receiver.host');
  const suggestion = await suggestPort(host === '0.0.0.0' ? '0.0.0.0' : host, current, other);
  const label = which === 'http' ? 'OTLP/HTTP' : 'OTLP/gRPC';
  const value = await vscode.window.showInputBox({
    title: `${label} port for the Trace Explorer receiver`,
    prompt: `A free port (${suggestion || 'none found nearby'} is free now). 0 picks any free port. Your app then needs OTEL_EXPORTER_OTLP_ENDPOINT pointing at it.`,
    value: String(suggestion || current),
    validateInput: (text) => {
      const t = text.trim();
      if (!/^\d+$/.test(t)) return 'Enter a port number (0–65535).';
      const n = Number(t);
      if (n > 65535) return 'Ports go up to 65535.';
      if (n !== 0 && n === other) return `The ${which === 'http' ? 'gRPC' : 'HTTP'} receiver already uses port ${other}.`;
      if (n !== 0 && n < 1024) return { message: 'Ports below 1024 usually need administrator rights.', severity: vscode.InputBoxValidationSeverity.Warning };
      return undefined;
    },
  });
  if (value === undefined) return;
  const port = Number(value.trim());
  if (port === config.get(key)) {
    // same setting: the change listener will not fire, so apply by restarting
    await receiver.restart();
  } else {
    // the settings listener restarts the receiver with the new port
    await config.update(key, port);
  }
}

async function showCollectorHelp(context: vscode.ExtensionContext): Promise<void> {
  // vsce stores the README as readme.md inside the .vsix; a development checkout has README.md
  const name = fs.readdirSync(context.extensionPath).find((f) => f.toLowerCase() === 'readme.md') ?? 'README.md';
  const readme = vscode.Uri.joinPath(context.extensionUri, name);
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(readme);
  } catch (e) {
    void vscode.window.showErrorMessage(`Cannot open the README (${readme.fsPath}): ${errorText(e)}`);
    return;
  }
  const lines = doc.getText().split(/\r?\n/);
  const line = Math.max(0, lines.findIndex((l) => /^#{1,4}\s.*collector/i.test(l)));
  const heading = lines[line]?.replace(/^#+\s*/, '') ?? '';
  const slug = heading.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').trim().replace(/\s+/g, '-');
  try {
    await vscode.commands.executeCommand('markdown.showPreview', readme.with({ fragment: slug }));
  } catch {
    // no Markdown preview (it is a built-in that can be disabled): show the text at the section
    const pos = new vscode.Position(line, 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
  }
}

async function statusMenu(receiver: ReceiverConnectionImpl): Promise<void> {
  type Item = vscode.QuickPickItem & { run?: () => unknown };
  const s = receiver.status;
  const problems = s.kind === 'running' ? portProblems(s.health) : [];
  const inUse = problems.includes('inUse');
  const exec = (id: string) => () => vscode.commands.executeCommand(id);
  const items: Item[] = [];
  if (problems.length) {
    const detail = inUse ? 'A receiver port is taken by another program' : 'A receiver port could not be opened (the status bar tooltip says why)';
    items.push({ label: '$(plug) Choose Another Port…', detail, run: exec(Commands.choosePort) });
    if (inUse) items.push({ label: '$(book) How to Point a Collector Here', run: exec(Commands.showCollectorHelp) });
  }
  items.push(
    { label: '$(list-tree) Show Traces', run: exec(Commands.showTraces) },
    { label: '$(search) Search Traces', description: 'scatter plot and table of every stored trace', run: exec(Commands.searchTraces) },
    { label: '$(type-hierarchy) Show Service Map', run: exec(Commands.showServiceMap) },
    { label: '$(copy) Copy OTLP Environment Variables…', description: 'OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _TRACES_ENDPOINT', run: exec(Commands.copyOtlpEnv) },
    {
      label: '$(debug-console) Trace Node Programs in Terminals',
      description: config.get('instrument.terminals') ? 'on — select to turn off' : 'off — select to turn on',
      run: exec(Commands.toggleTerminalTracing),
    },
    { label: '$(debug-restart) Restart Receiver', run: exec(Commands.restartReceiver) },
    { label: '$(clear-all) Clear All Traces', run: exec(Commands.clearTraces) },
    { label: '$(output) Show Log', run: exec(Commands.showLog) },
    {
      label: '$(file) Open Receiver Process Output',
      description: 'what the shared receiver process printed (startup errors, crashes)',
      run: () => vscode.window.showTextDocument(vscode.Uri.file(receiver.files.log), { preview: true }),
    },
  );
  if (!problems.length) items.push({ label: '$(plug) Choose Receiver Ports…', run: exec(Commands.choosePort) });
  items.push({ label: '$(gear) Receiver Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:trace-explorer.trace-explorer traceExplorer.receiver') });
  const pick = await vscode.window.showQuickPick(items, { title: 'Trace Explorer receiver', placeHolder: statusLine(receiver) });
  await pick?.run?.();
}

function statusLine(receiver: ReceiverConnectionImpl): string {
  const s = receiver.status;
  switch (s.kind) {
    case 'disabled':
      return 'Receiver turned off';
    case 'starting':
      return 'Receiver starting…';
    case 'failed':
      return `Receiver failed: ${s.message}`;
    case 'running':
      return `Receiver pid ${s.health.pid}: ${plural(s.health.spans, 'span')} in ${plural(s.health.traces, 'trace')}`;
  }
}

export function registerReceiverCommands(
  context: vscode.ExtensionContext,
  channel: vscode.LogOutputChannel,
  receiver: ReceiverConnectionImpl,
  log: ComponentLog,
): vscode.Disposable {
  // one place that turns a failed command into a message the user sees (and a log line)
  const guarded = (name: string, fn: (...args: unknown[]) => unknown) => async (...args: unknown[]) => {
    try {
      return await fn(...args);
    } catch (e) {
      log.error(`${name}: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`Trace Explorer: ${name} failed: ${errorText(e)}`, 'Show Log').then((a) => {
        if (a) channel.show();
      });
      return undefined;
    }
  };
  const reg = (id: string, name: string, fn: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, guarded(name, fn));
  return vscode.Disposable.from(
    reg(Commands.statusMenu, 'receiver menu', () => statusMenu(receiver)),
    reg(Commands.copyOtlpEnv, 'copy environment variables', () => copyOtlpEnv(context, receiver)),
    reg(Commands.restartReceiver, 'restart receiver', () => receiver.restart()),
    reg(Commands.clearTraces, 'clear traces', () => clearTraces(receiver, log)),
    reg(Commands.showLog, 'show log', () => channel.show()),
    reg(Commands.choosePort, 'choose port', (which) => choosePort(receiver, which === 'http' || which === 'grpc' ? which : undefined)),
    reg(Commands.showCollectorHelp, 'open collector help', () => showCollectorHelp(context)),
  );
}
