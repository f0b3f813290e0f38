// npm run bench:diff — matching two traces of 10,000 spans each (src/diff/match.ts). Prints one JSON line:
//   {"bench":"diff","spans":10000,"ms":…,"cpuMs":…,"calibrationMs":…,"runs":[…],"loadavg":…}
// ms: the median wall-clock time of diffTraces(a, b) over RUNS runs after WARMUP runs (the JIT settles
// first, as in an editor that has compared before). The two traces have the shape of a busy request: a
// server span with 40 handlers, each with loops of repeated queries and calls (groups of up to 60 same-named
// siblings) and nested work; B differs from A as a real second run does: every duration jittered, some loops
// longer or shorter (the order-keeping alignment runs), some spans renamed and some subtrees added or gone.
// cpuMs: the same runs' CPU time (process.cpuUsage; includes the GC's helper threads): on a shared, busy
// machine wall-clock time mostly measures the other processes.
// calibrationMs: a fixed CPU workload timed in this process (compare it between machines first).
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { calibrate } from './calibrate.mjs';

const require = createRequire(import.meta.url);
const { diffTraces } = require('../out/src/diff/index.js');

const SPANS = 10_000;
const RUNS = 9;
const WARMUP = 3;

// a fixed pseudo-random sequence: every run of the bench compares the same traces
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function makeTrace(seed, variant) {
  const r = rng(seed);
  const spans = [];
  let id = 0;
  const add = (parent, name, kind, service, start, dur) => {
    const spanId = (++id).toString(16).padStart(16, '0');
    spans.push({ spanId, parentSpanId: parent, name, kind, service, start, end: start + dur, error: false });
    return spanId;
  };
  const jitter = (ns) => Math.round(ns * (variant ? 0.8 + r() * 0.5 : 1));
  const root = add('', 'POST /checkout', 2, 'gateway', 0, 0);
  let t = 0;
  for (let h = 0; spans.length < SPANS; h++) {
    const handler = add(root, `handler ${h % 40}`, 1, `svc-${h % 7}`, t, 0);
    // the same skeleton for both sides (one sequence per handler and per loop); `variant` perturbs it
    const loops = 1 + Math.floor(rng(1000 + h)() * 4);
    for (let l = 0; l < loops && spans.length < SPANS; l++) {
      const shape = rng(100_000 + h * 10 + l);
      let n = 5 + Math.floor(shape() * 55);
      if (variant && r() < 0.2) n += Math.floor(r() * 5) - 2; // a loop that ran more or fewer times
      const qname = `SELECT table_${l} WHERE id = ?`;
      for (let i = 0; i < n && spans.length < SPANS; i++) {
        const d = jitter(200_000 + shape() * 800_000);
        const q = add(handler, variant && r() < 0.005 ? `${qname} /* renamed */` : qname, 3, `svc-${h % 7}`, t, d);
        if (shape() < 0.3 && spans.length < SPANS) add(q, 'pool.acquire', 1, `svc-${h % 7}`, t, jitter(d / 4));
        t += d + 10_000;
      }
    }
    if (!(variant && r() < 0.05)) {
      const c = add(handler, 'cache.get', 3, 'redis', t, jitter(50_000));
      t += 60_000;
      if (spans.length < SPANS) add(c, 'redis GET', 3, 'redis', t - 55_000, jitter(40_000));
    }
    spans.find((s) => s.spanId === handler).end = t;
    t += 5_000;
  }
  spans[0].end = t;
  return { traceId: variant ? 'b' : 'a', spans: spans.slice(0, SPANS) };
}

const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

const a = makeTrace(1, false);
const b = makeTrace(2, true);
let last;
for (let i = 0; i < WARMUP; i++) last = diffTraces(a, b);
const runs = [];
const cpu = [];
for (let i = 0; i < RUNS; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  last = diffTraces(a, b);
  runs.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const r1 = (x) => Math.round(x * 10) / 10;
console.log(JSON.stringify({
  bench: 'diff',
  spans: SPANS,
  ms: r1(median(runs)),
  cpuMs: r1(median(cpu)),
  calibrationMs: r1(calibrate()),
  runs: runs.map(r1),
  counts: last.counts,
  loadavg: r1(os.loadavg()[0]),
}));
