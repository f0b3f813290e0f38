// npm run bench:store — the persistent store (src/store/persist/) over 1M stored spans. Prints one line:
//   {"bench":"store","spans":1000000,"reopenMs":…,"bytesPerSpanOnDisk":…,"calibrationMs":…}
// reopenMs: median over RUNS starts of the real receiver (node dist/receiver.js --store DIR): from opening the
//   store to its trace list ready (summaries listable), as the receiver logs it ("[store] … listed in N ms")
// firstListMs: from spawn to the answer to GET /api/traces listing every stored trace (process start, bundle
//   load, and the JSON of every summary over HTTP included), median
// bytesPerSpanOnDisk: every file of the store directory ÷ spans, after the store compacted its segments
// checkpointBlockMs: the longest the event loop waited while a checkpoint of every stored trace was written
//   (monitorEventLoopDelay, 1 ms resolution): in the filling session (traces still as built), then in a reopened
//   store (traces as read from the checkpoint)
// calibrationMs: a fixed piece of JavaScript work (JSON round trip of 200k small objects), median — read the
//   other figures against it on a busy machine
// The store is filled in this process through the same path as the receiver (protobuf batches of 512
// realistic spans, decoded, added with their bytes) and closed cleanly (checkpoint written).
// Env: BENCH_RUNS (default 5), BENCH_STORE_SPANS (default 1000000), BENCH_STORE_DIR (a store filled by an
// earlier run, kept and reused: filling takes minutes on a busy machine).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync, mkdtempSync, readdirSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { calibrate } from './calibrate.mjs';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { otlpRoot, TYPES } = require(join(ROOT, 'out/src/otlp/proto.js'));
const { ApiClient } = require(join(ROOT, 'out/src/receiver/apiClient.js'));
const { decodeTraces } = require(join(ROOT, 'out/src/otlp/protoDecode.js'));
const { DiskStore } = require(join(ROOT, 'out/src/store/persist/diskStore.js'));
const { TraceStore } = require(join(ROOT, 'out/src/store/traceStore.js'));

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SPANS = Number(process.env.BENCH_STORE_SPANS ?? 1_000_000);
const BATCH = 512;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// batches shaped like bench/ingest.mjs's: traces of 6–10 spans over three services, HTTP and DB attributes,
// code locations, some events and errors; every id random
const kv = (key, value) => ({ key, value });
const s = (v) => ({ stringValue: v });
const i = (v) => ({ intValue: String(v) });
function batch(seed) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const services = ['frontend', 'orders', 'payments'];
  const by = new Map(services.map((x) => [x, []]));
  let n = 0;
  for (let t = 0; n < BATCH; t++) {
    const traceId = randomBytes(16);
    const rootId = randomBytes(8);
    const start = now + BigInt(t * 1_000_000);
    const count = 6 + ((seed + t) % 5);
    for (let k = 0; k < count && n < BATCH; k++, n++) {
      const svc = services[k % 3];
      const db = k % 3 === 2;
      const err = (seed + t + k) % 17 === 0;
      const st = start + BigInt(k * 100_000 + 123);
      const attributes = db
        ? [kv('db.system.name', s('postgresql')), kv('db.namespace', s('shop')), kv('db.operation.name', s('SELECT')), kv('db.query.text', s(`SELECT id, total FROM orders WHERE customer_id = $1 LIMIT ${k + 10}`)),
          kv('server.address', s('db.internal')), kv('server.port', i(5432)), kv('code.function.name', s('OrderRepository.findByCustomer')), kv('code.file.path', s('/app/src/orders/repository.ts')), kv('code.line.number', i(40 + k))]
        : [kv('http.request.method', s('GET')), kv('url.path', s(`/api/orders/${(seed * 1000 + t) % 5000}`)), kv('http.route', s('/api/orders/:id')), kv('http.response.status_code', i(err ? 500 : 200)),
          kv('server.address', s(`${svc}.internal`)), kv('server.port', i(8080)), kv('user_agent.original', s('Mozilla/5.0 (X11; Linux x86_64) bench')),
          kv('code.function.name', s(`${svc}Handler.handle`)), kv('code.file.path', s(`/app/src/${svc}/handler.ts`)), kv('code.line.number', i(12 + k))];
      const span = {
        traceId, spanId: k === 0 ? rootId : randomBytes(8), parentSpanId: k === 0 ? undefined : rootId, name: db ? 'SELECT shop.orders' : 'GET /api/orders/:id',
        kind: k === 0 ? 2 : db ? 3 : 1, startTimeUnixNano: String(st), endTimeUnixNano: String(st + BigInt(50_000 + ((k * 7919) % 900_000))), attributes,
        status: err ? { code: 2, message: 'upstream failed' } : { code: 0 },
      };
      if (k % 4 === 1) span.events = [{ timeUnixNano: String(st + 1000n), name: 'cache.miss', attributes: [kv('cache.key', s(`order:${t}`))] }];
      by.get(svc).push(span);
    }
  }
  return {
    resourceSpans: services.map((svc) => ({
      resource: { attributes: [kv('service.name', s(svc)), kv('service.instance.id', s(`${svc}-1`)), kv('telemetry.sdk.language', s('nodejs')), kv('host.name', s('dev-box'))] },
      scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.301.0' }, spans: by.get(svc) }],
    })),
  };
}

async function fill(dir) {
  const Req = otlpRoot().lookupType(TYPES.traceRequest);
  const disk = DiskStore.open({ dir });
  // a small hot set: most traces leave memory for the disk as they would in a long session
  const store = new TraceStore({ backing: disk, epoch: disk.epoch, maxSpans: 100_000 });
  disk.attach(store);
  for (let b = 0; b * BATCH < SPANS; b++) {
    const body = Buffer.from(Req.encode(Req.fromObject(batch(b))).finish());
    store.addSpans(decodeTraces(body, store.epoch).spans, { kind: 'otlp' }, { encoding: 'protobuf', body });
    if (b % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  const spans = store.stats().spans;
  await disk.compactAll();
  const blockMs = await checkpointBlock(disk);
  await disk.close();
  store.dispose();
  return { spans, blockMs };
}

/** the longest wait of the event loop while the store writes a checkpoint, ms */
async function checkpointBlock(disk) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((r) => setTimeout(r, 20));
  await disk.writeCheckpoint();
  h.disable();
  return +(h.max / 1e6).toFixed(1);
}

/** the spans a kept store holds */
async function reopenCount(dir) {
  const disk = DiskStore.open({ dir });
  const store = new TraceStore({ backing: disk, epoch: disk.epoch, maxSpans: 100_000 });
  disk.attach(store);
  const spans = store.stats().spans;
  const blockMs = await checkpointBlock(disk);
  await disk.close();
  store.dispose();
  return { spans, blockMs };
}

function dirBytes(dir) {
  let n = 0;
  for (const f of readdirSync(dir)) n += statSync(join(dir, f)).size;
  return n;
}

async function reopen(dir, spans) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'dist/receiver.js'), '--store', dir, '--http-port', '0', '--grpc-port', '0', '--idle-exit-ms', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const line = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.on('exit', (code) => reject(new Error(`receiver exited ${code}: ${err}`)));
  });
  const api = new ApiClient({ port: line.api, token: line.token, timeoutMs: 60_000 });
  const list = await api.traces();
  const ms = performance.now() - t0;
  const listed = list.reduce((a, t) => a + t.spanCount, 0);
  api.dispose();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  if (listed !== spans) throw new Error(`the reopened receiver lists ${listed} of ${spans} spans`);
  const open = /listed in (\d+) ms/.exec(err);
  return { ms, openMs: open ? Number(open[1]) : NaN, traces: list.length };
}

async function main() {
  const keep = process.env.BENCH_STORE_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'bench-store-'));
  try {
    const t0 = performance.now();
    const block = [];
    let spans;
    if (keep && existsSync(join(keep, 'meta.json'))) {
      const reopened = await reopenCount(keep);
      spans = reopened.spans;
      block.push(reopened.blockMs);
    } else {
      const filled = await fill(dir);
      spans = filled.spans;
      block.push(filled.blockMs, (await reopenCount(dir)).blockMs);
    }
    const fillMs = performance.now() - t0;
    const bytes = dirBytes(dir);
    const runs = [];
    const cal = [];
    for (let r = 0; r < RUNS; r++) {
      cal.push(calibrate());
      runs.push(await reopen(dir, spans));
    }
    console.log(JSON.stringify({
      bench: 'store', spans, reopenMs: median(runs.map((x) => x.openMs)), firstListMs: Math.round(median(runs.map((x) => x.ms))),
      bytesPerSpanOnDisk: +(bytes / spans).toFixed(1), checkpointBlockMs: block, calibrationMs: +median(cal).toFixed(1), traces: runs[0].traces,
      reopenRuns: runs.map((x) => x.openMs), fillSeconds: +(fillMs / 1000).toFixed(1), runs: RUNS,
    }));
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
