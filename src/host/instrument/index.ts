// Zero-code tracing from the editor: programs started with Run and Debug (on by default) and, when the user
// turns it on, from integrated terminals and tasks, load the Trace Explorer runtime (src/instrument/) and send
// their spans, with code locations, to the running receiver.
import * as vscode from 'vscode';
import { componentLog } from '../log';
import type { HostServices } from '../services';
import { activateDebugSessions } from './debugSessions';
import { activateTerminalTracing } from './terminals';

export function activateInstrument(s: HostServices): vscode.Disposable {
  const log = componentLog(s.log, 'instrument');
  return vscode.Disposable.from(activateDebugSessions(s, log), activateTerminalTracing(s, log));
}
