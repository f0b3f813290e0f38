// Span data shown in the editor (code lens titles, hovers, problems) is untrusted text: a span name or an
// exception message can contain `$(codicon)` syntax, markdown links, `command:` URIs or HTML. These
// helpers make it render as the plain characters it is.

/** Remove control characters (terminal escapes, bidi overrides, NUL) and cap the length. */
export function plainText(s: unknown, max = 500): string {
  let t = typeof s === 'string' ? s : s === undefined || s === null ? '' : String(s);
  // C0/C1 controls except tab/newline, and the Unicode bidi controls that can make text read differently
  t = t.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  if (t.length > max) t = t.slice(0, max - 1) + '…';
  return t;
}

/** One line of plain text (newlines and tabs become spaces). */
export function oneLine(s: unknown, max = 200): string {
  return plainText(s, max * 4).replace(/\s+/g, ' ').trim().slice(0, max);
}

/**
 * Text for a code lens title: VS Code renders `$(name)` there as an icon, so every `$(` gets a zero-width
 * space between its characters and shows as typed. (Code lens titles support no other markup.)
 */
export function lensText(s: unknown, max = 120): string {
  return oneLine(s, max).replace(/\$\(/g, '$\u200b(');
}

/**
 * Escape for a MarkdownString: every ASCII punctuation character is backslash-escaped (CommonMark allows
 * that for all of them), so no emphasis, link, autolink, code span, HTML tag, heading or table can form;
 * `$(` cannot form a theme icon either (and hovers set supportThemeIcons false anyway).
 */
export function markdownEscape(s: unknown, max = 2000): string {
  return plainText(s, max).replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '\\$&');
}

/** A multi-line untrusted block for markdown: escaped lines joined with hard line breaks. */
export function markdownLines(s: unknown, maxLines = 12, maxChars = 4000): string {
  const lines = plainText(s, maxChars).split(/\r?\n/).slice(0, maxLines);
  return lines.map((l) => markdownEscape(l.replace(/\t/g, '    ')).replace(/^ +/, (sp) => '\u00a0'.repeat(sp.length))).join('  \n');
}

/**
 * Text for a notification or quick pick: one line, no control characters, `$(` broken like lensText
 * (quick picks render icons), and `[label](link)` broken so notifications cannot show a data-driven link.
 */
export function noticeText(s: unknown, max = 300): string {
  return lensText(s, max).replace(/\]\(/g, ']\u200b(');
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/**
 * A markdown link that runs `command` with [traceId, spanId], for hovers whose MarkdownString trusts only
 * that command. The link is built here from ids checked to be lowercase hex (what the store holds), never
 * from span text, so nothing a span carries can become a link target; `label` is escaped. Anything else
 * answers the label alone, as plain text.
 */
export function commandLink(label: string, command: string, traceId: string, spanId: string, tooltip = ''): string {
  const text = markdownEscape(label, 200);
  if (!TRACE_ID.test(traceId) || !(spanId === '' || SPAN_ID.test(spanId)) || !/^[A-Za-z][\w.]*$/.test(command)) return text;
  const args = encodeURIComponent(JSON.stringify(spanId ? [traceId, spanId] : [traceId]));
  const title = tooltip ? ` "${tooltip.replace(/["\\\n\r]/g, '')}"` : '';
  return `[${text}](command:${command}?${args}${title})`;
}
