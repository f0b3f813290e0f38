// Wires the parts together; each part owns its own disposables. Nothing here does work of its own.
import * as vscode from 'vscode';
import * as config from './host/config';
import { componentLog, createLogChannel } from './host/log';
import { ReceiverConnectionImpl } from './host/receiverConnection';
import { registerReceiverCommands } from './host/receiverCommands';
import { activateStatusBar } from './host/statusBar';
import { activateNotices } from './host/notices';
import { activateTraceList, type TraceListSnapshot } from './host/traceList';
import { activateFixtures } from './host/fixtures';
import { activateWaterfall } from './host/panel';
import { activateExplore } from './host/explore';
import { activateCompare } from './host/compare';
import { activateSource } from './host/source';
import { activateInstrument } from './host/instrument';
import { activateAgentTools } from './host/agent';
import type { HostServices, ReceiverConnection } from './host/services';

/** What activate() returns: used by the extension-host tests (test/suite) and other extensions. */
export interface TraceExplorerApi {
  receiver: ReceiverConnection;
  /** restart the shared receiver with this window's settings */
  restartReceiver(): Promise<void>;
  /** the rows the trace list shows, as the user reads them */
  traceList(): TraceListSnapshot;
  /** sets the trace list's filter as if typed into its filter box (empty clears it); answers parse problems */
  filterTraceList(text: string): string[];
  /** the receiver's state and log files */
  files: { state: string; log: string };
}

export function activate(context: vscode.ExtensionContext): TraceExplorerApi {
  const channel = createLogChannel();
  context.subscriptions.push(channel);
  config.setInvalidValueReporter((m) => channel.warn(`[config] ${m}`));

  const receiver = new ReceiverConnectionImpl(context, componentLog(channel, 'receiver'));
  context.subscriptions.push(receiver);
  const services: HostServices = { context, log: channel, receiver };

  context.subscriptions.push(
    registerReceiverCommands(context, channel, receiver, componentLog(channel, 'commands')),
    activateStatusBar(receiver),
    activateNotices(context, receiver),
  );
  const traceList = activateTraceList(services, componentLog(channel, 'traces'));
  context.subscriptions.push(traceList.disposable);

  // the editor features: each registers its own commands and views and talks to the others through commands.
  // One that fails to start is reported and the rest (and the receiver) still run.
  const feature = (name: string, activateFeature: (s: HostServices) => vscode.Disposable) => {
    try {
      context.subscriptions.push(activateFeature(services));
    } catch (e) {
      channel.error(`[host] the ${name} feature failed to start: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      void vscode.window.showErrorMessage(`Trace Explorer: the ${name} feature failed to start (see the log).`, 'Show Log')
        .then((a) => a && channel.show());
    }
  };
  feature('fixtures', activateFixtures);
  feature('waterfall', activateWaterfall);
  feature('explore', activateExplore);
  feature('compare', activateCompare);
  feature('source', activateSource);
  feature('zero-code tracing', activateInstrument);
  feature('agent tools', activateAgentTools);

  // the editor is usable at once; the receiver comes up in the background
  void receiver.connect();
  channel.info(`[host] Trace Explorer ${String(context.extension.packageJSON.version)} activated`);

  return {
    receiver,
    restartReceiver: () => receiver.restart(),
    traceList: () => traceList.provider.snapshot(),
    filterTraceList: (text) => [...traceList.provider.setFilter(text, false).errors],
    files: receiver.files,
  };
}

export function deactivate(): void {
  // everything is in context.subscriptions; the shared receiver keeps running for other windows and
  // exits on its own after its idle timeout
}
