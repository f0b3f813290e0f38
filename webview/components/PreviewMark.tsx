// The preview panel's mark in the toolbar: the editor shows a preview tab's title in italics, which a
// webview tab cannot do, so the panel says it itself and offers what a double-click in the list does.
export function PreviewMark({ onKeep }: { onKeep(): void }) {
  return (
    <div className="group preview-mark" data-testid="preview-mark">
      <span className="preview-label" title="The next trace you open replaces this one here. Find, details, pinning or Keep Open keep this panel.">
        Preview
      </span>
      <button className="btn secondary" onClick={onKeep} data-testid="keep-open" title="Keep this panel open for this trace (Trace Explorer: Keep Trace Panel Open)">
        Keep Open
      </button>
    </div>
  );
}
