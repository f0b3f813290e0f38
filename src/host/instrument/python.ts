// Python launches (debugpy): which interpreter runs the program, whether it has the OpenTelemetry distro
// (then Trace Explorer's sitecustomize starts its auto-instrumentation with code locations), and, when it has
// not, one offer per interpreter to install it there.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ComponentLog } from '../log';

const CHECK = 'import opentelemetry.instrumentation.auto_instrumentation, opentelemetry.sdk';
const CHECK_TIMEOUT_MS = 10_000;
const DONT_ASK_KEY = 'traceExplorer.python.dontOfferInstall';

/** The interpreter a debugpy configuration runs: its `python`, the Python extension's choice, else python3. */
export async function pythonInterpreter(config: vscode.DebugConfiguration, folder: vscode.WorkspaceFolder | undefined): Promise<string> {
  const own = Array.isArray(config.python) ? config.python[0] : config.python ?? config.pythonPath;
  if (typeof own === 'string' && own.trim()) return own.trim();
  try {
    type Environments = { getActiveEnvironmentPath(r?: vscode.Uri): { path: string } };
    const ext = vscode.extensions.getExtension<{ environments?: Environments }>('ms-python.python');
    const api = ext?.isActive ? ext.exports : await ext?.activate();
    const p = api?.environments?.getActiveEnvironmentPath(folder?.uri).path;
    if (p && fs.existsSync(p)) return p;
  } catch {
    // no Python extension (or an older API): the default below
  }
  return process.platform === 'win32' ? 'python' : 'python3';
}

const checked = new Map<string, Promise<boolean>>();

/** Whether the interpreter can import the OpenTelemetry distro's auto-instrumentation (remembered per run). */
export function hasDistro(python: string): Promise<boolean> {
  let p = checked.get(python);
  if (!p) {
    p = new Promise((resolve) => {
      execFile(python, ['-c', CHECK], { timeout: CHECK_TIMEOUT_MS, windowsHide: true }, (err) => resolve(!err));
    });
    checked.set(python, p);
  }
  return p;
}

/** Says once per interpreter that it lacks the distro, and installs it there when the user asks. */
export async function offerDistroInstall(context: vscode.ExtensionContext, python: string, launchName: string, log: ComponentLog): Promise<void> {
  const declined = context.globalState.get<string[]>(DONT_ASK_KEY, []);
  if (declined.includes(python)) return;
  const install = 'Install into This Environment…';
  const never = "Don't Ask for This Interpreter";
  const pick = await vscode.window.showInformationMessage(
    `Trace Explorer: "${launchName}" runs untraced: its Python (${python}) has no OpenTelemetry distro. ` +
      'Install opentelemetry-distro and the OTLP exporter there to see its spans, with code locations?',
    install, never,
  );
  if (pick === never) {
    await context.globalState.update(DONT_ASK_KEY, [...declined, python]);
    return;
  }
  if (pick !== install) return;
  const sure = await vscode.window.showWarningMessage(
    `Run pip in ${python}? It installs opentelemetry-distro, opentelemetry-exporter-otlp and the instrumentations ` +
      'for the libraries found there (opentelemetry-bootstrap).',
    { modal: true }, 'Install',
  );
  if (sure !== 'Install') return;
  checked.delete(python);
  const q = (s: string) => (process.platform === 'win32' ? `& "${s}"` : `'${s.replace(/'/g, `'\\''`)}'`);
  const terminal = vscode.window.createTerminal({ name: 'Trace Explorer: install OpenTelemetry for Python' });
  terminal.show();
  terminal.sendText(`${q(python)} -m pip install opentelemetry-distro opentelemetry-exporter-otlp && ${q(python)} -m opentelemetry.bootstrap -a install`);
  log.info(`installing the OpenTelemetry distro into ${python} (terminal)`);
}
