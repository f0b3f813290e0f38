// What a windowed trace (too big to send whole: WindowedWaterfall) shows for the views that lay out every
// span in the webview — the flame graph and the statistics — instead of a view that cannot be drawn.
import { formatCount } from '../model/timeScale';
import type { PanelTab } from './Toolbar';

const TITLE: Record<Exclude<PanelTab, 'waterfall'>, string> = { flame: 'The flame graph', stats: 'The statistics' };

export function WholeTraceOnly({ tab, spanCount, onClose }: { tab: Exclude<PanelTab, 'waterfall'>; spanCount: number; onClose(): void }) {
  return (
    <div className="banner whole-only" role="status" data-testid="whole-only">
      <span>
        {`${TITLE[tab]} needs every span in the panel, and this trace of ${formatCount(spanCount)} spans is too big to send whole, so the panel shows it windowed. Open a smaller trace, or use Find and the waterfall here.`}
      </span>
      <button className="icon-btn" onClick={onClose} title="Close" aria-label="Close">
        ✕
      </button>
    </div>
  );
}
