// What the explore views' buttons do with the selected traces: the same commands as the trace list's (so pin
// limits, fixtures and compare behave the same everywhere). Compare is offered when its command is registered.
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import type { TraceAction } from '../../protocol/explore';

/** opening more traces than this at once asks first */
const OPEN_MANY = 10;

export async function compareAvailable(): Promise<boolean> {
  return (await vscode.commands.getCommands(true)).includes(Commands.compareTraces);
}

export async function runTraceAction(action: TraceAction, ids: string[], showTraceMap: (id: string) => unknown): Promise<void> {
  switch (action) {
    case 'open': {
      if (ids.length > OPEN_MANY) {
        const ok = await vscode.window.showWarningMessage(`Open ${ids.length} traces, each in its own tab?`, { modal: true }, 'Open');
        if (ok !== 'Open') return;
      }
      for (const id of ids) await vscode.commands.executeCommand(Commands.openTrace, id);
      return;
    }
    case 'pin':
      await vscode.commands.executeCommand(Commands.pinTrace, ids[0], ids);
      return;
    case 'unpin':
      await vscode.commands.executeCommand(Commands.unpinTrace, ids[0], ids);
      return;
    case 'remove':
      await vscode.commands.executeCommand(Commands.removeTrace, ids[0], ids);
      return;
    case 'copyId':
      await vscode.commands.executeCommand(Commands.copyTraceId, ids[0], ids);
      return;
    case 'copyAsFixture':
      await vscode.commands.executeCommand(Commands.copyAsFixture, ids[0]);
      return;
    case 'serviceMap':
      await showTraceMap(ids[0]);
      return;
    case 'compare':
      if (!(await compareAvailable())) {
        void vscode.window.showInformationMessage('Trace Explorer: comparing traces is not available in this version.');
        return;
      }
      await vscode.commands.executeCommand(Commands.compareTraces, ids[0], ids[1]);
      return;
  }
}
