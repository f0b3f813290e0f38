// Trace summary and the service colour legend (click a service to find its spans).
import { memo } from 'react';
import { formatCount, formatDuration, plural } from '../model/timeScale';
import { SERVICE_COLORS } from '../model/serviceColors';
import type { TraceView } from '../traceView';

export const Legend = memo(function Legend({ view, onFind, onFlagged }: { view: TraceView; onFind(q: string): void; onFlagged(): void }) {
  const t = view.t;
  return (
    <div className="legend" data-testid="legend">
      <span className="summary">
        <span className="mono" title="Trace id">{t.traceId}</span>
        <span>{plural(t.totalSpanCount, 'span')}</span>
        <span>{formatDuration(t.durationNs)}</span>
        {/* a head's error and flag counts would be those of its first rows only */}
        {t.partial && (
          <span className="muted" role="status" data-testid="partial">
            {`showing the first ${formatCount(t.spanCount)}, loading the rest…`}
          </span>
        )}
        {!t.partial && view.errors.length > 0 && <span className="status-error">{plural(view.errors.length, 'error')}</span>}
        {!t.partial && view.flagged.length > 0 && (
          <button className="link warn-text" onClick={onFlagged} title="Spans with a missing parent, a parent cycle, a duplicate id or clock skew">
            {`${formatCount(view.flagged.length)} flagged`}
          </button>
        )}
      </span>
      <span className="services" aria-label="Services">
        {t.services.map((s) => (
          <button key={s} className="svc-chip" onClick={() => onFind(t.str(s))} title="Find this service's spans">
            <span className="swatch" style={{ background: SERVICE_COLORS[Math.max(0, view.slots[s])] }} aria-hidden="true" />
            {t.str(s)}
            <span className="muted count">{formatCount(view.spanCountByService.get(s) ?? 0)}</span>
          </button>
        ))}
      </span>
    </div>
  );
});
