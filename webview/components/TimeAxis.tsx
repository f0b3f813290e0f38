// The header above the rows: the name column's title (with its resize handle) and the time axis with
// ticks; drag on the axis to zoom into a range, double-click to reset.
import { useCallback, useMemo } from 'react';
import { ticks } from '../model/timeScale';
import { nameColumn } from './layout';
import type { TimeWindow } from '../model/timeScale';
import { zoomTo } from '../model/timeScale';
import { DragOverlay, useDragRange } from './useDragRange';

interface Props {
  window: TimeWindow;
  nameWidth: number;
  onZoom(w: TimeWindow | null): void;
  onNameWidth(f: number): void;
}

export function TimeAxis({ window: w, nameWidth, onZoom, onNameWidth }: Props) {
  const tk = useMemo(() => ticks(w, 8), [w]);
  const { drag, onMouseDown } = useDragRange(
    useCallback(
      (a: number, b: number) => {
        const z = zoomTo(w, a, b);
        if (z) onZoom(z);
      },
      [w, onZoom],
    ),
  );
  const onSplitter = useCallback(
    (e: React.MouseEvent<HTMLDivElement>) => {
      e.preventDefault();
      const host = e.currentTarget.parentElement!;
      const rect = host.getBoundingClientRect();
      const move = (m: MouseEvent) => onNameWidth(Math.max(0.15, Math.min(0.75, (m.clientX - rect.left) / rect.width)));
      const up = () => {
        window.removeEventListener('mousemove', move);
        window.removeEventListener('mouseup', up);
      };
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
    },
    [onNameWidth],
  );
  return (
    <div className="axis-row">
      <div className="axis-name" style={{ width: nameColumn(nameWidth) }}>
        Span · Service
      </div>
      <div className="splitter" style={{ left: nameColumn(nameWidth) }} onMouseDown={onSplitter} title="Drag to resize" role="separator" aria-orientation="vertical" />
      <div
        className="axis"
        onMouseDown={onMouseDown}
        onDoubleClick={() => onZoom(null)}
        title="Drag to zoom into a time range; double-click to reset"
        data-testid="axis"
      >
        {tk.map((x) => (
          <span key={x.t} className="tick" style={{ left: `${x.x * 100}%` }}>
            {x.label}
          </span>
        ))}
        <DragOverlay drag={drag} />
      </div>
    </div>
  );
}

/** vertical tick lines behind the bars */
export function TickLines({ window: w, nameWidth }: { window: TimeWindow; nameWidth: number }) {
  const tk = useMemo(() => ticks(w, 8), [w]);
  return (
    <div className="tick-layer" aria-hidden="true">
      <div className="tick-inner" style={{ left: nameColumn(nameWidth) }}>
        {tk.map((x) => (
          <span key={x.t} className="tick-line" style={{ left: `${x.x * 100}%` }} />
        ))}
      </div>
    </div>
  );
}
