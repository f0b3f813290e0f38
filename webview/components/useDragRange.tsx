// Drag across an element to pick a range (as fractions of its width): used by the time axis and minimap.
import { useCallback, useState } from 'react';

export interface DragRange {
  a: number;
  b: number;
}

export function useDragRange(onRange: (a: number, b: number) => void) {
  const [drag, setDrag] = useState<DragRange | null>(null);
  const onMouseDown = useCallback(
    (e: React.MouseEvent<HTMLElement>) => {
      if (e.button !== 0) return;
      e.preventDefault();
      const el = e.currentTarget;
      const rect = el.getBoundingClientRect();
      const at = (x: number) => Math.max(0, Math.min(1, (x - rect.left) / Math.max(1, rect.width)));
      const a = at(e.clientX);
      setDrag({ a, b: a });
      const move = (m: MouseEvent) => setDrag({ a, b: at(m.clientX) });
      const up = (m: MouseEvent) => {
        window.removeEventListener('mousemove', move);
        window.removeEventListener('mouseup', up);
        setDrag(null);
        onRange(a, at(m.clientX));
      };
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
    },
    [onRange],
  );
  return { drag, onMouseDown };
}

export function DragOverlay({ drag }: { drag: DragRange | null }) {
  if (!drag) return null;
  const l = Math.min(drag.a, drag.b);
  return <div className="drag-range" style={{ left: `${l * 100}%`, width: `${Math.abs(drag.b - drag.a) * 100}%` }} />;
}
