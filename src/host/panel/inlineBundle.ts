// A built bundle's text, ready to be written inside the page's <script> or <style> element. A webview that
// loads its bundle by URL waits for two more round trips before its first paint (in a remote window each one
// crosses the connection to the browser, where the workbench's main thread serves it); written into the page,
// the bundle arrives with the HTML. Node only (no `vscode`): tested in plain Node.
import { readFileSync, statSync } from 'node:fs';

const cache = new Map<string, { mtimeMs: number; size: number; text: string }>();

/**
 * The file's text, safe inside an element of `tag`: the HTML parser ends a <script> at `</script` and treats
 * `<!--` in it specially, whatever JavaScript string or comment they stand in; `\x3C` (in CSS `\3c `) spells
 * the same `<` where they can legitimately appear (strings, regular expressions, comments). Read again when
 * the file changed (a rebuild while the extension runs).
 */
export function inlineBundleText(file: string, tag: 'script' | 'style'): string {
  const st = statSync(file);
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.text;
  const text = inlineSafe(readFileSync(file, 'utf8'), tag);
  cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, text });
  return text;
}

export function inlineSafe(text: string, tag: 'script' | 'style'): string {
  return tag === 'script'
    ? text.replace(/<(?=\/script|!--)/gi, '\\x3C')
    : text.replace(/<(?=\/style)/gi, '\\3c ');
}
