#!/usr/bin/env node
// Starts/stops the code-server the e2e files share (used by scripts/test-all.sh and scripts/demo.sh).
//   node test/e2e/code-server-cli.mjs start [--name shared] [--port P] [--host H] [--folder DIR] [--install vsix|folder|none]
//       → prints `export KEY='value'` lines (CODE_SERVER_URL, E2E_RUN_DIR, E2E_USER_DATA_DIR, E2E_WORKSPACE)
//         for `eval`; code-server keeps running in its own process group.
//   node test/e2e/code-server-cli.mjs stop [--name shared]
//       → stops that code-server's process group and the receiver processes its windows forked.
//   node test/e2e/code-server-cli.mjs stop-all
//       → stops every code-server and sample app the e2e helpers started under the run root (E2E_RUN_ROOT).
//   node test/e2e/code-server-cli.mjs wait-receiver [--name shared] [--timeout-ms N]
//       → waits until a window of that code-server has started the receiver; prints its state line.
import { join } from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import { startCodeServer, stopCodeServer, stopAll, codeServerEnvExports, waitForReceiver, RUN_ROOT } from './lib.mjs';

const [cmd, ...rest] = process.argv.slice(2);
const opt = (name, dflt) => { const i = rest.indexOf(`--${name}`); return i >= 0 ? rest[i + 1] : dflt; };
const name = opt('name', 'shared');
const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

if (cmd === 'start') {
  const h = await startCodeServer({ name, port: opt('port') ? Number(opt('port')) : undefined, host: opt('host'),
    workspace: opt('folder'), install: opt('install') });
  for (const [k, v] of Object.entries(codeServerEnvExports(h))) process.stdout.write(`export ${k}=${shq(v)}\n`);
} else if (cmd === 'stop') {
  const runDir = join(RUN_ROOT, name);
  const pidFile = join(runDir, 'code-server.pid');
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
  await stopCodeServer({ pid, runDir, userDataDir: join(runDir, 'data') });
} else if (cmd === 'stop-all') {
  for (const what of await stopAll()) process.stderr.write(`stopped ${what}\n`);
} else if (cmd === 'wait-receiver') {
  const runDir = join(RUN_ROOT, name);
  const s = await waitForReceiver({ userDataDir: join(runDir, 'data') }, Number(opt('timeout-ms', 24 * 3600 * 1000)));
  process.stdout.write(JSON.stringify({ pid: s.pid, host: s.host, http: s.http, grpc: s.grpc, apiPort: s.apiPort }) + '\n');
} else {
  process.stderr.write('usage: code-server-cli.mjs start|stop|stop-all|wait-receiver [--name N] [--port P] [--folder DIR] [--install vsix|folder|none]\n');
  process.exit(2);
}
