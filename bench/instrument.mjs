// npm run bench:instrument — what tracing costs a small Express app, and what code locations cost per span.
// Prints one JSON object per line (medians over RUNS runs; the three modes take turns in every run, so a
// noisy machine slows them alike):
//   {"bench":"instrument","mode":"none"|"standard"|"ours","reqPerSec":…,"p99Ms":…}
//     none      node app.js
//     standard  node --require @opentelemetry/auto-instrumentations-node/register app.js
//     ours      node --require dist/instrument/register.js app.js (code locations included)
//     The app (one middleware, a JSON route with a path parameter) runs as a child process; both exporting
//     modes send OTLP/HTTP protobuf to a throwaway local sink that answers 200. Load: CONNECTIONS keep-alive
//     connections, each sending its next request when the previous answer arrived, for SECONDS after a
//     WARMUP; p99 = 99th percentile latency of that run. "ours" also prints ratioToStandard (median reqPerSec
//     of ours ÷ median of standard; target ≥ 0.9).
//   {"bench":"code-location","nsPerSpanP50":…,"atEndNsPerSpanP50":…,"noEntryNsPerSpanP50":…,"captureFloorNsP50":…,"calibrationMs":…}
//     the runtime's code-location work (out/src/instrument/codeAttributes.js) for a span a client library
//     starts 8 frames below the function the app called: nsPerSpanP50 = at span start, when that function is
//     one an instrumentation patched (the raw stack capture below it, on the request's path; target ≤ 2000 ns),
//     atEndNsPerSpanP50 = when the span ends (formatting the captured stack, the first application frame, four
//     attributes), noEntryNsPerSpanP50 = at span start when no patched function leads to the span,
//     captureFloorNsP50 = V8's cheapest stack capture (one frame) timed the same way, the floor for any of them;
//     medians over batches of 2000 spans, in CPU time of the bench thread
// Env: BENCH_RUNS (default 5), BENCH_SECONDS (default 3), BENCH_WARMUP_SECONDS (default 1),
// BENCH_CONNECTIONS (default 8), BENCH_ONLY=instrument,code-location (default both).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdtempSync, writeFileSync, symlinkSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as http from 'node:http';
import { calibrate } from './calibrate.mjs';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'instrument,code-location').split(','));
const MODES = ['none', 'standard', 'ours'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round1 = (x) => Math.round(x * 10) / 10;

const APP = `const express = require('express');
const app = express();
app.use(function requestId(req, res, next) { res.setHeader('x-request-id', String(Date.now())); next(); });
app.get('/api/items/:id', function getItem(req, res) {
  const id = Number(req.params.id);
  res.json({ id, name: 'item ' + id, tags: ['a', 'b', 'c'], price: id * 1.5 });
});
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

function writeApp() {
  const dir = mkdtempSync(join(tmpdir(), 'te-bench-instrument-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-express-app', private: true }));
  writeFileSync(join(dir, 'app.js'), APP);
  return dir;
}

/** A throwaway OTLP endpoint: reads the body, answers 200. */
function startSink() {
  return new Promise((resolve) => {
    let requests = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
        res.end();
      });
    });
    server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, requests: () => requests, close: () => server.close() }));
  });
}

function startApp(dir, mode, sinkPort) {
  const env = { ...process.env, NODE_OPTIONS: '', TRACE_EXPLORER_QUIET: '1' };
  const args = [];
  if (mode !== 'none') {
    Object.assign(env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      // no cloud metadata lookups over the network
      OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
    });
  }
  if (mode === 'standard') args.push('--require', '@opentelemetry/auto-instrumentations-node/register');
  if (mode === 'ours') args.push('--require', join(ROOT, 'dist', 'instrument', 'register.js'));
  const child = spawn(process.execPath, [...args, 'app.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, port: Number(out.slice(0, nl)) });
    });
    child.on('exit', (code) => reject(new Error(`${mode} app exited ${code} before listening`)));
  });
}

/** CONNECTIONS keep-alive loops against the app for `seconds`; latencies recorded only when `record`. */
async function load(port, seconds, record) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies = [];
  let done = 0;
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const one = () => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: `/api/items/${n++ % 1000}`, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (record) latencies.push(performance.now() - t0);
        done++;
        resolve();
      });
    });
    req.on('error', reject);
  });
  const loop = async () => {
    while (performance.now() < end) await one();
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { reqPerSec: done / elapsed, p99Ms: latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] : 0 };
}

async function benchInstrument() {
  const dir = writeApp();
  const sink = await startSink();
  const results = Object.fromEntries(MODES.map((m) => [m, []]));
  try {
    for (let run = 0; run < RUNS; run++) {
      // rotate the order so no mode always runs first or last
      const order = MODES.map((_, i) => MODES[(i + run) % MODES.length]);
      for (const mode of order) {
        const { child, port } = await startApp(dir, mode, sink.port);
        try {
          await load(port, WARMUP, false);
          results[mode].push(await load(port, SECONDS, true));
        } finally {
          // SIGKILL: the standard register answers SIGTERM by shutting its SDK down and keeps serving
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGKILL');
          await exited;
        }
      }
    }
  } finally {
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const med = {};
  for (const mode of MODES) {
    med[mode] = { reqPerSec: median(results[mode].map((r) => r.reqPerSec)), p99Ms: median(results[mode].map((r) => r.p99Ms)) };
    const line = { bench: 'instrument', mode, reqPerSec: Math.round(med[mode].reqPerSec), p99Ms: round1(med[mode].p99Ms) };
    if (mode === 'ours') line.ratioToStandard = Math.round((med.ours.reqPerSec / med.standard.reqPerSec) * 100) / 100;
    line.runs = results[mode].map((r) => Math.round(r.reqPerSec));
    console.log(JSON.stringify(line));
  }
  if (sink.requests() === 0) console.error('bench: the sink received no exports — the exporting modes did not export');
}

function cpuNs() {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function benchCodeLocation() {
  const { onSpanStart, onSpanEnd } = require(join(ROOT, 'out/src/instrument/codeAttributes.js'));
  const { markEntry } = require(join(ROOT, 'out/src/instrument/entryPoints.js'));
  // A client library (under node_modules) that starts its span 8 frames below the function the app calls, as
  // an instrumented client does: `query` patched by an instrumentation (so marked as an entry, as every
  // function an instrumentation wraps is), `raw` a path no instrumentation patched.
  const dir = mkdtempSync(join(tmpdir(), 'te-bench-location-'));
  try {
    mkdirSync(join(dir, 'node_modules', 'deep-lib'), { recursive: true });
    const frames = Array.from({ length: 8 }, (_, i) => `function f${i}(s) { return ${i === 7 ? 's()' : `f${i + 1}(s)`}; }`).join('\n');
    writeFileSync(join(dir, 'node_modules', 'deep-lib', 'index.js'), `${frames}\nmodule.exports = { query: (s) => f0(s), raw: (s) => f0(s) };\n`);
    const lib = require(join(dir, 'node_modules', 'deep-lib', 'index.js'));
    lib.query = markEntry(lib.query);
    const noServer = () => undefined;
    const newSpan = () => {
      const attributes = {};
      return { attributes, setAttribute: (k, v) => { attributes[k] = v; } };
    };
    const BATCH = 2000;
    let spans = [];
    let i = 0;
    // what the SDK's Tracer.startSpan is to the runtime: the frame below which a capture without an entry starts
    function startSpan() {
      onSpanStart(spans[i], '@opentelemetry/instrumentation-pg', noServer, 2, startSpan);
    }
    function appQuery() {
      return lib.query(startSpan);
    }
    function appRaw() {
      return lib.raw(startSpan);
    }
    // V8's cheapest capture (one frame, right at the caller) on this machine in this run: no runtime can capture
    // a location from the stack for less, so it says how far the figures above are from the floor
    function floorCapture() {
      const saved = Error.stackTraceLimit;
      Error.stackTraceLimit = 1;
      const h = {};
      Error.captureStackTrace(h, floorCapture);
      Error.stackTraceLimit = saved;
      return h;
    }
    const batch = (appCall, startNs, endNs, keep) => {
      spans = Array.from({ length: BATCH }, newSpan);
      // CPU time of this thread, not wall time: other processes on a busy machine do not count
      const t0 = cpuNs();
      for (i = 0; i < BATCH; i++) appCall();
      const t1 = cpuNs();
      for (let k = 0; k < BATCH; k++) onSpanEnd(spans[k]);
      const t2 = cpuNs();
      const at = `${spans[0].attributes['code.file.path']}:${spans[0].attributes['code.function.name']}`;
      if (!at.endsWith(`instrument.mjs:${appCall.name}`)) throw new Error(`bench: captured ${at}, not ${appCall.name} in the bench file`);
      if (keep) { // the first batches warm up the code, the depth learning and the per-file cache
        startNs.push((t1 - t0) / BATCH);
        endNs.push((t2 - t1) / BATCH);
      }
    };
    // the three are measured in turns, batch by batch, so a busy moment of the machine weighs on each alike
    const entry = { start: [], end: [] };
    const noEntry = { start: [], end: [] };
    const floorNs = [];
    for (let b = 0; b < 60; b++) {
      const keep = b >= 5;
      batch(appQuery, entry.start, entry.end, keep);
      batch(appRaw, noEntry.start, noEntry.end, keep);
      const t0 = cpuNs();
      for (let k = 0; k < BATCH; k++) floorCapture();
      if (keep) floorNs.push((cpuNs() - t0) / BATCH);
    }
    const m = (xs) => Math.round(median(xs));
    // nsPerSpanP50: at span start, through a patched library function (every instrumented client);
    // atEndNsPerSpanP50: reading the stack when the span ends; noEntryNsPerSpanP50: a span no patched
    // function leads to (the capture then starts at Tracer.startSpan and reaches the app 10 frames down)
    console.log(JSON.stringify({
      bench: 'code-location', nsPerSpanP50: m(entry.start), atEndNsPerSpanP50: m(entry.end),
      noEntryNsPerSpanP50: m(noEntry.start), captureFloorNsP50: m(floorNs), calibrationMs: round1(calibrate()),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (ONLY.has('code-location')) benchCodeLocation();
if (ONLY.has('instrument')) await benchInstrument();
