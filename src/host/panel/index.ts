// The waterfall feature: the `traceExplorer.openTrace` command (one panel per trace, revealed when already
// open; a trace opened while a preview panel is open replaces its trace, see previewPolicy.ts; without an
// argument, "Open Trace by ID…"), Keep Trace Panel Open, the serializer that restores panels after a reload, and
// `showTraceInPanel` for panels other features own (the trace-file custom editor).
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import type { HostServices } from '../services';
import { componentLog, errorText } from '../log';
import type { ComponentLog } from '../log';
import { WaterfallPanel } from './waterfallPanel';
import { WATERFALL_VIEW_TYPE, waterfallWebviewOptions } from './html';
import { normalizeTraceId, parseOpenTraceArgs } from './traceArgs';
import { pickTrace } from './pickTrace';
import { panelTitles } from './panelTitles';
import { openAction } from './previewPolicy';
import { get } from '../config';
import type { WaterfallState } from '../../protocol/waterfall';

export { WATERFALL_VIEW_TYPE } from './html';

let active: WaterfallPanels | undefined;

class WaterfallPanels implements vscode.Disposable {
  /** the panels this feature created (one per trace); at most one of them is the preview */
  private readonly owned = new Set<WaterfallPanel>();
  private readonly adopted = new Set<WaterfallPanel>();

  constructor(
    private readonly services: HostServices,
    private readonly log: ComponentLog,
  ) {}

  /** `keep`: the caller wants a panel of its own (no preview) */
  open(traceId: string, spanId?: string, keep = false): WaterfallPanel {
    const existing = this.find(traceId);
    const preview = this.preview();
    const action = openAction({
      showing: existing && { preview: existing.preview, openedAt: existing.openedAt },
      hasPreview: preview !== undefined,
      preview: !keep && get('waterfall.preview'),
      now: Date.now(),
    });
    if (existing) {
      if (action === 'revealAndKeep') this.keep(existing);
      existing.openedAt = Date.now();
      existing.reveal(spanId);
      return existing;
    }
    if (action === 'replacePreview' && preview) {
      preview.showTrace(traceId, spanId);
      this.retitle();
      return preview;
    }
    const panel = vscode.window.createWebviewPanel(
      WATERFALL_VIEW_TYPE,
      `Trace ${traceId.slice(0, 8)}…`,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      waterfallWebviewOptions(this.services.context.extensionUri),
    );
    const w = this.track(panel, traceId, spanId);
    if (action === 'newPreview') this.markPreview(w, true);
    return w;
  }

  restore(panel: vscode.WebviewPanel, traceId: string): WaterfallPanel {
    this.find(traceId)?.dispose(); // a second restored panel of the same trace replaces the first
    return this.track(panel, traceId, undefined);
  }

  /** a panel another feature created (custom editor): we render into it; its owner controls its life */
  adopt(panel: vscode.WebviewPanel, traceId: string, spanId?: string): WaterfallPanel {
    const w = new WaterfallPanel(
      panel, traceId, this.services, this.log, spanId,
      (p) => {
        this.adopted.delete(p);
        this.retitle();
      },
      false,
      () => this.retitle(),
    );
    this.adopted.add(w);
    return w;
  }

  private track(panel: vscode.WebviewPanel, traceId: string, spanId: string | undefined): WaterfallPanel {
    panel.iconPath = this.icon(false);
    const w = new WaterfallPanel(
      panel, traceId, this.services, this.log, spanId,
      (p) => {
        this.owned.delete(p);
        this.retitle();
      },
      true,
      () => this.retitle(),
      (p) => this.keep(p),
    );
    this.owned.add(w);
    return w;
  }

  private find(traceId: string): WaterfallPanel | undefined {
    for (const p of this.owned) if (p.traceId === traceId) return p;
    return undefined;
  }

  private preview(): WaterfallPanel | undefined {
    for (const p of this.owned) if (p.preview) return p;
    return undefined;
  }

  /** the preview panel stays for its trace; the next trace opens in a new preview panel */
  keep(p: WaterfallPanel): void {
    if (!p.preview) return;
    this.markPreview(p, false);
    this.log.debug(`trace ${p.traceId}: preview panel kept`);
  }

  /** the active preview panel kept (Keep Trace Panel Open); false when the active panel is not a preview */
  keepActive(): boolean {
    const p = [...this.owned].find((x) => x.panel.active && x.preview);
    if (p) this.keep(p);
    return p !== undefined;
  }

  private markPreview(p: WaterfallPanel, on: boolean): void {
    p.setPreview(on);
    p.panel.iconPath = this.icon(on);
    this.retitle();
  }

  /** a preview panel's tab shows the outlined icon (and "(preview)" in its title, see panelTitles) */
  private icon(preview: boolean): vscode.Uri {
    return vscode.Uri.joinPath(this.services.context.extensionUri, 'media', preview ? 'trace-explorer-preview.svg' : 'trace-explorer.svg');
  }

  /** the panel the context menu was opened in: the active one showing the trace, else any showing it */
  showing(traceId: string): WaterfallPanel | undefined {
    const all = [...this.owned, ...this.adopted].filter((p) => p.traceId === traceId);
    return all.find((p) => p.panel.active) ?? all[0];
  }

  /** two tabs whose roots read the same ("GET /checkout") both add their short trace id */
  private retitle(): void {
    const all = [...this.owned, ...this.adopted];
    const titles = panelTitles(all.map((p) => ({ traceId: p.traceId, label: p.label, preview: p.preview })));
    all.forEach((p, i) => (p.label !== undefined || p.preview) && p.applyTitle(titles[i]));
  }

  dispose(): void {
    for (const p of [...this.owned, ...this.adopted]) p.dispose();
    this.owned.clear();
    this.adopted.clear();
  }
}

export function activateWaterfall(services: HostServices): vscode.Disposable {
  const log = componentLog(services.log, 'waterfall');
  const panels = new WaterfallPanels(services, log);
  active = panels;
  const openTrace = async (arg?: unknown, spanArg?: unknown): Promise<void> => {
    try {
      const a = parseOpenTraceArgs(arg, spanArg);
      if (a.invalid !== undefined) {
        void vscode.window.showErrorMessage(`Trace Explorer: "${a.invalid}" is not a trace id (expected 32 hexadecimal characters).`);
        return;
      }
      const traceId = a.traceId ?? (await pickTrace(services));
      if (!traceId) return;
      panels.open(traceId, a.spanId);
    } catch (e) {
      log.error(`open trace failed: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`Trace Explorer could not open the trace: ${errorText(e)}`);
    }
  };
  const serializer: vscode.WebviewPanelSerializer<unknown> = {
    deserializeWebviewPanel: async (panel, state) => {
      const traceId = normalizeTraceId((state as Partial<WaterfallState> | undefined)?.traceId);
      if (!traceId) {
        // nothing to show (state lost): close rather than leave an empty panel behind
        log.info('a restored waterfall panel had no trace id in its state; closed it');
        panel.dispose();
        return;
      }
      panels.restore(panel, traceId);
    },
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(Commands.openTrace, openTrace),
    vscode.commands.registerCommand(Commands.keepTracePanel, () => {
      if (!panels.keepActive()) void vscode.window.showInformationMessage('Trace Explorer: the active editor is not a trace preview panel (its tab title ends in "(preview)").');
    }),
    ...registerSpanMenu(services, log, panels),
    vscode.window.registerWebviewPanelSerializer(WATERFALL_VIEW_TYPE, serializer),
    panels,
    { dispose: () => active === panels && (active = undefined) },
  );
}

/** the span context menu's own commands (webview/context in package.json; Go to Source and the fixture are other features') */
function registerSpanMenu(services: HostServices, log: ComponentLog, panels: WaterfallPanels): vscode.Disposable[] {
  const spanOf = (ctx: unknown, span?: unknown): { traceId: string; spanId: string } | undefined => {
    const a = parseOpenTraceArgs(ctx, span);
    if (a.traceId && a.spanId) return { traceId: a.traceId, spanId: a.spanId };
    void vscode.window.showErrorMessage('Trace Explorer: this command needs a span of the waterfall (open it from a span\'s context menu).');
    return undefined;
  };
  const copied = (what: string) => vscode.window.setStatusBarMessage(`Trace Explorer: copied ${what}`, 2500);
  return [
    vscode.commands.registerCommand(Commands.copySpanId, async (ctx?: unknown, span?: unknown) => {
      const s = spanOf(ctx, span);
      if (!s) return;
      await vscode.env.clipboard.writeText(s.spanId);
      copied('span id');
    }),
    vscode.commands.registerCommand(Commands.copySpanJson, async (ctx?: unknown, span?: unknown) => {
      const s = spanOf(ctx, span);
      if (!s) return;
      try {
        const api = await services.receiver.ready();
        const d = await api.spanDetail(s.traceId, s.spanId);
        if (!d) {
          void vscode.window.showErrorMessage(`Trace Explorer: span ${s.spanId} is no longer held by the receiver (evicted, removed or cleared).`);
          return;
        }
        // the same JSON as the details pane's Copy span as JSON
        await vscode.env.clipboard.writeText(JSON.stringify(d.span, null, 2));
        copied('span as JSON');
      } catch (e) {
        log.warn(`copy span ${s.spanId} as JSON failed: ${errorText(e)}`);
        void vscode.window.showErrorMessage(`Trace Explorer could not copy the span: ${errorText(e)}`);
      }
    }),
    vscode.commands.registerCommand(Commands.focusSubtree, (ctx?: unknown, span?: unknown) => {
      const s = spanOf(ctx, span);
      if (!s) return;
      const p = panels.showing(s.traceId);
      if (p) p.focusSubtree(s.spanId);
      else panels.open(s.traceId, s.spanId, true); // focusing is an edit: no preview
    }),
  ];
}

/**
 * Renders a trace into a webview panel that another feature owns (e.g. the trace-file custom editor),
 * with everything the waterfall panel does (live updates, details, commands). Call after
 * activateWaterfall; the returned disposable stops it (disposing the panel does too).
 */
export function showTraceInPanel(panel: vscode.WebviewPanel, traceId: string, spanId?: string): vscode.Disposable {
  if (!active) throw new Error('the waterfall feature is not active');
  const id = normalizeTraceId(traceId);
  if (!id) throw new Error(`"${traceId.slice(0, 80)}" is not a trace id`);
  return active.adopt(panel, id, spanId);
}
