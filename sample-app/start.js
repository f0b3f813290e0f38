#!/usr/bin/env node
'use strict';
// Starts the three sample services (inventory, then orders, then frontend), each its own Node process with
// its own OpenTelemetry SDK, and prints one JSON line when all listen:
//   {"event":"ready","urls":{"frontend":"http://127.0.0.1:8080","orders":…,"inventory":…}}
// Options: --load [rate]  also run the load generator continuously (default 5 requests/s).
// Env: FRONTEND_PORT / ORDERS_PORT / INVENTORY_PORT (defaults 8080/8081/8082; 0 picks a free port), OTEL_*.
// Ctrl-C / SIGTERM stops everything after the services flush their telemetry.
const { spawn } = require('node:child_process');
const path = require('node:path');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  // it runs on Node 20 too, but outside what the SDK supports
  process.stderr.write(`sample-app: note: the OpenTelemetry JS SDK 3.x supports Node >= 22.15 (this is ${process.version}).\n`);
}

const args = process.argv.slice(2);
const loadIdx = args.indexOf('--load');
const loadRate = loadIdx >= 0 ? Number(args[loadIdx + 1]) || 5 : 0;

const children = [];
let stopping = false;

function startService(name, port, extraEnv) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'services', name, 'server.js')], {
      env: { ...process.env, ...extraEnv, [`${name.toUpperCase()}_PORT`]: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const msg = JSON.parse(line);
          if (msg.event === 'listening') { resolve(msg.url); continue; }
        } catch { /* not a JSON line: pass through */ }
        process.stdout.write(`[${name}] ${line}\n`);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => process.stderr.write(d.replace(/^(?=.)/gm, `[${name}] `)));
    child.on('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`sample-app: ${name} exited (${signal || code}); stopping the others\n`);
        stop(1);
      }
      reject(new Error(`${name} exited before listening`));
    });
  });
}

let loadGen;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  if (loadGen) loadGen.stop();
  const exits = children.filter((c) => c.exitCode === null && c.signalCode === null)
    .map((c) => new Promise((r) => { c.once('exit', r); c.kill('SIGTERM'); }));
  const timer = setTimeout(() => children.forEach((c) => c.kill('SIGKILL')), 8000);
  await Promise.all(exits);
  clearTimeout(timer);
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

(async () => {
  const port = (name, dflt) => Number(process.env[`${name}_PORT`] ?? dflt);
  const inventory = await startService('inventory', port('INVENTORY', 8082), {});
  const orders = await startService('orders', port('ORDERS', 8081), { INVENTORY_URL: inventory });
  const frontend = await startService('frontend', port('FRONTEND', 8080), { ORDERS_URL: orders });
  process.stdout.write(JSON.stringify({ event: 'ready', urls: { frontend, orders, inventory } }) + '\n');
  if (loadRate > 0) {
    loadGen = require('./load').generate({ baseUrl: frontend, rate: loadRate, count: Infinity, quiet: true });
    process.stdout.write(`sample-app: load generator running at ${loadRate} requests/s against ${frontend}\n`);
  }
})().catch((err) => {
  if (!stopping) { process.stderr.write(`sample-app: ${err.message}\n`); stop(1); }
});
