// The extension's one log channel ("Trace Explorer", a LogOutputChannel so the user picks the level) and
// component-tagged views of it: every line says which part wrote it, e.g. "[receiver] connected".
import * as vscode from 'vscode';

export function createLogChannel(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Trace Explorer', { log: true });
}

export interface ComponentLog {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export function componentLog(channel: vscode.LogOutputChannel, component: string): ComponentLog {
  const tag = `[${component}] `;
  return {
    trace: (m) => channel.trace(tag + m),
    debug: (m) => channel.debug(tag + m),
    info: (m) => channel.info(tag + m),
    warn: (m) => channel.warn(tag + m),
    error: (m) => channel.error(tag + (m instanceof Error ? errorText(m) : m)),
  };
}

/** A one-line description of anything thrown (Node errors carry a code worth showing). */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
