// The waterfall tabs' titles: "Trace: <root label>", and where two open traces would read the same (two
// requests to one route), each of them adds its short trace id. Pure (no editor API): tested in plain Node.

export interface TitleEntry {
  traceId: string;
  /** the root span's label; undefined until the trace has loaded */
  label: string | undefined;
}

/** characters of the label kept in a title */
export const TITLE_LABEL_MAX = 48;
const SHORT_ID = 8;

/** a title per entry, in order; entries without a label get the short trace id alone */
export function panelTitles(entries: readonly TitleEntry[]): string[] {
  const cut = (l: string) => (l.length > TITLE_LABEL_MAX ? `${l.slice(0, TITLE_LABEL_MAX - 1)}…` : l);
  const uses = new Map<string, Set<string>>();
  for (const e of entries) {
    if (e.label === undefined) continue;
    const k = cut(e.label);
    let s = uses.get(k);
    if (!s) uses.set(k, (s = new Set()));
    s.add(e.traceId);
  }
  return entries.map((e) => {
    if (e.label === undefined) return `Trace ${e.traceId.slice(0, SHORT_ID)}…`;
    const k = cut(e.label);
    return (uses.get(k)?.size ?? 0) > 1 ? `Trace: ${k} · ${e.traceId.slice(0, SHORT_ID)}` : `Trace: ${k}`;
  });
}
