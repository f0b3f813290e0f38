// Notifications about the receiver that the user can act on: a port taken by another program, a receiver
// that would not start, the store starting to evict traces, and a store on disk that could not be read (set
// aside, a fresh one started). Each is shown once per occurrence, not on
// every reconnect.
import * as vscode from 'vscode';
import { portProblem, type PortState } from '../protocol/api';
import { Commands } from './commandIds';
import * as config from './config';
import type { ReceiverConnection } from './services';

const EVICTION_NOTICE_OFF = 'traceExplorer.evictionNoticeOff';

export function activateNotices(context: vscode.ExtensionContext, receiver: ReceiverConnection): vscode.Disposable {
  const shown = new Set<string>();
  let evictionShown = false;

  const portNotOpen = (pid: number, host: string, label: string, which: 'http' | 'grpc', p: PortState) => {
    const problem = portProblem(p);
    // a host that is no address here fails both ports: one notice says it
    const key = problem === 'badHost' ? `${pid}:host` : `${pid}:${which}:${p.port}`;
    if (shown.has(key)) return;
    shown.add(key);
    const choose = 'Choose Another Port';
    const collector = 'Show How to Point a Collector Here';
    const hostSetting = 'Change the Host Setting';
    const showLog = 'Show Log';
    const act = (a: string | undefined) => {
      if (a === choose) void vscode.commands.executeCommand(Commands.choosePort, which);
      else if (a === collector) void vscode.commands.executeCommand(Commands.showCollectorHelp);
      else if (a === hostSetting) void config.openSetting('receiver.host');
      else if (a === showLog) void vscode.commands.executeCommand(Commands.showLog);
    };
    if (problem === 'inUse') {
      void vscode.window
        .showWarningMessage(
          `Trace Explorer: port ${p.port} (${label}) is already in use by another program, so traces sent there do not ` +
            `arrive here. (${p.error ?? 'address in use'})`,
          choose,
          collector,
        )
        .then(act);
    } else if (problem === 'badHost') {
      void vscode.window
        .showErrorMessage(
          `Trace Explorer cannot open its OTLP ports: "${host}" (setting traceExplorer.receiver.host) is not an ` +
            `address of this machine. Use 127.0.0.1, or 0.0.0.0 for every interface.`,
          hostSetting,
        )
        .then(act);
    } else if (problem === 'noPermission') {
      void vscode.window
        .showErrorMessage(
          `Trace Explorer cannot open port ${p.port} (${label}): the system does not allow this user to listen on it ` +
            `(ports below 1024 need privileges). Choose a port above 1023.`,
          choose,
        )
        .then(act);
    } else {
      void vscode.window
        .showErrorMessage(`Trace Explorer cannot open port ${p.port} (${label}): ${p.error ?? 'unknown error'}`, choose, showLog)
        .then(act);
    }
  };

  const onStatus = () => {
    const s = receiver.status;
    if (s.kind === 'running') {
      if (!s.health.http.listening) portNotOpen(s.health.pid, s.health.host, 'OTLP/HTTP', 'http', s.health.http);
      if (!s.health.grpc.listening) portNotOpen(s.health.pid, s.health.host, 'OTLP/gRPC', 'grpc', s.health.grpc);
      if (s.health.evicting) onEvicting(s.health.evictedTraces);
      if (s.differs?.length) onDiffers(s.health.pid, s.differs);
      if (s.health.store?.notice) onStoreNotice(s.health.pid, s.health.store.notice);
    } else if (s.kind === 'failed') {
      const key = `failed:${s.message}`;
      if (shown.has(key)) return;
      shown.add(key);
      void vscode.window
        .showErrorMessage(`Trace Explorer: the local OTLP receiver could not start: ${s.message}`, 'Show Log', 'Restart Receiver')
        .then((a) => {
          if (a === 'Show Log') void vscode.commands.executeCommand(Commands.showLog);
          else if (a === 'Restart Receiver') void vscode.commands.executeCommand(Commands.restartReceiver);
        });
    }
  };

  const onStoreNotice = (pid: number, notice: string) => {
    const key = `store:${pid}`;
    if (shown.has(key)) return;
    shown.add(key);
    void vscode.window.showWarningMessage(`Trace Explorer: ${notice}`, 'Show Log').then((a) => {
      if (a === 'Show Log') void vscode.commands.executeCommand(Commands.showLog);
    });
  };

  const onDiffers = (pid: number, differs: readonly string[]) => {
    const key = `differs:${pid}`;
    if (shown.has(key)) return;
    shown.add(key);
    const restart = "Restart It With This Window's Settings";
    const st = receiver.status;
    const keeps = st.kind === 'running' && st.health.store !== undefined;
    void vscode.window
      .showWarningMessage(
        `Trace Explorer: the receiver another VS Code window started runs with other settings than this window's, ` +
          `which ask for ${differs.join('; ')}. This window shows that receiver's traces. Restart it to apply this ` +
          `window's settings: every window then uses the new one, and ${keeps ? 'the traces it keeps on disk stay (unless the new settings turn ' +
            'the store off or move it)' : 'the traces received so far are dropped'}.`,
        restart,
      )
      .then((a) => {
        if (a === restart) void vscode.commands.executeCommand(Commands.restartReceiver);
      });
  };

  const onEvicting = (evicted: number) => {
    if (evictionShown || context.globalState.get<boolean>(EVICTION_NOTICE_OFF)) return;
    evictionShown = true;
    const raise = 'Raise the Limits';
    const never = "Don't Show Again";
    // the running receiver's limits: another window may have started it with other settings
    const s = receiver.status;
    const disk = s.kind === 'running' ? s.health.store : undefined;
    if (disk) {
      // with a store on disk only its own limits delete traces (memory only holds the newest)
      void vscode.window
        .showInformationMessage(
          `Trace Explorer's stored traces reached ${Math.round(disk.maxDiskBytes / 1024 / 1024)} MB on disk or ` +
            `${Math.round(disk.maxAgeMs / 86_400_000)} days of age: the oldest traces are being deleted` +
            `${evicted > 0 ? ` (${evicted} so far)` : ''}. Pin a trace to keep it.`,
          raise,
          never,
        )
        .then((a) => {
          if (a === raise) void config.openSetting('store.maxDiskMB');
          else if (a === never) void context.globalState.update(EVICTION_NOTICE_OFF, true);
        });
      return;
    }
    const maxSpans = (s.kind === 'running' ? s.health.maxSpans : config.get('store.maxSpans')).toLocaleString('en-US');
    const maxMB = s.kind === 'running' ? Math.round(s.health.maxBytes / 1024 / 1024) : config.get('store.maxMemoryMB');
    void vscode.window
      .showInformationMessage(
        `Trace Explorer is full (${maxSpans} spans or ${maxMB} MB): the oldest traces are being evicted` +
          `${evicted > 0 ? ` (${evicted} so far)` : ''}. Pin a trace to keep it.`,
        raise,
        never,
      )
      .then((a) => {
        if (a === raise) void config.openSetting('store.maxSpans');
        else if (a === never) void context.globalState.update(EVICTION_NOTICE_OFF, true);
      });
  };

  onStatus();
  return vscode.Disposable.from(
    receiver.onDidChangeStatus(onStatus),
    receiver.onDidReceiveEvent((e) => {
      if (e.type === 'stats' && e.evicting) onEvicting(e.evictedTraces);
      else if (e.type === 'cleared') evictionShown = false;
    }),
  );
}
