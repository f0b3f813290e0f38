// Notifications about the receiver that the user can act on: a port taken by another program, a receiver
// that would not start, and the store starting to evict traces. Each is shown once per occurrence, not on
// every reconnect.
import * as vscode from 'vscode';
import type { PortState } from '../protocol/api';
import { Commands } from './commandIds';
import * as config from './config';
import type { ReceiverConnection } from './services';

const EVICTION_NOTICE_OFF = 'traceExplorer.evictionNoticeOff';

export function activateNotices(context: vscode.ExtensionContext, receiver: ReceiverConnection): vscode.Disposable {
  const shown = new Set<string>();
  let evictionShown = false;

  const portConflict = (pid: number, label: string, which: 'http' | 'grpc', p: PortState) => {
    const key = `${pid}:${which}:${p.port}`;
    if (shown.has(key)) return;
    shown.add(key);
    const choose = 'Choose Another Port';
    const collector = 'Show How to Point a Collector Here';
    void vscode.window
      .showWarningMessage(
        `Trace Explorer: port ${p.port} (${label}) is already in use by another program, so traces sent there do not ` +
          `arrive here. (${p.error ?? 'address in use'})`,
        choose,
        collector,
      )
      .then((a) => {
        if (a === choose) void vscode.commands.executeCommand(Commands.choosePort, which);
        else if (a === collector) void vscode.commands.executeCommand(Commands.showCollectorHelp);
      });
  };

  const onStatus = () => {
    const s = receiver.status;
    if (s.kind === 'running') {
      if (!s.health.http.listening) portConflict(s.health.pid, 'OTLP/HTTP', 'http', s.health.http);
      if (!s.health.grpc.listening) portConflict(s.health.pid, 'OTLP/gRPC', 'grpc', s.health.grpc);
      if (s.health.evicting) onEvicting(s.health.evictedTraces);
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

  const onEvicting = (evicted: number) => {
    if (evictionShown || context.globalState.get<boolean>(EVICTION_NOTICE_OFF)) return;
    evictionShown = true;
    const raise = 'Raise the Limits';
    const never = "Don't Show Again";
    const maxSpans = config.get('store.maxSpans').toLocaleString('en-US');
    const maxMB = config.get('store.maxMemoryMB');
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
