// Terminals and tasks: an opt-in toggle (traceExplorer.instrument.terminals) that makes Node programs started in
// VS Code's integrated terminals and tasks traced, through the extension's environment variable collection
// (as VS Code's own auto attach does). A status bar item shows while it is on; clicking it turns it off.
import * as vscode from 'vscode';
import * as config from '../config';
import { Commands } from '../commandIds';
import type { ComponentLog } from '../log';
import type { HostServices } from '../services';
import { MARKER_VAR, quoteNodeOption } from '../../instrument/launchEnv';
import { ENDPOINT_FALLBACK_VAR } from '../../instrument/settings';
import { runningEndpoint, runtimePath } from './endpoint';

export function activateTerminalTracing(s: HostServices, log: ComponentLog): vscode.Disposable {
  const collection = s.context.environmentVariableCollection;
  const item = vscode.window.createStatusBarItem('traceExplorer.terminalTracing', vscode.StatusBarAlignment.Right, 99);
  item.name = 'Trace Explorer: Terminal Tracing';
  item.text = '$(debug-console) Terminals traced';
  item.command = Commands.toggleTerminalTracing;
  let applied = '';

  const apply = () => {
    const on = config.get('instrument.terminals');
    const registerPath = on ? runtimePath(s.context) : undefined;
    // the endpoint only matters when the receiver is not on 4318, the runtime's default
    const running = runningEndpoint(s.receiver.status);
    const endpoint = running && running.url !== 'http://127.0.0.1:4318' ? running.url : undefined;
    const key = registerPath ? `${registerPath}|${endpoint ?? ''}` : '';
    if (key === applied) return;
    applied = key;
    collection.clear();
    if (!registerPath) {
      if (on) log.warn('terminal tracing is on, but the Node runtime (dist/instrument/register.js) is missing from the extension');
      item.hide();
      void vscode.commands.executeCommand('setContext', 'traceExplorer.terminalTracing', false);
      return;
    }
    collection.persistent = true;
    collection.description = new vscode.MarkdownString(
      'Trace Explorer traces the Node programs started here (`NODE_OPTIONS` preloads its runtime). ' +
        `Turn off: **Trace Explorer: Toggle Tracing of Node Programs in Terminals**.`,
    );
    collection.append('NODE_OPTIONS', ` --require ${quoteNodeOption(registerPath)}`);
    collection.replace(MARKER_VAR, registerPath);
    if (endpoint) collection.replace(ENDPOINT_FALLBACK_VAR, endpoint);
    item.tooltip = new vscode.MarkdownString(
      `Node programs started in new terminals and tasks are traced and send their spans to Trace Explorer${endpoint ? ` (${endpoint})` : ''}.\n\nClick to stop.`,
    );
    item.show();
    void vscode.commands.executeCommand('setContext', 'traceExplorer.terminalTracing', true);
    log.info(`terminal tracing on: new terminals preload ${registerPath}${endpoint ? ` and send to ${endpoint}` : ''}`);
  };

  const toggle = async () => {
    const on = !config.get('instrument.terminals');
    await config.update('instrument.terminals', on);
    apply();
    const open = vscode.window.terminals.length;
    void vscode.window.showInformationMessage(on
      ? `Trace Explorer: Node programs started in new terminals and tasks are now traced.${open ? ' Terminals already open need a relaunch (VS Code marks them).' : ''}`
      : 'Trace Explorer: Node programs started in new terminals are no longer traced.');
  };

  apply();
  return vscode.Disposable.from(
    item,
    vscode.commands.registerCommand(Commands.toggleTerminalTracing, toggle),
    config.onDidChange(['instrument.terminals'], apply),
    s.receiver.onDidChangeStatus(apply),
  );
}
