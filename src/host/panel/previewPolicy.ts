// Where an opened trace goes, the way the editor's preview tabs decide it. Pure: tested in plain Node.
// - a trace already shown in a panel: that panel is revealed; opened again within DOUBLE_OPEN_MS while it
//   is the preview (the second click of a double-click in the trace list), it is kept
// - else, with preview on, the preview panel (when there is one) shows the trace in place of its own; without
//   one, a new panel opens as the preview
// - with preview off, every trace gets a panel of its own (kept)

/** two opens of one trace this close together are a double-click */
export const DOUBLE_OPEN_MS = 500;

export interface OpenContext {
  /** the panel already showing the trace: whether it is the preview, when it was last opened (ms) */
  showing?: { preview: boolean; openedAt: number };
  /** a preview panel exists (showing another trace) */
  hasPreview: boolean;
  /** traceExplorer.waterfall.preview, or the caller asked for a kept panel */
  preview: boolean;
  now: number;
}

export type OpenAction = 'reveal' | 'revealAndKeep' | 'replacePreview' | 'newPreview' | 'newKept';

export function openAction(c: OpenContext): OpenAction {
  if (c.showing) {
    const double = c.showing.preview && c.now - c.showing.openedAt <= DOUBLE_OPEN_MS;
    return double || (c.showing.preview && !c.preview) ? 'revealAndKeep' : 'reveal';
  }
  if (!c.preview) return 'newKept';
  return c.hasPreview ? 'replacePreview' : 'newPreview';
}
