// Run and Debug: Node launch configurations (node, pwa-node, node-terminal) get the environment that preloads
// the Trace Explorer runtime and points it at the running receiver; Python, Java, .NET and Go launches get the
// receiver's OTLP variables. On by default (traceExplorer.instrument.debugSessions), off for one configuration
// with `"traceExplorer": false`. The debug console says in one line that the program is traced.
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as config from '../config';
import type { ComponentLog } from '../log';
import type { HostServices } from '../services';
import {
  NODE_DEBUG_TYPES, OTLP_ENV_DEBUG_TYPES, OPT_OUT_PROPERTY, PYTHON_DEBUG_TYPES, TRACED_PROPERTY, traceLaunchConfig, type LaunchConfig,
} from '../../instrument/launchConfig';
import { hasDistro, offerDistroInstall, pythonInterpreter } from './python';
import { followRuntimeLog } from './runtimeLog';
import { receiverEndpoint, runtimePath } from './endpoint';

export function activateDebugSessions(s: HostServices, log: ComponentLog): vscode.Disposable {
  const runtimeLog = followRuntimeLog(s.context, log);
  const disposables: vscode.Disposable[] = [runtimeLog];
  const provider: vscode.DebugConfigurationProvider = {
    // after ${…} variables are substituted: program and envFile are real paths by then
    resolveDebugConfigurationWithSubstitutedVariables: async (folder, debugConfig) => {
      if (!config.get('instrument.debugSessions')) return debugConfig;
      const registerPath = runtimePath(s.context);
      if (!registerPath) {
        log.warn('the Node runtime (dist/instrument/register.js) is missing from the extension: launches are not traced');
        return debugConfig;
      }
      const endpoint = await receiverEndpoint(s.receiver);
      if (!endpoint) {
        log.warn(`"${debugConfig.name}" starts untraced: the receiver is not running (${s.receiver.status.kind})`);
        return debugConfig;
      }
      let pythonRuntimeDir: string | undefined;
      if (PYTHON_DEBUG_TYPES.includes(debugConfig.type) && debugConfig.request === 'launch' && debugConfig[OPT_OUT_PROPERTY] !== false) {
        const python = await pythonInterpreter(debugConfig, folder);
        if (await hasDistro(python)) pythonRuntimeDir = path.join(path.dirname(registerPath), 'python');
        else void offerDistroInstall(s.context, python, debugConfig.name, log);
      }
      const result = traceLaunchConfig(debugConfig as LaunchConfig, {
        registerPath, endpoint: endpoint.url, defaultPorts: endpoint.defaultPorts,
        folder: folder?.uri.fsPath, processEnv: process.env, pythonRuntimeDir,
      });
      if (!result.traced) {
        log.info(`"${debugConfig.name}" (${debugConfig.type}) is not traced: ${result.reason}`);
        return debugConfig;
      }
      log.info(`"${debugConfig.name}" (${debugConfig.type}) is traced → ${endpoint.url}` +
        (result.serviceName ? ` as service "${result.serviceName}"` : ''));
      const env = result.config.env ?? {};
      // the runtime's own lines (its mode, why it is off) go to this log rather than the program's stderr
      if (result.what === 'node' && !env.TRACE_EXPLORER_LOG && !process.env.TRACE_EXPLORER_LOG) {
        result.config.env = { ...env, TRACE_EXPLORER_LOG: runtimeLog.file };
      }
      return result.config as vscode.DebugConfiguration;
    },
  };
  for (const type of [...NODE_DEBUG_TYPES, ...OTLP_ENV_DEBUG_TYPES]) {
    disposables.push(vscode.debug.registerDebugConfigurationProvider(type, provider));
  }
  disposables.push(vscode.debug.onDidStartDebugSession((session) => {
    // js-debug starts a child session for the program: say it once, on the session we changed
    const what = session.configuration[TRACED_PROPERTY] as string | undefined;
    if (!what || session.parentSession?.configuration[TRACED_PROPERTY]) return;
    const how = `turn off: "${OPT_OUT_PROPERTY}": false in this launch configuration, or the setting traceExplorer.instrument.debugSessions`;
    const line = what === 'otlp-env'
      ? `Trace Explorer: OTEL_* variables point this program's OpenTelemetry SDK at Trace Explorer (${how}).`
      : `Trace Explorer: this program is traced — its spans appear in the Trace Explorer view (${how}).`;
    // the console of a session that has just started may not be the active one yet
    setTimeout(() => vscode.debug.activeDebugConsole.appendLine(line), 0);
  }));
  return vscode.Disposable.from(...disposables);
}
