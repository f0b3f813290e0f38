// A root span named only by its HTTP method ("GET": the HTTP instrumentation's name when no framework told
// it the route) says little in a list of traces. Its route, else its path, tells them apart: the trace list
// shows "GET /checkout". The span's own name is left as received everywhere else.
import type { Attrs } from '../model/span';
import { getStringAttr } from '../model/attrs';
import { oneLine } from '../source/untrustedText';

const METHOD_ONLY = /^(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE|CONNECT|QUERY|_OTHER)$/;
const MAX_CHARS = 200;

/** whether a span name is an HTTP method alone ("GET") */
export function isBareMethod(name: string): boolean {
  return METHOD_ONLY.test(name);
}

/** the route or path of a span named by its HTTP method alone; undefined for any other name */
export function rootTarget(name: string, attrs: Attrs): string | undefined {
  if (!isBareMethod(name)) return undefined;
  const route = getStringAttr(attrs, 'http.route');
  if (route) return clip(route);
  const path = getStringAttr(attrs, 'url.path') ?? withoutQuery(getStringAttr(attrs, 'http.target'));
  if (path) return clip(path);
  const url = getStringAttr(attrs, 'url.full') ?? getStringAttr(attrs, 'http.url');
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
