// "Open Trace by ID…": a quick pick of the receiver's recent traces that also accepts a typed or pasted id.
import * as vscode from 'vscode';
import type { HostServices } from '../services';
import type { TraceSummary } from '../../protocol/api';
import { errorText } from '../log';
import { normalizeTraceId } from './traceArgs';
import { tracePickItem } from '../../tracelist/format';

interface Item extends vscode.QuickPickItem {
  traceId?: string;
}

const RECENT = 200;

function describe(s: TraceSummary, now: number): Item {
  // span text is untrusted: quick picks render $(icon) syntax in the label, the description and the detail,
  // so every part comes escaped from the same item the other trace pickers use
  const item = tracePickItem(s, now);
  return { ...item, label: `${s.errorCount ? '$(error) ' : ''}${item.label}`, traceId: s.traceId };
}

/** asks for a trace; undefined when the user cancels */
export async function pickTrace(services: HostServices): Promise<string | undefined> {
  let recent: Item[] = [];
  let note: string | undefined;
  const api = services.receiver.api;
  if (api) {
    try {
      recent = (await api.traces()).slice(0, RECENT).map((t) => describe(t, Date.now()));
    } catch (e) {
      note = `Could not list the receiver's traces: ${errorText(e)}`;
    }
  } else note = 'The receiver is not running: only a typed trace id can be opened.';

  return new Promise<string | undefined>((resolve) => {
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = 'Open Trace by ID';
    qp.placeholder = recent.length ? 'Pick a recent trace, or type or paste a trace id' : 'Type or paste a trace id (32 hexadecimal characters)';
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    const base: Item[] = note ? [{ label: note, kind: vscode.QuickPickItemKind.Separator }, ...recent] : recent;
    qp.items = base;
    qp.onDidChangeValue((v) => {
      const id = normalizeTraceId(v);
      if (id && !recent.some((r) => r.traceId === id)) qp.items = [{ label: `Open trace ${id}`, traceId: id, alwaysShow: true }, ...base];
      else qp.items = base;
    });
    let done = false;
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0];
      const id = sel?.traceId ?? normalizeTraceId(qp.value);
      if (!id) {
        // stays open: the first row says what is wrong with the input
        qp.items = [{ label: `"${qp.value.slice(0, 60)}" is not a trace id: expected 32 hexadecimal characters`, alwaysShow: true }, ...base];
        return;
      }
      done = true;
      resolve(id);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}
