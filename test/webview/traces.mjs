// Traces for the webview tests and the benchmark, built as the store holds them (model Spans).
//  - generateTrace(n): n spans with realistic depth and fan-out (a gateway fanning out to services, each
//    with DB and cache calls, some N+1 loops), ~1% errors with exception stack traces, code.* attributes;
//  - sampleTrace(): a small hand-made trace with an error, an orphan, a cycle, clock skew, long values,
//    logs and a link — and hostile strings everywhere text can come from a span.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { EpochNs } = require('../../out/src/model/time.js');

export const epoch = new EpochNs(1_700_000_000);
export const HOSTILE = '<img src=x onerror=alert(1)>';

const scope = { name: '@opentelemetry/instrumentation-http', version: '0.301.0', attrs: [], droppedAttributesCount: 0, schemaUrl: '' };
const resources = new Map();
/** one resource per service, and per process when a pid is given: one clock each */
function resource(service, pid, host = 'dev-box') {
  const key = `${service}\u0000${pid}\u0000${host}`;
  if (!resources.has(key)) {
    resources.set(key, {
      attrs: ['service.name', service, 'service.version', '1.4.2', 'telemetry.sdk.language', 'nodejs', 'host.name', host, ...(pid === undefined ? [] : ['process.pid', BigInt(pid)])],
      serviceName: service, droppedAttributesCount: 0, schemaUrl: '',
    });
  }
  return resources.get(key);
}

/** deterministic PRNG (mulberry32) so runs are comparable */
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

// flat strings, like the receiver's decoders produce (Buffer hexSlice): a concatenated id is a rope that
// every later hash or charCodeAt has to flatten first, which would make the benchmark unfair to the encoder
const flat = (s) => Buffer.from(s, 'latin1').toString('latin1');
const hex = (n, len) => flat(n.toString(16).padStart(len, '0').slice(-len));

export function makeSpan(traceId, spanId, parentSpanId, name, service, start, end, o = {}) {
  return {
    traceId, spanId, parentSpanId, traceState: '', flags: 1, name, kind: o.kind ?? 1, start, end,
    attrs: o.attrs ?? [], droppedAttributesCount: 0, events: o.events ?? null, droppedEventsCount: 0,
    links: o.links ?? null, droppedLinksCount: 0, statusCode: o.status ?? 0, statusMessage: o.statusMessage ?? '',
    resource: resource(service, o.pid, o.host), scope,
  };
}

const SERVICES = ['gateway', 'checkout', 'cart', 'inventory', 'payments', 'users', 'search', 'notifications', 'pricing', 'shipping'];
const OPS = {
  server: ['GET /api/cart', 'POST /api/checkout', 'GET /api/items/:id', 'GET /api/search', 'PUT /api/users/:id'],
  client: ['GET', 'POST', 'grpc.Inventory/Reserve', 'grpc.Payments/Charge'],
  db: ['SELECT items', 'SELECT users', 'INSERT orders', 'UPDATE stock', 'pg.connect'],
  cache: ['redis GET', 'redis SET', 'redis MGET'],
  internal: ['render', 'validate', 'serialize', 'computeTotals', 'applyDiscounts'],
};

export function generateTrace(n, seed = 42) {
  const rand = rng(seed + n);
  const traceId = flat(hex(seed * 7919 + n, 8) + '0af7651916cd43dd8448eb21');
  const parent = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n);
  const kids = Array.from({ length: n }, () => []);
  let count = 1;
  const queue = [0];
  let qi = 0;
  while (count < n) {
    if (qi >= queue.length) queue.push(Math.floor(rand() * count));
    const p = queue[qi++];
    const d = depth[p];
    const r = rand();
    // gateway fans out widely; services call a handful of things; some spans are N+1 loops
    const fan = d === 0 ? 6 + Math.floor(r * 6) : d < 3 ? 1 + Math.floor(r * 6) : r < 0.08 ? 10 + Math.floor(rand() * 40) : Math.floor(r * 4);
    for (let k = 0; k < fan && count < n; k++) {
      const c = count++;
      parent[c] = p;
      depth[c] = d + 1;
      kids[p].push(c);
      queue.push(c);
    }
  }
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  start[0] = 5e9;
  end[0] = start[0] + 200e6 + n * 20e3; // longer traces for more spans
  for (let p = 0; p < n; p++) {
    const ks = kids[p];
    if (!ks.length) continue;
    const s = start[p];
    const dur = end[p] - s;
    const slot = dur / ks.length;
    for (let i = 0; i < ks.length; i++) {
      const c = ks[i];
      const cs = s + i * slot * 0.95 + rand() * slot * 0.05;
      start[c] = Math.round(cs);
      end[c] = Math.round(Math.min(end[p], cs + slot * (0.4 + rand() * 0.9)));
    }
  }
  // The random draws in the order they always had (one or two per span, then the arrival shuffle), so the
  // trace's content does not change; the span objects are then allocated in arrival order, as the receiver's
  // decoder allocates them when their requests arrive: in the store, a trace's spans array is in arrival
  // order and so is their place in memory, which is what the packing code walks.
  const draws = new Float64Array(n);
  const failed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    draws[i] = rand();
    failed[i] = i > 0 && rand() < 0.01 ? 1 : 0;
  }
  // arrival order is not tree order
  const arrival = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const x = arrival[i];
    arrival[i] = arrival[j];
    arrival[j] = x;
  }
  const spans = new Array(n);
  for (let k = 0; k < n; k++) {
    const i = arrival[k];
    const d = depth[i];
    const svc = i === 0 ? 'gateway' : SERVICES[(parent[i] * 31 + d * 7 + (d > 2 ? i % 3 : 0)) % SERVICES.length];
    const r = draws[i];
    let kind = 1;
    let name;
    let attrs;
    if (i === 0 || d === 1) {
      kind = 2;
      name = OPS.server[i % OPS.server.length];
      attrs = ['http.request.method', name.split(' ')[0], 'http.route', name.split(' ')[1], 'http.response.status_code', 200n, 'url.path', `/api/items/${i}`];
    } else if (r < 0.35) {
      kind = 3;
      name = `${OPS.db[i % OPS.db.length]}`;
      attrs = ['db.system', 'postgresql', 'db.query.text', `SELECT id, name, price, stock FROM items WHERE id = $1 AND tenant = $2 -- ${i}`, 'db.namespace', 'shop'];
    } else if (r < 0.5) {
      kind = 3;
      name = OPS.cache[i % OPS.cache.length];
      attrs = ['db.system', 'redis', 'db.operation.name', name.split(' ')[1]];
    } else if (r < 0.7) {
      kind = 3;
      name = OPS.client[i % OPS.client.length];
      attrs = ['http.request.method', 'GET', 'server.address', `${svc}.internal`, 'server.port', 8080n];
    } else {
      name = OPS.internal[i % OPS.internal.length];
      attrs = ['code.function.name', name, 'code.file.path', `/app/src/${svc}/${name}.ts`, 'code.line.number', BigInt(10 + (i % 300))];
    }
    const err = failed[i] === 1;
    const events = err
      ? [{ time: start[i] + 1000, name: 'exception', droppedAttributesCount: 0, attrs: ['exception.type', 'TimeoutError', 'exception.message', `upstream timed out after 3000 ms (${svc})`, 'exception.stacktrace', `TimeoutError: upstream timed out\n    at fetchItem (/app/src/${svc}/client.ts:42:11)\n    at async handler (/app/src/${svc}/routes.ts:17:5)`] }]
      : null;
    spans[k] = makeSpan(traceId, flat(hex(i + 1, 12) + 'a1b2'), i === 0 ? '' : flat(hex(parent[i] + 1, 12) + 'a1b2'), name, svc, start[i], end[i], {
      kind, attrs, events, status: err ? 2 : 0, statusMessage: err ? 'upstream timed out' : '',
    });
  }
  return { traceId, spans };
}

export const SAMPLE_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = (id) => hex(id, 16);

/** a small trace exercising every marker, with hostile strings in every text field */
export function sampleTrace() {
  const t = SAMPLE_TRACE;
  const ms = 1e6;
  const base = 7e9;
  const longSql = `SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at > now() - interval '7 days' AND o.status IN ('paid','shipped') ORDER BY o.total DESC LIMIT 100 -- ${'padding '.repeat(60)}`;
  const spans = [
    makeSpan(t, S(1), '', 'GET /checkout', 'frontend', base, base + 120 * ms, { kind: 2, attrs: ['http.request.method', 'GET', 'http.route', '/checkout', 'http.response.status_code', 500n] , status: 2, statusMessage: 'checkout failed' }),
    makeSpan(t, S(2), S(1), 'POST /api/orders', 'orders', base + 5 * ms, base + 100 * ms, {
      kind: 2, status: 2, statusMessage: `payment declined ${HOSTILE}`,
      attrs: ['code.function.name', 'createOrder', 'code.file.path', '/app/src/orders/create.ts', 'code.line.number', 42n, 'order.note', HOSTILE],
      events: [
        { time: base + 60 * ms, name: 'order.validated', attrs: ['items', 3n], droppedAttributesCount: 0 },
        {
          time: base + 95 * ms, name: 'exception', droppedAttributesCount: 0,
          attrs: ['exception.type', 'PaymentDeclinedError', 'exception.message', `card declined ${HOSTILE}`,
            'exception.stacktrace', `PaymentDeclinedError: card declined\n    at charge (/app/src/payments/charge.ts:88:13)\n    at async createOrder (/app/src/orders/create.ts:42:5)\n    at node:internal/process/task_queues:95:5\n    ${HOSTILE}`],
        },
      ],
      links: [{ traceId: 'aaaabbbbccccddddeeeeffff00001111', spanId: S(77), traceState: '', attrs: ['link.reason', 'retry of'], droppedAttributesCount: 0, flags: 0 }],
    }),
    makeSpan(t, S(3), S(2), 'SELECT orders', 'orders-db', base + 10 * ms, base + 30 * ms, { kind: 3, attrs: ['db.system', 'postgresql', 'db.query.text', longSql] }),
    makeSpan(t, S(4), S(2), HOSTILE, HOSTILE, base + 32 * ms, base + 90 * ms, { kind: 3, attrs: [HOSTILE, HOSTILE, 'prompt', `You are a helpful assistant.\n${'Tell me about tracing. '.repeat(40)}`] }),
    makeSpan(t, S(5), S(4), 'charge card', 'payments', base + 35 * ms, base + 89 * ms, { kind: 2, status: 2, statusMessage: 'declined' }),
    makeSpan(t, S(6), S(1), 'render page', 'frontend', base + 2 * ms, base + 130 * ms, { attrs: ['template', 'checkout.html'] }), // ends after its parent, same process: async
    makeSpan(t, S(7), S(99), 'late webhook', 'notifications', base + 50 * ms, base + 70 * ms, { kind: 5 }), // orphan
    makeSpan(t, S(8), S(9), 'loop a', 'legacy', base + 20 * ms, base + 25 * ms), // cycle
    makeSpan(t, S(9), S(8), 'loop b', 'legacy', base + 21 * ms, base + 24 * ms),
    makeSpan(t, S(10), S(2), 'cache lookup', 'orders', base + 4 * ms, base + 6 * ms, { kind: 3, attrs: ['db.system', 'redis', 'code.stacktrace', 'Error\n    at getCached (/app/src/payments/cache.ts:14:9)\n    at lookup (/app/src/orders/cache.ts:3:1)'], pid: 2, host: 'cache-box' }), // starts before its parent, another host: skew
  ];
  const logs = [
    // a Python-style exception log (logging.exception) and a log with the deprecated code.* names its site
    {
      spanId: S(2), severityText: 'ERROR', severityNumber: 17, body: `payment failed for order 123 ${HOSTILE}`, time: base + 94 * ms,
      attrs: ['exception.type', 'CardDeclined', 'exception.message', `declined ${HOSTILE}`,
        'exception.stacktrace', `Traceback (most recent call last):\n  File "/app/src/payments/gateway.py", line 31, in submit\n    raise CardDeclined(code)\n  File "/app/src/orders/retry.py", line 9, in wrapper\nCardDeclined: declined`],
    },
    { spanId: S(2), severityText: 'INFO', severityNumber: 9, body: 'order validated', time: base + 61 * ms, attrs: ['code.filepath', '/app/src/payments/validate.py', 'code.lineno', 7n, 'code.function', 'validate'] },
  ];
  return { traceId: t, spans, logs };
}
