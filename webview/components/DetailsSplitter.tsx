// The edge between the waterfall and the details pane: drag it (or focus it and use the arrow keys) to give
// either side more room; double-click returns to the default width. The width is remembered by the App.
import { useCallback } from 'react';

/** the details pane never gets narrower than this, and leaves the waterfall at least WATERFALL_MIN_PX */
export const DETAILS_MIN_PX = 240;
export const WATERFALL_MIN_PX = 320;
const KEY_STEP_PX = 24;

/** a remembered width, if it is one (state can be from an older version) */
export function validWidth(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= DETAILS_MIN_PX && v <= 10_000 ? v : null;
}

export function clampNameWidth(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(0.15, Math.min(0.75, v)) : 0.4;
}

/** the details width for a pointer at `x` in a main area from `left` to `right` */
export function detailsWidthAt(x: number, left: number, right: number): number {
  const max = Math.max(DETAILS_MIN_PX, right - left - WATERFALL_MIN_PX);
  return Math.round(Math.max(DETAILS_MIN_PX, Math.min(max, right - x)));
}

export function DetailsSplitter({ width, onWidth }: { width: number | null; onWidth(px: number | null): void }) {
  const onMouseDown = useCallback(
    (e: React.MouseEvent<HTMLDivElement>) => {
      if (e.button !== 0) return;
      e.preventDefault();
      const main = e.currentTarget.parentElement!;
      const move = (m: MouseEvent) => {
        const r = main.getBoundingClientRect();
        onWidth(detailsWidthAt(m.clientX, r.left, r.right));
      };
      const up = () => {
        window.removeEventListener('mousemove', move);
        window.removeEventListener('mouseup', up);
        document.body.classList.remove('resizing');
      };
      document.body.classList.add('resizing');
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
    },
    [onWidth],
  );
  const onKeyDown = useCallback(
    (e: React.KeyboardEvent<HTMLDivElement>) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      e.preventDefault();
      e.stopPropagation();
      const main = e.currentTarget.parentElement!.getBoundingClientRect();
      const pane = e.currentTarget.nextElementSibling?.getBoundingClientRect();
      const now = width ?? pane?.width ?? DETAILS_MIN_PX;
      const x = main.right - now + (e.key === 'ArrowLeft' ? -KEY_STEP_PX : KEY_STEP_PX);
      onWidth(detailsWidthAt(x, main.left, main.right));
    },
    [width, onWidth],
  );
  return (
    <div
      className="details-splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the details pane"
      aria-valuenow={width ?? undefined}
      tabIndex={0}
      title="Drag to resize the details; double-click for the default width"
      onMouseDown={onMouseDown}
      onKeyDown={onKeyDown}
      onDoubleClick={() => onWidth(null)}
      data-testid="details-splitter"
    />
  );
}
