// The waterfall tabs' titles: "Trace: <root label>", and where two open traces would read the same (two
// requests to one route), each of them adds its short trace id. The preview panel (the one the next opened
// trace replaces) ends in " (preview)": a webview tab cannot be set in italics as the editor's preview tabs
// are, and words say it to screen readers too. Pure (no editor API): tested in plain Node.

export interface TitleEntry {
  traceId: string;
  /** the root span's label; undefined until the trace has loaded */
  label: string | undefined;
  /** the preview panel: its trace is replaced by the next one opened */
  preview?: boolean;
}

export const PREVIEW_SUFFIX = ' (preview)';

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
    const mark = e.preview ? PREVIEW_SUFFIX : '';
    if (e.label === undefined) return `Trace ${e.traceId.slice(0, SHORT_ID)}…${mark}`;
    const k = cut(e.label);
    return ((uses.get(k)?.size ?? 0) > 1 ? `Trace: ${k} · ${e.traceId.slice(0, SHORT_ID)}` : `Trace: ${k}`) + mark;
  });
}
