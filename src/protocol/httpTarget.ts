// A span named only by its HTTP method ("GET": the HTTP instrumentation's name when no framework told it the
// route) says little on its own. Its route, else its path, tells such spans apart: the trace list, the panel
// title and the waterfall rows show "GET /checkout". The span's own name is left as received everywhere else.
// Browser-safe (the webview reads the attributes from the packed trace).
import { oneLine } from '../source/untrustedText';

const METHOD_ONLY = /^(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE|CONNECT|QUERY|_OTHER)$/;
const MAX_CHARS = 200;

/** the attributes the target is read from, in the order they are tried */
export const TARGET_KEYS = ['http.route', 'url.path', 'http.target', 'url.full', 'http.url'] as const;

/** whether a span name is an HTTP method alone ("GET") */
export function isBareMethod(name: string): boolean {
  return METHOD_ONLY.test(name);
}

/**
 * The route or path of a span named by its HTTP method alone; undefined for any other name. `get` reads a
 * string attribute of the span (undefined when absent or not a string).
 */
export function httpTarget(name: string, get: (key: string) => string | undefined): string | undefined {
  if (!isBareMethod(name)) return undefined;
  const route = get('http.route');
  if (route) return clip(route);
  const path = get('url.path') || withoutQuery(get('http.target'));
  if (path) return clip(path);
  const url = get('url.full') || get('http.url');
  return url ? clip(pathOf(url)) : undefined;
}

function withoutQuery(target: string | undefined): string | undefined {
  if (!target) return undefined;
  const i = target.search(/[?#]/);
  return i < 0 ? target : target.slice(0, i);
}

/** the path of an absolute URL (the query, which may hold secrets, is left out) */
function pathOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url);
  return m ? m[1] || '/' : '';
}

function clip(s: string): string | undefined {
  return oneLine(s, MAX_CHARS) || undefined;
}
