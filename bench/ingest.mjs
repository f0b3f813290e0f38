// npm run bench:ingest — receiver ingest throughput, decoder baseline, extension-host lag, memory per span.
// Prints one JSON object per line (medians over RUNS runs):
//   {"bench":"ingest","encoding":"protobuf"|"json"|"protobuf+gzip","spansPerSec":…,"spansPerSecPerCore":…}
//     the receiver runs as a child process (node dist/receiver.js); per core = spans per CPU-second of that
//     process (utime+stime from /proc/<pid>/stat), loopback, batches of 512 realistic spans, 4 in flight
//     + ratioToDecodeBaseline: median over runs of per-core ÷ the baseline measured right after that run;
//     perCoreRuns: every run's figure
//   {"bench":"decode-baseline","spansPerSec":…}   plain protobufjs decode (message objects) of the same batches,
//     per CPU-second of this single thread (so it compares with spansPerSecPerCore on a busy machine too),
//     one baseline run after each ingest run; receiverProtobufPerCoreRatio = median of the protobuf ratios
//   {"bench":"plain-receiver","encoding":"protobuf","spansPerSecPerCore":…}   a receiver as the baseline
//     describes it (Node's HTTP server, protobufjs message objects, kept), same client and CPU accounting,
//     one run after each protobuf ingest run; the protobuf ingest line's ratioToPlainReceiver pairs them
//   {"bench":"decode-direct","spansPerSec":…,"ratioToDecodeBaseline":…}   the receiver's own protobuf decoder
//     (straight to the store's spans) over the same batches, each run paired with a baseline run
//   {"bench":"host-lag","rate":20000|50000,"p99Ms":…,"maxMs":…}
//     event-loop delay of a separate process standing for the extension host: connected to the receiver's
//     event stream (ApiClient.events), keeping a trace list from the events and the code lenses' location
//     statistics (changed locations fetched at most every 300 ms, merged, lenses rebuilt; locationFetches,
//     locations), while spans arrive at that rate;
//     achievedRate = spans the receiver acknowledged within the measured seconds ÷ seconds (checks the rate
//     was really offered and absorbed); hostEvents = events the host process received
//   {"bench":"ingest","encoding":"protobuf","persist":true,"spansPerSecPerCore":…,"ratioToInMemory":…}
//     the same protobuf runs against a second receiver with a persistent store (--store <temp dir>), run by
//     run beside the in-memory one; both are read 500 ms after the last answer, so the store's writing and
//     compression of the last batches count
//   {"bench":"memory","bytesPerSpan":…}          retained heap per stored span after GC (--expose-gc child)
// Env: BENCH_RUNS (default 5), BENCH_SPANS per ingest run (default 51200), BENCH_LAG_SECONDS (default 3),
// BENCH_ONLY=ingest,baseline,host-lag,memory (default all), BENCH_ENCODINGS=protobuf,json,protobuf+gzip,
// BENCH_RECEIVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the receiver).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { otlpRoot, TYPES } = require(join(ROOT, 'out/src/otlp/proto.js'));
const { ApiClient } = require(join(ROOT, 'out/src/receiver/apiClient.js'));
const { decodeTraces } = require(join(ROOT, 'out/src/otlp/protoDecode.js'));
const { EpochNs } = require(join(ROOT, 'out/src/model/time.js'));

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SPANS_PER_RUN = Number(process.env.BENCH_SPANS ?? 51_200);
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 3);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'ingest,baseline,host-lag,memory').split(','));
const BATCH = 512;
const IN_FLIGHT = 4;
const TEMPLATES = 4;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x) => Math.round(x);

// ---- realistic batches ------------------------------------------------------------------------------
// Ids start with the marker bytes EE EE EE EE; each request overwrites the marker with its own counter so
// every request carries new, unique ids (the store's duplicate rule would otherwise drop re-sends).
const MARK = 'eeeeeeee';
function id(bytes) {
  return MARK + randomBytes(bytes - 4).toString('hex');
}
const kv = (key, value) => ({ key, value });
const s = (v) => ({ stringValue: v });
const i = (v) => ({ intValue: String(v) });
const d = (v) => ({ doubleValue: v });
const b = (v) => ({ boolValue: v });

function makeBatchJson(seed) {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const services = ['frontend', 'orders', 'payments'];
  const byService = new Map(services.map((svc) => [svc, []]));
  let n = 0;
  let t = 0;
  while (n < BATCH) {
    const traceId = id(16);
    const rootId = id(8);
    const start = nowNs + BigInt(t++ * 1_000_000);
    const spansInTrace = 6 + ((seed + t) % 5);
    for (let k = 0; k < spansInTrace && n < BATCH; k++, n++) {
      const svc = services[k % 3];
      const isRoot = k === 0;
      const isDb = k % 3 === 2;
      const err = (seed + t + k) % 17 === 0;
      const st = start + BigInt(k * 100_000 + 123);
      const en = st + BigInt(50_000 + ((k * 7919) % 900_000));
      const attributes = isDb
        ? [kv('db.system.name', s('postgresql')), kv('db.namespace', s('shop')), kv('db.operation.name', s('SELECT')),
          kv('db.query.text', s(`SELECT id, total FROM orders WHERE customer_id = $1 LIMIT ${k + 10}`)), kv('server.address', s('db.internal')),
          kv('server.port', i(5432)), kv('db.response.returned_rows', i(k * 3)), kv('code.function.name', s('OrderRepository.findByCustomer')),
          kv('code.file.path', s('/app/src/orders/repository.ts')), kv('code.line.number', i(40 + k))]
        : [kv('http.request.method', s('GET')), kv('url.path', s(`/api/orders/${(seed * 1000 + t) % 5000}`)), kv('http.route', s('/api/orders/:id')),
          kv('http.response.status_code', i(err ? 500 : 200)), kv('server.address', s(`${svc}.internal`)), kv('server.port', i(8080)),
          kv('network.protocol.version', s('1.1')), kv('user_agent.original', s('Mozilla/5.0 (X11; Linux x86_64) bench')),
          kv('code.function.name', s(`${svc}Handler.handle`)), kv('code.file.path', s(`/app/src/${svc}/handler.ts`)), kv('code.line.number', i(12 + k)),
          kv('sampled.ratio', d(0.25)), kv('cache.hit', b(k % 2 === 0))];
      const span = {
        traceId, spanId: isRoot ? rootId : id(8), parentSpanId: isRoot ? undefined : rootId, name: isDb ? 'SELECT shop.orders' : `GET /api/orders/:id`,
        kind: isRoot ? 2 : isDb ? 3 : 1, startTimeUnixNano: String(st), endTimeUnixNano: String(en), attributes,
        status: err ? { code: 2, message: 'upstream failed' } : { code: 0 },
      };
      if (k % 4 === 1) span.events = [{ timeUnixNano: String(st + 1000n), name: 'cache.miss', attributes: [kv('cache.key', s(`order:${t}`))] }];
      if (err) {
        span.events = [...(span.events ?? []), { timeUnixNano: String(en - 10n), name: 'exception', attributes: [
          kv('exception.type', s('UpstreamError')), kv('exception.message', s('payments returned 503')),
          kv('exception.stacktrace', s(`UpstreamError: payments returned 503\n    at PaymentsClient.charge (/app/src/${svc}/payments.ts:88:11)\n    at async handle (/app/src/${svc}/handler.ts:31:5)`)),
        ] }];
      }
      byService.get(svc).push(span);
    }
  }
  return {
    resourceSpans: services.map((svc) => ({
      resource: { attributes: [kv('service.name', s(svc)), kv('service.version', s('1.4.2')), kv('telemetry.sdk.language', s('nodejs')), kv('host.name', s('dev-box'))] },
      scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.301.0' }, spans: byService.get(svc) }],
    })),
  };
}

function toProtoObject(json) {
  const idBuf = (h) => (h ? Buffer.from(h, 'hex') : undefined);
  return {
    resourceSpans: json.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...ss,
        spans: ss.spans.map((sp) => ({ ...sp, traceId: idBuf(sp.traceId), spanId: idBuf(sp.spanId), parentSpanId: idBuf(sp.parentSpanId) })),
      })),
    })),
  };
}

/** offsets where ids start (marker bytes / marker hex after a quote) */
function markerOffsets(buf, hex) {
  const out = [];
  if (hex) {
    const needle = Buffer.from(`"${MARK}`);
    for (let at = buf.indexOf(needle); at !== -1; at = buf.indexOf(needle, at + needle.length)) out.push(at + 1);
  } else {
    const needle = Buffer.from([0xee, 0xee, 0xee, 0xee]);
    for (let at = buf.indexOf(needle); at !== -1; at = buf.indexOf(needle, at + 4)) out.push(at);
  }
  return out;
}

function makeTemplates() {
  const root = otlpRoot();
  const Req = root.lookupType(TYPES.traceRequest);
  const out = [];
  for (let k = 0; k < TEMPLATES; k++) {
    const json = makeBatchJson(k);
    const pb = Buffer.from(Req.encode(Req.fromObject(toProtoObject(json))).finish());
    const js = Buffer.from(JSON.stringify(json));
    out.push({ pb, pbOffsets: markerOffsets(pb, false), js, jsOffsets: markerOffsets(js, true) });
  }
  return out;
}

let counter = 1;
/** a copy of a template with fresh ids */
function freshBody(tpl, encoding) {
  const c = counter++;
  if (encoding === 'json') {
    const buf = Buffer.from(tpl.js);
    const hex = c.toString(16).padStart(8, '0');
    for (const at of tpl.jsOffsets) buf.write(hex, at, 'latin1');
    return buf;
  }
  const buf = Buffer.from(tpl.pb);
  for (const at of tpl.pbOffsets) buf.writeUInt32BE(c, at);
  return buf;
}

// ---- receiver child ---------------------------------------------------------------------------------
async function startReceiver(extraArgs = []) {
  const child = spawn(process.execPath, [...(process.env.BENCH_RECEIVER_NODE_ARGS ? process.env.BENCH_RECEIVER_NODE_ARGS.split(' ') : []), join(ROOT, 'dist/receiver.js'), '--http-port', '0', '--grpc-port', '0', '--idle-exit-ms', '0', '--max-spans', '2000000', '--max-bytes', String(4 * 1024 ** 3), ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.on('exit', (code) => reject(new Error(`receiver exited ${code}`)));
  });
  return { child, line, api: new ApiClient({ port: line.api, token: line.token }) };
}

const TICK = 100; // USER_HZ on Linux
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime
}

const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
function send(port, body, encoding) {
  const headers = { 'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf', 'content-length': body.length };
  if (encoding === 'protobuf+gzip') headers['content-encoding'] = 'gzip';
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function prepare(tpl, encoding) {
  const body = freshBody(tpl, encoding === 'json' ? 'json' : 'protobuf');
  return encoding === 'protobuf+gzip' ? await new Promise((r, j) => zlib.gzip(body, { level: 1 }, (e, out) => (e ? j(e) : r(out)))) : body;
}

// ---- a plain receiver, for comparison ---------------------------------------------------------------
// What the baseline describes, as a receiver: Node's HTTP server, protobufjs decoding each body into
// message objects, the messages kept (a store keeps what it receives). No checks, no index, no summaries.
// Measured with the same client, batches and CPU accounting as the real receiver, run by run beside it.
async function plainReceiverChild() {
  const Req = otlpRoot().lookupType(TYPES.traceRequest);
  let kept = [];
  let spans = 0;
  const server = http.createServer((req, res) => {
    if (req.method === 'DELETE') {
      const n = spans;
      kept = [];
      spans = 0;
      res.end(String(n));
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const m = Req.decode(Buffer.concat(chunks));
      for (const rs of m.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
      kept.push(m);
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
      res.end();
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
}

async function startPlainReceiver() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--plain-receiver'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.on('exit', (code) => reject(new Error(`plain receiver exited ${code}`)));
  });
  /** drops what it kept; answers how many spans that was */
  const clear = () => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'DELETE', path: '/', agent }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve(Number(b)));
    });
    req.on('error', reject);
    req.end();
  });
  return { child, port, clear };
}

async function plainRun(px, templates) {
  const batches = Math.ceil(SPANS_PER_RUN / BATCH);
  const bodies = [];
  for (let k = 0; k < batches; k++) bodies.push(freshBody(templates[k % templates.length], 'protobuf'));
  const cpu0 = cpuSeconds(px.child.pid);
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) await send(px.port, bodies[next++], 'protobuf');
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const cpu = cpuSeconds(px.child.pid) - cpu0;
  const spans = batches * BATCH;
  const got = await px.clear();
  if (got !== spans) throw new Error(`plain receiver kept ${got} of ${spans} spans`);
  return spans / Math.max(cpu, 1 / TICK);
}

async function ingestRun(rx, templates, encoding, settleMs = 0) {
  const batches = Math.ceil(SPANS_PER_RUN / BATCH);
  // bodies are prepared before the clock starts, so the client's own work does not slow the figure
  const bodies = [];
  for (let k = 0; k < batches; k++) bodies.push(await prepare(templates[k % templates.length], encoding));
  const cpu0 = cpuSeconds(rx.child.pid);
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) await send(rx.line.http, bodies[next++], encoding);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const wall = (performance.now() - t0) / 1000;
  if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
  const cpu = cpuSeconds(rx.child.pid) - cpu0;
  const spans = batches * BATCH;
  const h = await rx.api.health();
  if (h.spans !== spans) throw new Error(`receiver stored ${h.spans} of ${spans} spans`);
  await rx.api.clear();
  return { spansPerSec: spans / wall, spansPerSecPerCore: spans / Math.max(cpu, 1 / TICK) };
}

/** one plain protobufjs decode pass (message objects) over SPANS_PER_RUN spans: spans per CPU-second of this thread */
function decodeBaselineOnce(Req, bodies) {
  const c0 = process.cpuUsage();
  let spans = 0;
  while (spans < SPANS_PER_RUN) {
    const m = Req.decode(bodies[(spans / BATCH) % bodies.length]);
    for (const rs of m.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
  }
  const c = process.cpuUsage(c0);
  return spans / ((c.user + c.system) / 1e6);
}

/** the receiver's own decoder (straight to the store's spans) over the same bodies, measured the same way */
function decodeDirectOnce(bodies, epoch) {
  const c0 = process.cpuUsage();
  let spans = 0;
  while (spans < SPANS_PER_RUN) spans += decodeTraces(bodies[(spans / BATCH) % bodies.length], epoch).spans.length;
  const c = process.cpuUsage(c0);
  return spans / ((c.user + c.system) / 1e6);
}

// ---- host lag: a separate process stands for the extension host -------------------------------------
async function hostSim() {
  const [port, token, seconds] = process.argv.slice(3);
  const api = new ApiClient({ port: Number(port), token });
  const traces = new Map(); // what the trace list keeps
  let events = 0;
  const h = monitorEventLoopDelay({ resolution: 1 });
  // and what the code lenses keep (src/host/source/sourceState.ts): the changed locations fetched at most
  // every 300 ms, merged into a LocationModel whose locations are placed in a workspace folder
  const { LocationModel } = require(join(ROOT, 'out/src/source/lensModel.js'));
  const { LocationFetchPlan } = require(join(ROOT, 'out/src/source/locationFetchPlan.js'));
  const folder = { name: 'app', path: '/ws' };
  const model = new LocationModel((loc) => ({ ok: true, path: `/ws${loc.file}`, folder, rel: loc.file.slice(1), line: loc.line, layer: loc.layer, via: 'suffix', confidence: 0.9 }));
  const plan = new LocationFetchPlan();
  let fetching = false;
  let lastFetch = 0;
  let timer;
  let fetches = 0;
  const fetchLocations = async () => {
    timer = undefined;
    if (fetching || !plan.pending) return;
    fetching = true;
    lastFetch = Date.now();
    const what = plan.take();
    try {
      const resp = await api.locations(Date.now() - 15 * 60_000, what.full ? undefined : what.keys);
      const files = what.full ? model.apply(resp, true) : model.apply(resp, false, what.keys);
      for (const f of files) model.lenses(f); // the provider of a visible editor asks again
      fetches++;
    } catch (err) {
      plan.needAll();
      process.stderr.write(`host-sim: ${err.message}\n`);
    } finally {
      fetching = false;
      if (plan.pending) queueFetch();
    }
  };
  const queueFetch = () => {
    if (!timer && !fetching) timer = setTimeout(fetchLocations, Math.max(0, lastFetch + 300 - Date.now()));
  };
  const sub = api.events((e) => {
    events++;
    if (e.type === 'locations') {
      plan.changed(e.keys);
      queueFetch();
    } else if (e.type === 'hello') {
      plan.needAll();
      queueFetch();
    }
    if (e.type === 'traces') {
      for (const s of e.upserted) traces.set(s.traceId, s);
      for (const id of e.removed) traces.delete(id);
      // the list view shows the newest 200: sort what changed into it
      if (traces.size > 5000) for (const k of [...traces.keys()].slice(0, traces.size - 5000)) traces.delete(k);
    }
  }, (err) => process.stderr.write(`host-sim: ${err.message}\n`));
  process.stdout.write('ready\n');
  await new Promise((r) => process.stdin.once('data', r)); // start measuring when the sender starts
  h.enable();
  await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
  h.disable();
  sub.close();
  api.dispose();
  process.stdout.write(`${JSON.stringify({ p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6, events, traces: traces.size, locationFetches: fetches, locations: model.size })}\n`);
  process.exit(0);
}

async function hostLag(rx, templates, rate) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--host-sim', String(rx.line.api), rx.line.token, String(LAG_SECONDS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  const exited = new Promise((r) => child.on('exit', r));
  while (!out.includes('ready\n')) await new Promise((r) => setTimeout(r, 20));
  const bodies = [];
  const total = rate ? Math.ceil((rate * (LAG_SECONDS + 0.5)) / BATCH) : 0;
  for (let k = 0; k < total; k++) bodies.push(await prepare(templates[k % templates.length], 'protobuf'));
  const spans0 = (await rx.api.health()).spans;
  child.stdin.write('go\n');
  const t0 = performance.now();
  const pending = [];
  // spans the receiver had acknowledged (200) within the measured window: the rate really achieved
  let ackedInWindow = 0;
  const windowEnd = t0 + LAG_SECONDS * 1000;
  for (let k = 0; k < total; k++) {
    const due = t0 + (k * BATCH * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(rx.line.http, bodies[k], 'protobuf').then(() => {
      if (performance.now() <= windowEnd) ackedInWindow += BATCH;
    }));
  }
  await Promise.all(pending);
  await exited;
  const res = JSON.parse(out.slice(out.indexOf('ready\n') + 6).trim());
  const stored = (await rx.api.health()).spans - spans0;
  if (stored !== total * BATCH) throw new Error(`host-lag: receiver stored ${stored} of ${total * BATCH} spans`);
  res.achievedRate = ackedInWindow / LAG_SECONDS;
  await rx.api.clear();
  return res;
}

// ---- memory --------------------------------------------------------------------------------------
async function memoryChild() {
  const { TraceStore } = require(join(ROOT, 'out/src/store/traceStore.js'));
  const { LocationIndex } = require(join(ROOT, 'out/src/stats/locationIndex.js'));
  const { decodeTraces } = require(join(ROOT, 'out/src/otlp/protoDecode.js'));
  const templates = makeTemplates();
  const N = 200 * BATCH;
  const store = new TraceStore({ maxSpans: 10_000_000, maxBytes: 2 ** 40, locationIndex: new LocationIndex() });
  const bodies = [];
  for (let k = 0; k < N / BATCH; k++) bodies.push(freshBody(templates[k % TEMPLATES], 'protobuf'));
  // warm: the interning table, the location index and code paths exist before the baseline is taken
  store.addSpans(decodeTraces(freshBody(templates[0], 'protobuf'), store.epoch).spans);
  global.gc();
  global.gc();
  const before = process.memoryUsage().heapUsed;
  for (const body of bodies) store.addSpans(decodeTraces(body, store.epoch).spans);
  bodies.length = 0;
  global.gc();
  global.gc();
  const after = process.memoryUsage().heapUsed;
  // sanity: what was measured holds the attributes (a decoder that dropped them would look very lean)
  let attrs = 0;
  for (const t of store.summaries().slice(0, 50)) for (const sp of store.spans(t.traceId)) attrs += sp.attrs.length / 2 / store.spans(t.traceId).length;
  process.stdout.write(`${JSON.stringify({ bytesPerSpan: (after - before) / N, spans: store.stats().spans, attrsPerSpan: attrs / 50 })}\n`);
  store.dispose();
}

async function memory() {
  const results = [];
  for (let r = 0; r < Math.min(RUNS, 2); r++) {
    const out = await new Promise((resolve, reject) => {
      const c = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--memory-child'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let o = '';
      c.stdout.on('data', (d) => (o += d));
      c.on('exit', (code) => (code === 0 ? resolve(JSON.parse(o)) : reject(new Error(`memory child exited ${code}`))));
    });
    if (!(out.attrsPerSpan >= 10)) throw new Error(`memory run stored ${out.attrsPerSpan} attributes per span`);
    results.push(out.bytesPerSpan);
  }
  return median(results);
}

// ---- main ---------------------------------------------------------------------------------------------
async function main() {
  const templates = makeTemplates();
  const rx = await startReceiver();
  try {
    // warm-up: JIT the receiver's paths and let its heap grow to working size (with 20 batches the first
    // measured runs were still ~40% slower than the later ones; a running receiver is warm)
    for (const [enc, n] of [['protobuf', 200], ['json', 60], ['protobuf+gzip', 20]]) {
      for (let k = 0; k < n; k++) await send(rx.line.http, await prepare(templates[k % TEMPLATES], enc), enc);
      await rx.api.clear();
    }
    // Each ingest run is followed by a baseline run (plain protobufjs decode of the same batches, in this
    // process, CPU time): the machine is shared, so every figure is compared with a baseline taken moments apart.
    const Req = otlpRoot().lookupType(TYPES.traceRequest);
    const baseBodies = templates.map((t) => freshBody(t, 'protobuf'));
    // protobufjs's decoder reaches its top speed only after ~8 passes here (140k → 185k spans per CPU-second,
    // its last compiler tier): a baseline measured before that would flatter every ratio
    for (let k = 0; k < 12; k++) decodeBaselineOnce(Req, baseBodies); // warm
    const baselines = [];
    const protoRatios = [];
    const encodings = (process.env.BENCH_ENCODINGS ?? 'protobuf,json,protobuf+gzip').split(',');
    for (const encoding of ONLY.has('ingest') ? encodings : []) {
      const runs = [];
      const plain = encoding === 'protobuf' ? await startPlainReceiver() : undefined;
      const storeDir = encoding === 'protobuf' ? mkdtempSync(join(tmpdir(), 'bench-store-')) : undefined;
      const prx = storeDir ? await startReceiver(['--store', storeDir]) : undefined;
      try {
        if (plain) {
          for (let k = 0; k < 200; k++) await send(plain.port, freshBody(templates[k % TEMPLATES], 'protobuf'), 'protobuf'); // warm, as the real one
          await plain.clear();
        }
        if (prx) {
          for (let k = 0; k < 200; k++) await send(prx.line.http, freshBody(templates[k % TEMPLATES], 'protobuf'), 'protobuf');
          await prx.api.clear();
        }
        for (let r = 0; r < RUNS; r++) {
          const run = await ingestRun(rx, templates, encoding, prx ? 500 : 0);
          run.baseline = decodeBaselineOnce(Req, baseBodies);
          if (plain) run.plain = await plainRun(plain, templates);
          if (prx) run.persisted = await ingestRun(prx, templates, encoding, 500);
          baselines.push(run.baseline);
          runs.push(run);
        }
      } finally {
        plain?.child.kill('SIGTERM');
        prx?.child.kill('SIGTERM');
        if (prx) await new Promise((r) => prx.child.once('exit', r));
        if (storeDir) rmSync(storeDir, { recursive: true, force: true });
      }
      const perCore = median(runs.map((x) => x.spansPerSecPerCore));
      const ratios = runs.map((x) => x.spansPerSecPerCore / x.baseline);
      if (encoding === 'protobuf') protoRatios.push(...ratios);
      const line = {
        bench: 'ingest', encoding, spansPerSec: round(median(runs.map((x) => x.spansPerSec))), spansPerSecPerCore: round(perCore),
        ratioToDecodeBaseline: +median(ratios).toFixed(2), perCoreRuns: runs.map((x) => round(x.spansPerSecPerCore)),
        runs: RUNS, spansPerRun: Math.ceil(SPANS_PER_RUN / BATCH) * BATCH,
      };
      if (plain) line.ratioToPlainReceiver = +median(runs.map((x) => x.spansPerSecPerCore / x.plain)).toFixed(2);
      console.log(JSON.stringify(line));
      if (prx) {
        console.log(JSON.stringify({
          bench: 'ingest', encoding, persist: true, spansPerSec: round(median(runs.map((x) => x.persisted.spansPerSec))),
          spansPerSecPerCore: round(median(runs.map((x) => x.persisted.spansPerSecPerCore))),
          ratioToInMemory: +median(runs.map((x) => x.persisted.spansPerSecPerCore / x.spansPerSecPerCore)).toFixed(2),
          perCoreRuns: runs.map((x) => round(x.persisted.spansPerSecPerCore)), runs: RUNS,
        }));
      }
      if (plain) {
        console.log(JSON.stringify({ bench: 'plain-receiver', encoding, spansPerSecPerCore: round(median(runs.map((x) => x.plain))), perCoreRuns: runs.map((x) => round(x.plain)), runs: RUNS }));
      }
    }
    if (ONLY.has('baseline')) {
      if (!baselines.length) for (let r = 0; r < RUNS; r++) baselines.push(decodeBaselineOnce(Req, baseBodies));
      const line = { bench: 'decode-baseline', spansPerSec: round(median(baselines)), runs: baselines.length };
      // median over runs of (receiver protobuf per core ÷ the baseline measured right after that run)
      if (protoRatios.length) line.receiverProtobufPerCoreRatio = +median(protoRatios).toFixed(2);
      console.log(JSON.stringify(line));
      // The reason for its targets: a decoder that goes straight to the store's representation. This
      // is that decoder alone, paired run by run with the baseline (no HTTP, no store).
      // Every batch with ids of its own, as at ingest: the decoder shares repeated ids, and the same few
      // bodies over and over would flatter it.
      const directBodies = Array.from({ length: Math.ceil(SPANS_PER_RUN / BATCH) }, (_, k) => freshBody(templates[k % TEMPLATES], 'protobuf'));
      const epoch = EpochNs.now();
      for (let k = 0; k < 12; k++) decodeDirectOnce(directBodies, epoch); // warm
      const direct = [];
      const directRatios = [];
      const paired = [];
      for (let r = 0; r < RUNS; r++) {
        const d = decodeDirectOnce(directBodies, epoch);
        const b = decodeBaselineOnce(Req, directBodies);
        direct.push(d);
        paired.push(b);
        directRatios.push(d / b);
      }
      console.log(JSON.stringify({ bench: 'decode-direct', spansPerSec: round(median(direct)), ratioToDecodeBaseline: +median(directRatios).toFixed(2), pairedBaselineSpansPerSec: round(median(paired)), runs: RUNS }));
    }
    // rate 0: the same host process with no spans arriving — the machine's own event-loop noise, for comparison
    for (const rate of ONLY.has('host-lag') ? [0, 20_000, 50_000] : []) {
      const runs = [];
      for (let r = 0; r < Math.min(RUNS, 2); r++) runs.push(await hostLag(rx, templates, rate));
      console.log(JSON.stringify({ bench: 'host-lag', rate, achievedRate: round(median(runs.map((x) => x.achievedRate))), p99Ms: +median(runs.map((x) => x.p99Ms)).toFixed(2), maxMs: +median(runs.map((x) => x.maxMs)).toFixed(2), hostEvents: median(runs.map((x) => x.events)), locationFetches: median(runs.map((x) => x.locationFetches)), locations: median(runs.map((x) => x.locations)), seconds: LAG_SECONDS, runs: runs.length }));
    }
  } finally {
    rx.child.kill('SIGTERM');
    agent.destroy();
    rx.api.dispose();
  }
  if (ONLY.has('memory')) console.log(JSON.stringify({ bench: 'memory', bytesPerSpan: round(await memory()) }));
}

/** `node bench/ingest.mjs --inproc`: where the time goes, in this process (decode / store / location hook). */
async function inproc() {
  const { TraceStore } = require(join(ROOT, 'out/src/store/traceStore.js'));
  const { LocationIndex } = require(join(ROOT, 'out/src/stats/locationIndex.js'));
  const { decodeTracesJson } = require(join(ROOT, 'out/src/otlp/jsonDecode.js'));
  const templates = makeTemplates();
  const n = Math.ceil(SPANS_PER_RUN / BATCH);
  const pb = Array.from({ length: n }, (_, k) => freshBody(templates[k % TEMPLATES], 'protobuf'));
  const js = Array.from({ length: n }, (_, k) => freshBody(templates[k % TEMPLATES], 'json'));
  const time = (label, fn) => {
    for (let r = 0; r < RUNS; r++) {
      const c0 = process.cpuUsage();
      fn();
      const c = process.cpuUsage(c0);
      const dt = (c.user + c.system) / 1e6;
      if (r === RUNS - 1) console.log(JSON.stringify({ bench: 'inproc', step: label, spansPerCpuSec: round((n * BATCH) / dt) }));
    }
  };
  const epoch = new TraceStore().epoch;
  time('decode protobuf', () => pb.forEach((b) => decodeTraces(b, epoch)));
  time('decode json', () => js.forEach((b) => decodeTracesJson(b, epoch)));
  time('decode protobuf + store', () => {
    const st = new TraceStore({ epoch });
    pb.forEach((b) => st.addSpans(decodeTraces(b, epoch).spans));
  });
  time('decode protobuf + store + locations', () => {
    const st = new TraceStore({ epoch, locationIndex: new LocationIndex() });
    pb.forEach((b) => st.addSpans(decodeTraces(b, epoch).spans));
  });
}

if (process.argv[2] === '--dump-bodies') {
  const t = makeTemplates();
  (await import('node:fs')).writeFileSync(process.argv[3], JSON.stringify(t.map((x) => freshBody(x, 'protobuf').toString('base64'))));
} else if (process.argv[2] === '--inproc') await inproc();
else if (process.argv[2] === '--host-sim') await hostSim();
else if (process.argv[2] === '--memory-child') await memoryChild();
else if (process.argv[2] === '--plain-receiver') await plainReceiverChild();
else await main();
