// Stores for the explore views' tests and benchmark: many small traces of a shop (frontend → orders →
// inventory → sqlite, orders → payments → an external card gateway, a queue), spread over the last hour,
// added to a real TraceStore with the ingest-time service map as its observer.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { TraceStore } = require('../../out/src/store/traceStore.js');
const { ServiceMapIndex } = require('../../out/src/explore/serviceMapIndex.js');
const { EpochNs } = require('../../out/src/model/time.js');

const SCOPE = { name: '@opentelemetry/instrumentation-http', version: '0.301.0', attrs: [], droppedAttributesCount: 0, schemaUrl: '' };
const res = new Map();
function resource(service) {
  if (!res.has(service)) res.set(service, { attrs: ['service.name', service, 'telemetry.sdk.language', 'nodejs'], serviceName: service, droppedAttributesCount: 0, schemaUrl: '' });
  return res.get(service);
}
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hex = (n, w) => n.toString(16).padStart(w, '0');
const ROUTES = ['/checkout', '/cart', '/product', '/search', '/account'];

function span(traceId, id, parent, name, service, kind, start, end, attrs, error) {
  return {
    traceId, spanId: hex(id, 16), parentSpanId: parent ? hex(parent, 16) : '', traceState: '', flags: 1, name, kind, start, end, attrs,
    droppedAttributesCount: 0, events: null, droppedEventsCount: 0, links: null, droppedLinksCount: 0,
    statusCode: error ? 2 : 0, statusMessage: error ? 'failed' : '', resource: resource(service), scope: SCOPE,
  };
}

/**
 * One trace of `spansPerTrace` spans (10: the full shop; fewer: cut from the end). Durations log-normal around
 * 40 ms with a slow tail; `errorRate` of the traces fail at inventory.
 */
export function shopTrace(i, startNs, r, { errorRate = 0.03 } = {}) {
  const traceId = hex(i + 1, 32);
  const base = (i + 1) * 16;
  const slow = r() < 0.02 ? 20 : 1;
  const total = Math.exp(Math.log(40e6) + 0.6 * (r() * 2 - 1) + (r() - 0.5)) * slow;
  const err = r() < errorRate;
  const route = ROUTES[i % ROUTES.length];
  const t = (f) => startNs + Math.round(total * f);
  return [
    span(traceId, base + 1, 0, 'GET', 'frontend', 2, t(0), t(1), ['http.request.method', 'GET', 'http.route', route, 'http.response.status_code', err ? 502n : 200n], err),
    span(traceId, base + 2, base + 1, 'GET', 'frontend', 3, t(0.02), t(0.95), ['http.request.method', 'GET', 'server.address', 'orders', 'url.full', 'http://orders:8081/orders'], err),
    span(traceId, base + 3, base + 2, 'GET', 'orders', 2, t(0.03), t(0.94), ['http.request.method', 'GET', 'http.route', '/orders'], err),
    span(traceId, base + 4, base + 3, 'orders.price', 'orders', 1, t(0.04), t(0.1), ['app.item', 'apple'], false),
    span(traceId, base + 5, base + 3, 'GET', 'orders', 3, t(0.1), t(0.6), ['http.request.method', 'GET', 'server.address', 'inventory'], err),
    span(traceId, base + 6, base + 5, 'GET', 'inventory', 2, t(0.11), t(0.59), ['http.request.method', 'GET', 'http.route', '/stock'], err),
    span(traceId, base + 7, base + 6, 'SELECT inventory.stock', 'inventory', 3, t(0.12), t(0.5), ['db.system.name', 'sqlite', 'db.operation.name', 'SELECT'], false),
    span(traceId, base + 8, base + 3, 'POST', 'orders', 3, t(0.6), t(0.9), ['http.request.method', 'POST', 'server.address', 'payments'], false),
    span(traceId, base + 9, base + 8, 'POST', 'payments', 2, t(0.61), t(0.89), ['http.request.method', 'POST', 'http.route', '/charge'], false),
    span(traceId, base + 10, base + 9, 'POST', 'payments', 3, t(0.62), t(0.88), ['http.request.method', 'POST', 'server.address', 'cards.example'], false),
  ];
}

/**
 * A store holding `traces` shop traces of `spansPerTrace` spans (start times over the last `spanMs`,
 * newest last), with the service map observer. Children are added before their parents, as exporters send.
 */
export function shopStore({ traces = 1000, spansPerTrace = 10, spanMs = 3_600_000, errorRate = 0.03, seed = 7, maxSpans } = {}) {
  const epoch = EpochNs.now();
  const map = new ServiceMapIndex();
  const store = new TraceStore({ epoch, observer: map, maxSpans: maxSpans ?? traces * spansPerTrace + 10, maxBytes: 8 * 1024 ** 3, eventIntervalMs: 60_000 });
  const r = rng(seed);
  const batch = [];
  const nowNs = (Date.now() - epoch.toUnixMs(0)) * 1e6;
  for (let i = 0; i < traces; i++) {
    const startNs = nowNs - spanMs * 1e6 + Math.round((i / traces) * spanMs * 1e6);
    const spans = shopTrace(i, startNs, r, { errorRate }).slice(0, spansPerTrace);
    for (let k = spans.length - 1; k >= 0; k--) batch.push(spans[k]);
    if (batch.length >= 20_000) store.addSpans(batch.splice(0));
  }
  if (batch.length) store.addSpans(batch.splice(0));
  return { store, map, epoch };
}

/**
 * A store of `traces` traces through `services` services calling each other as a binary tree (svc-0 calls
 * svc-1 and svc-2, …), each call a client span and the callee's server span: the service map at 50 services.
 */
export function treeStore({ services = 50, traces = 20 } = {}) {
  const epoch = EpochNs.now();
  const map = new ServiceMapIndex();
  const store = new TraceStore({ epoch, observer: map, maxSpans: 1_000_000, eventIntervalMs: 60_000 });
  const nowNs = (Date.now() - epoch.toUnixMs(0)) * 1e6;
  for (let t = 0; t < traces; t++) {
    const traceId = hex(0x7000 + t, 32);
    const spans = [];
    let id = 1;
    const serverOf = new Map();
    const start = nowNs - (traces - t) * 1e9;
    serverOf.set(0, id);
    spans.push(span(traceId, id++, 0, 'GET /', 'svc-0', 2, start, start + 50e6, ['http.route', '/'], false));
    for (let s = 1; s < services; s++) {
      const parent = (s - 1) >> 1;
      const client = id++;
      spans.push(span(traceId, client, serverOf.get(parent), `call svc-${s}`, `svc-${parent}`, 3, start + s * 1e5, start + s * 1e5 + 1e6, ['server.address', `svc-${s}`], false));
      serverOf.set(s, id);
      spans.push(span(traceId, id++, client, `handle ${s}`, `svc-${s}`, 2, start + s * 1e5 + 1e4, start + s * 1e5 + 9e5, [], false));
    }
    store.addSpans(spans);
  }
  return { store, map };
}
