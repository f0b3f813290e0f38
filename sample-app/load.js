#!/usr/bin/env node
'use strict';
// Load generator for the sample app: a mix of checkouts (fast), reports (slow) and failing requests.
//   node load.js [--url http://127.0.0.1:8080] [--count N | --forever] [--rate R]   (R requests per second)
// Prints a one-line summary per 10 s (continuous) or at the end: {"event":"load","sent":…,"byStatus":{…}}.
// One round, interleaved so that even a short run hits every endpoint: 8 checkouts (one out of stock: a
// clean 409, with no exception; only the client span that receives it is an error), 1 slow report, 1 failing
// request.
const WEIGHTED = [
  '/checkout?item=apple&qty=1', '/checkout?item=pear&qty=2', '/slow', '/checkout?item=apple&qty=3', '/fail',
  '/checkout?item=plum&qty=1', '/checkout?item=fig&qty=1', '/checkout?item=apple&qty=1', '/checkout?item=pear&qty=1',
  '/checkout?item=apple&qty=2',
];

function generate({ baseUrl, rate = 5, count = 20, quiet = false, onDone }) {
  const stats = { event: 'load', sent: 0, byStatus: {}, errors: 0 };
  let timer;
  let inFlight = 0;
  let stopped = false;
  const report = () => process.stdout.write(JSON.stringify(stats) + '\n');
  const one = async () => {
    const path = WEIGHTED[stats.sent % WEIGHTED.length];
    stats.sent++;
    inFlight++;
    try {
      const res = await fetch(baseUrl + path, { signal: AbortSignal.timeout(15000) });
      await res.arrayBuffer();
      stats.byStatus[res.status] = (stats.byStatus[res.status] || 0) + 1;
    } catch (err) {
      stats.errors++;
      if (!quiet) process.stderr.write(`load: ${path}: ${err.message}\n`);
    } finally {
      inFlight--;
      if (stats.sent >= count && inFlight === 0) finish();
    }
  };
  const finish = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    clearInterval(summary);
    report();
    if (onDone) onDone(stats);
  };
  timer = setInterval(() => { if (stats.sent < count) one(); }, Math.max(1, Math.round(1000 / rate)));
  const summary = setInterval(report, 10000);
  if (quiet) summary.unref();
  return { stats, stop: finish };
}

module.exports = { generate };

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
  const baseUrl = opt('--url', process.env.FRONTEND_URL || `http://127.0.0.1:${process.env.FRONTEND_PORT ?? 8080}`);
  const count = args.includes('--forever') ? Infinity : Number(opt('--count', 20));
  const rate = Number(opt('--rate', 5));
  if (!(rate > 0) || !(count > 0)) { process.stderr.write('load: --rate and --count must be positive numbers\n'); process.exit(2); }
  const g = generate({ baseUrl, rate, count, onDone: (s) => process.exit(s.errors ? 1 : 0) });
  process.on('SIGINT', () => g.stop());
}
