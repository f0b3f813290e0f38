// What the runtime inside traced programs says about itself (which mode, why tracing is off) reaches the
// Trace Explorer log: debug launches append to one file (TRACE_EXPLORER_LOG) that is followed here. A program
// that runs untraced because the runtime could not load is also told once in a notice.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ComponentLog } from '../log';

const POLL_MS = 1000;
const MAX_READ = 64 * 1024;

export interface RuntimeLog extends vscode.Disposable {
  /** the file traced programs append their diagnostics to */
  readonly file: string;
}

export function followRuntimeLog(context: vscode.ExtensionContext, log: ComponentLog): RuntimeLog {
  const file = path.join(context.logUri.fsPath, 'runtime.log');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let offset = fs.existsSync(file) ? fs.statSync(file).size : 0;
  const told = new Set<string>();
  const read = () => {
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return;
    }
    if (size < offset) offset = 0; // truncated
    if (size === offset) return;
    const len = Math.min(size - offset, MAX_READ);
    const buf = Buffer.alloc(len);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buf, 0, len, offset);
    } finally {
      fs.closeSync(fd);
    }
    const text = buf.toString('utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) return;
    offset += Buffer.byteLength(text.slice(0, end + 1));
    for (const line of text.slice(0, end).split('\n')) {
      if (!line.trim()) continue;
      // "<iso time> pid N trace-explorer: message"
      const message = line.replace(/^\S+ pid \d+ trace-explorer: /, '');
      const off = /^tracing is off: (.*)$/.exec(message);
      if (off && !/TRACE_EXPLORER_INSTRUMENT=off/.test(message)) {
        log.warn(`[runtime] ${line}`);
        if (!told.has(off[1])) {
          told.add(off[1]);
          void vscode.window.showWarningMessage(`Trace Explorer: a program you started runs untraced: ${off[1]}.`);
        }
      } else {
        log.info(`[runtime] ${line}`);
      }
    }
  };
  fs.watchFile(file, { interval: POLL_MS }, read);
  return { file, dispose: () => fs.unwatchFile(file, read) };
}
