// The explore feature (issue 24): the trace search page (`traceExplorer.searchTraces`), the store-wide service
// map (`traceExplorer.showServiceMap`) and one trace's service map (`traceExplorer.showTraceServiceMap`, trace
// id argument — the waterfall's toolbar calls it), and the serializers that bring their panels back after a
// reload.
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import type { HostServices } from '../services';
import { componentLog, errorText } from '../log';
import type { EdgeQuery } from '../../protocol/explore';
import { normalizeTraceId } from '../panel/traceArgs';
import { pickTrace } from '../panel/pickTrace';
import { SearchPanel } from './searchPanel';
import { ServiceMapPanel } from './serviceMapPanel';
import { SEARCH_VIEW_TYPE, SERVICE_MAP_VIEW_TYPE, exploreWebviewOptions } from './html';

export function activateExplore(services: HostServices): vscode.Disposable {
  const log = componentLog(services.log, 'explore');
  const icon = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'trace-explorer.svg');
  let search: SearchPanel | undefined;
  let storeMap: ServiceMapPanel | undefined;
  const traceMaps = new Map<string, ServiceMapPanel>();

  const newPanel = (viewType: string, title: string) => {
    const panel = vscode.window.createWebviewPanel(viewType, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, exploreWebviewOptions(services.context.extensionUri));
    panel.iconPath = icon;
    return panel;
  };
  const adoptSearch = (panel: vscode.WebviewPanel): SearchPanel => {
    const p = new SearchPanel(panel, services, log, showTraceMap);
    p.panel.onDidDispose(() => search === p && (search = undefined));
    search = p;
    return p;
  };
  const showSearch = (): SearchPanel => {
    if (search) {
      search.reveal();
      return search;
    }
    return adoptSearch(newPanel(SEARCH_VIEW_TYPE, 'Search Traces'));
  };
  const onEdge = async (q: EdgeQuery) => {
    try {
      const api = await services.receiver.ready();
      const r = await api.edgeTraces(q.from, q.to, q);
      const label = `${q.from.slice(2)} → ${q.to.slice(2)}${r.truncated ? ` (the newest ${r.traceIds.length})` : ''}`;
      showSearch().restrict({ label, traceIds: r.traceIds });
    } catch (e) {
      log.error(`edge traces: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`Trace Explorer: could not find the traces of that call: ${errorText(e)}`);
    }
  };
  const adoptMap = (panel: vscode.WebviewPanel, traceId: string | undefined): ServiceMapPanel => {
    const p = new ServiceMapPanel(panel, services, log, traceId, onEdge, showTraceMap, (gone) => {
      if (storeMap === gone) storeMap = undefined;
      if (traceId && traceMaps.get(traceId) === gone) traceMaps.delete(traceId);
    });
    if (traceId) traceMaps.set(traceId, p);
    else storeMap = p;
    return p;
  };
  const showMap = () => {
    if (storeMap) storeMap.reveal();
    else adoptMap(newPanel(SERVICE_MAP_VIEW_TYPE, 'Service Map'), undefined);
  };
  async function showTraceMap(arg: unknown): Promise<void> {
    // no argument (the command palette): choose a trace, as Open Trace by ID does
    const traceId = arg === undefined ? await pickTrace(services) : normalizeTraceId(typeof arg === 'object' && arg !== null ? (arg as { traceId?: unknown }).traceId : arg);
    if (traceId === undefined && arg === undefined) return;
    if (!traceId) {
      void vscode.window.showErrorMessage('Trace Explorer: Show Service Map of Trace needs a trace id (32 hexadecimal characters).');
      return;
    }
    const open = traceMaps.get(traceId);
    if (open) open.reveal();
    else adoptMap(newPanel(SERVICE_MAP_VIEW_TYPE, `Service Map ${traceId.slice(0, 8)}…`), traceId);
  }

  const serializer = (viewType: string): vscode.WebviewPanelSerializer<unknown> => ({
    deserializeWebviewPanel: async (panel, state) => {
      panel.iconPath = icon;
      if (viewType === SEARCH_VIEW_TYPE) {
        if (search) panel.dispose();
        else adoptSearch(panel);
        return;
      }
      const traceId = normalizeTraceId((state as { traceId?: unknown } | undefined)?.traceId);
      if (traceId && !traceMaps.has(traceId)) adoptMap(panel, traceId);
      else if (!traceId && !storeMap) adoptMap(panel, undefined);
      else panel.dispose();
    },
  });

  return vscode.Disposable.from(
    vscode.commands.registerCommand(Commands.searchTraces, () => void showSearch()),
    vscode.commands.registerCommand(Commands.showServiceMap, showMap),
    vscode.commands.registerCommand(Commands.showTraceServiceMap, showTraceMap),
    vscode.window.registerWebviewPanelSerializer(SEARCH_VIEW_TYPE, serializer(SEARCH_VIEW_TYPE)),
    vscode.window.registerWebviewPanelSerializer(SERVICE_MAP_VIEW_TYPE, serializer(SERVICE_MAP_VIEW_TYPE)),
    { dispose: () => {
      search?.dispose();
      storeMap?.dispose();
      for (const p of [...traceMaps.values()]) p.dispose();
    } },
  );
}
