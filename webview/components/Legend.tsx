// Trace summary and the service colour legend (click a service to find its spans).
import { memo, useState } from 'react';
import { formatCount, formatDuration, plural } from '../model/timeScale';
import { SERVICE_COLORS } from '../model/serviceColors';
import type { TraceView } from '../traceView';

/** services shown before "+N more": with 40 services the legend took six rows */
export const LEGEND_SERVICES = 12;

export const Legend = memo(function Legend({ view, onFind, onFlagged }: { view: TraceView; onFind(q: string): void; onFlagged(): void }) {
  const t = view.t;
  const [all, setAll] = useState(false);
  const capped = !all && t.services.length > LEGEND_SERVICES;
  const shown = capped ? t.services.slice(0, LEGEND_SERVICES) : t.services;
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
      <span className={`services${all ? ' all' : ''}`} aria-label="Services" data-testid="services">
        {shown.map((s) => (
          <button key={s} className="svc-chip" onClick={() => onFind(t.str(s))} title="Find this service's spans">
            <span className="swatch" style={{ background: SERVICE_COLORS[Math.max(0, view.slots[s])] }} aria-hidden="true" />
            {t.str(s)}
            <span className="muted count">{formatCount(view.spanCountByService.get(s) ?? 0)}</span>
          </button>
        ))}
        {capped && (
          <button className="link more-services" onClick={() => setAll(true)} title="Show every service of this trace" data-testid="more-services">
            {`+${formatCount(t.services.length - LEGEND_SERVICES)} more`}
          </button>
        )}
        {all && t.services.length > LEGEND_SERVICES && (
          <button className="link more-services" onClick={() => setAll(false)} data-testid="fewer-services">
            Show fewer
          </button>
        )}
      </span>
    </div>
  );
});
