#!/usr/bin/env node
// `DEMO_SMOKE=1 npm run demo`: the demo in a smoke mode, for CI and for checking a fresh machine. demo.sh runs:
//   node scripts/demo-smoke.mjs user --name demo --url URL --timeout-ms N
//       a headless Chromium opens the workbench as a user would (that starts the extension and its receiver),
//       then waits until the receiver holds traces from the sample app's three services; prints one JSON line
//       and exits 0, or 1 with the reason. The browser is closed either way.
//   node scripts/demo-smoke.mjs pids --name demo
//       prints the pids of what the demo runs that demo.sh did not start itself (code-server, the receiver).
//   node scripts/demo-smoke.mjs gone --pids "1 2 3" --ports "4318 4317 7080"
//       after the demo stopped: exits 1 naming every pid still alive and every port still listening.
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { RUN_ROOT, openWorkbench, receiverState, listTraces, isPortOpen } from '../test/e2e/lib.mjs';

const [cmd, ...rest] = process.argv.slice(2);
const opt = (name, dflt) => { const i = rest.indexOf(`--${name}`); return i >= 0 ? rest[i + 1] : dflt; };
const name = opt('name', 'demo');
const runDir = join(RUN_ROOT, name);
const SERVICES = ['frontend', 'orders', 'inventory'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

async function user() {
  const url = opt('url');
  const timeout = Number(opt('timeout-ms', 180000));
  const deadline = Date.now() + timeout;
  const h = { url: new URL(url).origin, userDataDir: join(runDir, 'data'), workspace: new URL(url).searchParams.get('folder') };
  const wb = await openWorkbench(h, { name: 'demo-smoke', folder: h.workspace });
  try {
    let last = { traces: 0, services: [] };
    while (Date.now() < deadline) {
      if (receiverState(h)) {
        try {
          const traces = await listTraces(h);
          const services = new Set(traces.flatMap((t) => t.services ?? [t.service]).filter(Boolean));
          last = { traces: traces.length, services: [...services].sort() };
          if (traces.length >= 5 && SERVICES.every((s) => services.has(s))) {
            await wb.screenshot('traces');
            process.stdout.write(JSON.stringify({ demoSmoke: 'ok', ...last }) + '\n');
            return 0;
          }
        } catch (e) { last.error = e.message; }
      }
      await sleep(500);
    }
    await wb.screenshot('timeout');
    process.stderr.write(`demo smoke: after ${timeout} ms the receiver holds ${last.traces} traces from ` +
      `[${last.services.join(', ')}]${last.error ? ` (last API error: ${last.error})` : ''}; expected ≥ 5 traces ` +
      `from ${SERVICES.join(', ')}. The sample app's and code-server's logs are above and in ${runDir}.\n`);
    return 1;
  } finally {
    await wb.close();
  }
}

async function pids() {
  const out = [];
  const pidFile = join(runDir, 'code-server.pid');
  if (existsSync(pidFile)) out.push(Number(readFileSync(pidFile, 'utf8')));
  const s = receiverState({ userDataDir: join(runDir, 'data') });
  if (s?.pid) out.push(s.pid);
  process.stdout.write(out.join(' ') + '\n');
  return 0;
}

async function gone() {
  const want = (opt('pids', '') || '').split(/\s+/).filter(Boolean).map(Number);
  const ports = (opt('ports', '') || '').split(/\s+/).filter(Boolean).map(Number);
  let left = [];
  for (let i = 0; i < 50; i++) { // a process that got SIGTERM may take a moment
    left = [
      ...want.filter(alive).map((p) => `process ${p} is still running`),
      ...(await Promise.all(ports.map(async (p) => ((await isPortOpen(p)) ? `port ${p} is still listening` : null)))).filter(Boolean),
    ];
    if (left.length === 0) break;
    await sleep(200);
  }
  if (left.length) {
    process.stderr.write(`demo smoke: after stopping, ${left.join('; ')}\n`);
    return 1;
  }
  process.stdout.write(JSON.stringify({ demoSmoke: 'stopped', pids: want.length, ports: ports.length }) + '\n');
  return 0;
}

const commands = { user, pids, gone };
if (!commands[cmd]) {
  process.stderr.write('usage: demo-smoke.mjs user --url URL [--name demo] [--timeout-ms N] | pids [--name demo] | gone --pids "…" --ports "…"\n');
  process.exit(2);
}
process.exitCode = await commands[cmd]().catch((e) => {
  process.stderr.write(`demo smoke: ${e.stack || e.message}\n`);
  return 1;
});
