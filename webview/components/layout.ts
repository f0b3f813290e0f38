// The name column's width, shared by the rows, the time axis and the tick lines so they line up: a fraction
// of the waterfall's width (the splitter changes it), but never so narrow that span names become unreadable.
export const MIN_NAME_COLUMN_PX = 240;

export function nameColumn(fraction: number): string {
  return `max(${fraction * 100}%, ${MIN_NAME_COLUMN_PX}px)`;
}
