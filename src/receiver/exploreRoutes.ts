// The query API's /api/explore routes (the search page and the service map):
//   GET  /api/explore/summaries[?first=N&sample=M]   every trace summary as columns (src/protocol/exploreColumns.ts);
//                                                    with first: a first screen (the N newest, M others for the plot)
//   GET  /api/explore/servicemap[?fromMs=&toMs=]     ServiceMapData over the window, from the ingest-time index
//   GET  /api/explore/operations?node=ID[&fromMs=&toMs=]  NodeOperations of one node
//   GET  /api/explore/vocabulary                     ExploreVocabulary (filter completion)
//   GET  /api/explore/edge?from=ID&to=ID[&fromMs=&toMs=&limit=N]  EdgeTraces: traces that made that call
//   POST /api/explore/match {"attributes":[{key,value}]}  trace ids with every attribute term on some span,
//                                                       event, resource or scope (newest first)
//   GET  /api/explore/trace/{id}/servicemap          ServiceMapData of one trace
import type { TraceStore } from '../store/traceStore';
import type { ServiceMapIndex } from '../explore/serviceMapIndex';
import type { EdgeTraces } from '../protocol/explore';
import type { Attrs } from '../model/span';
import type { Span } from '../model/span';
import { attrToText } from '../model/attrs';
import { columnsOf } from '../explore/summaryRows';
import { traceHasEdge, traceServiceMap } from '../explore/traceServiceMap';

export type ExploreAnswer = { status: number; json: unknown } | { status: 200; bytes: Uint8Array };

const ID_RE = /^[0-9a-fA-F]{1,64}$/;
const EDGE_LIMIT = 10_000;
const MATCH_LIMIT = 100_000;

const fail = (status: number, error: string): ExploreAnswer => ({ status, json: { error } });

function windowOf(url: URL): { fromMs: number | null; toMs: number | null } | string {
  const out: { fromMs: number | null; toMs: number | null } = { fromMs: null, toMs: null };
  for (const k of ['fromMs', 'toMs'] as const) {
    const v = url.searchParams.get(k);
    if (v === null || v === '') continue;
    const n = Number(v);
    if (!Number.isFinite(n)) return `${k} must be a number of Unix ms, got ${JSON.stringify(v.slice(0, 40))}`;
    out[k] = n;
  }
  return out;
}

export function exploreRoute(
  store: TraceStore,
  index: ServiceMapIndex | undefined,
  method: string,
  rest: string[],
  url: URL,
  body: () => Promise<Buffer>,
): Promise<ExploreAnswer> | ExploreAnswer {
  const [what, id, sub] = rest;
  const get = method === 'GET';
  if (what === 'summaries' && rest.length === 1 && get) return summariesRoute(store, url);
  if (what === 'trace' && rest.length === 3 && sub === 'servicemap' && get) {
    if (!ID_RE.test(id)) return fail(400, `bad trace id ${JSON.stringify(id.slice(0, 80))}`);
    const spans = store.spans(id.toLowerCase());
    if (!spans) return fail(404, `trace ${id} is not held (never received, evicted or removed)`);
    return { status: 200, json: traceServiceMap(id.toLowerCase(), spans) };
  }
  if (what === 'match' && rest.length === 1 && method === 'POST') return matchRoute(store, body);
  if (rest.length !== 1 || !get) return fail(404, `no such route ${method} ${url.pathname}`);
  if (!index) return fail(404, 'this receiver keeps no service map');
  const w = windowOf(url);
  if (typeof w === 'string') return fail(400, w);
  if (what === 'servicemap') return { status: 200, json: index.query(w.fromMs, w.toMs) };
  if (what === 'vocabulary') return { status: 200, json: index.vocabulary() };
  if (what === 'operations') {
    const node = url.searchParams.get('node');
    if (!node) return fail(400, 'node=ID is required (an id from the service map, e.g. s:orders)');
    return { status: 200, json: index.operations(node, w.fromMs, w.toMs) };
  }
  if (what === 'edge') {
    const from = url.searchParams.get('from');
    const to = url.searchParams.get('to');
    if (!from || !to || !from.startsWith('s:')) return fail(400, 'from=s:SERVICE and to=ID are required');
    const limitText = url.searchParams.get('limit');
    const limit = limitText === null ? EDGE_LIMIT : Number(limitText);
    if (!(limit >= 0)) return fail(400, `limit must be a non-negative number, got ${JSON.stringify(limitText)}`);
    return { status: 200, json: edgeTraces(store, from, to, w.fromMs, w.toMs, limit) };
  }
  return fail(404, `no such route ${method} ${url.pathname}`);
}

const FIRST_MAX = 10_000;
const SAMPLE_MAX = 100_000;

function summariesRoute(store: TraceStore, url: URL): ExploreAnswer {
  const columns = columnsOf(store);
  const firstText = url.searchParams.get('first');
  if (firstText === null) return { status: 200, bytes: columns.encode() };
  const first = Number(firstText);
  const sample = Number(url.searchParams.get('sample') ?? '0');
  if (!Number.isInteger(first) || first < 0 || first > FIRST_MAX || !Number.isInteger(sample) || sample < 0 || sample > SAMPLE_MAX) {
    return fail(400, `first must be a whole number up to ${FIRST_MAX} and sample one up to ${SAMPLE_MAX}, got ${JSON.stringify(firstText.slice(0, 20))}, ${JSON.stringify(url.searchParams.get('sample')?.slice(0, 20) ?? null)}`);
  }
  return { status: 200, bytes: columns.encodeFirstScreen(first, sample) };
}

/** candidates from the service index (traces touching both services), checked span by span */
export function edgeTraces(store: TraceStore, from: string, to: string, fromMs: number | null, toMs: number | null, limit: number): EdgeTraces {
  const fromIds = new Set(store.traceIdsForService(from.slice(2)));
  const toIds = to.startsWith('s:') ? new Set(store.traceIdsForService(to.slice(2))) : null;
  const out: string[] = [];
  let truncated = false;
  for (const s of store.summaries()) {
    if (!fromIds.has(s.traceId) || (toIds && !toIds.has(s.traceId))) continue;
    // a trace lasting past the window's edges still counts when it overlaps it
    if (toMs !== null && s.startMs > toMs) continue;
    if (fromMs !== null && s.startMs + s.durationMs < fromMs) continue;
    const spans = store.spans(s.traceId);
    if (!spans || !traceHasEdge(spans, from, to)) continue;
    if (out.length >= limit) {
      truncated = true;
      break;
    }
    out.push(s.traceId);
  }
  return { traceIds: out, truncated };
}

async function matchRoute(store: TraceStore, body: () => Promise<Buffer>): Promise<ExploreAnswer> {
  let terms: { key: string; value: string }[];
  try {
    const parsed = JSON.parse((await body()).toString('utf8')) as { attributes?: unknown };
    if (!Array.isArray(parsed.attributes) || !parsed.attributes.every((a) => typeof a?.key === 'string' && typeof a?.value === 'string')) throw new Error('shape');
    terms = parsed.attributes as { key: string; value: string }[];
  } catch {
    return fail(400, 'body must be JSON {"attributes":[{"key":"http.route","value":"/cart"}]}');
  }
  return { status: 200, json: matchAttributes(store, terms) };
}

/** trace ids (newest first) where every term matches somewhere: `key=` or `key=*` asks for the key only */
export function matchAttributes(store: TraceStore, terms: { key: string; value: string }[]): string[] {
  const needles = terms.map((t) => ({ key: t.key, needle: t.value === '' || t.value === '*' ? null : t.value.toLowerCase() }));
  const out: string[] = [];
  for (const s of store.summaries()) {
    const spans = store.spans(s.traceId);
    if (spans && needles.every((t) => traceHas(spans, t.key, t.needle))) {
      out.push(s.traceId);
      if (out.length >= MATCH_LIMIT) break;
    }
  }
  return out;
}

function traceHas(spans: readonly Span[], key: string, needle: string | null): boolean {
  let lastRes: unknown;
  let lastScope: unknown;
  for (const s of spans) {
    if (attrsHave(s.attrs, key, needle)) return true;
    if (s.events) for (const e of s.events) if (attrsHave(e.attrs, key, needle)) return true;
    if (s.resource !== lastRes) {
      lastRes = s.resource;
      if (attrsHave(s.resource.attrs, key, needle)) return true;
    }
    if (s.scope !== lastScope) {
      lastScope = s.scope;
      if (attrsHave(s.scope.attrs, key, needle)) return true;
    }
  }
  return false;
}

function attrsHave(a: Attrs, key: string, needle: string | null): boolean {
  for (let i = 0; i < a.length; i += 2) {
    if (a[i] !== key) continue;
    if (needle === null) return true;
    const v = a[i + 1];
    const text = typeof v === 'string' ? v : attrToText(v as never);
    if (text.toLowerCase().includes(needle)) return true;
  }
  return false;
}
