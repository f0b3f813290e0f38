// Builders for the traced-app tests (not a test file itself): small Express, Koa and Fastify apps written to a
// temp dir as CommonJS, ESM or TypeScript, each line that a span should point at tagged `// @tag`, and a
// helper that runs one through `trace-explorer run` against a receiver and returns its spans.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

const DRIVE = `async function drive(base) {
  for (const p of ['/hello', '/boom', '/call']) {
    await (await fetch(base + p)).text(); // @drive
  }
}`;

function body(framework, ts) {
  const A = ts ? ': any' : '';
  switch (framework) {
    case 'express':
      return `const app = express();
let port${ts ? ': number' : ''} = 0;
app.use(function logger(req${A}, res${A}, next${A}) { next(); }); // @mw
app.get('/hello', function hello(req${A}, res${A}) { res.send('hi'); }); // @hello
app.get('/boom', function boom(req${A}, res${A}) { throw new Error('boom'); }); // @boom
app.get('/call', async function call(req${A}, res${A}) { // @call
  const r = await fetch(\`http://127.0.0.1:\${port}/hello\`); // @fetch
  res.send(await r.text());
});
${DRIVE}
const server = app.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  drive(\`http://127.0.0.1:\${port}\`).finally(() => server.close());
});
`;
    case 'koa':
      return `const app = new Koa();
app.silent = true;
const router = new Router();
let port${ts ? ': number' : ''} = 0;
app.use(async function timing(ctx${A}, next${A}) { await next(); }); // @mw
router.get('/hello', async function hello(ctx${A}) { ctx.body = 'hi'; }); // @hello
router.get('/boom', async function boom(ctx${A}) { throw new Error('boom'); }); // @boom
router.get('/call', async function call(ctx${A}) { // @call
  const r = await fetch(\`http://127.0.0.1:\${port}/hello\`); // @fetch
  ctx.body = await r.text();
});
app.use(router.routes());
${DRIVE}
const server = app.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  drive(\`http://127.0.0.1:\${port}\`).finally(() => server.close());
});
`;
    case 'fastify':
      return `const app = Fastify();
let port${ts ? ': number' : ''} = 0;
app.addHook('onRequest', async function checkAuth(req${A}, reply${A}) {}); // @mw
app.get('/hello', async function hello(req${A}, reply${A}) { return 'hi'; }); // @hello
app.get('/boom', async function boom(req${A}, reply${A}) { throw new Error('boom'); }); // @boom
app.get('/call', async function call(req${A}, reply${A}) { // @call
  const r = await fetch(\`http://127.0.0.1:\${port}/hello\`); // @fetch
  return await r.text();
});
${DRIVE}
app.listen({ port: 0, host: '127.0.0.1' }).then(() => {
  port = app.server.address().port;
  return drive(\`http://127.0.0.1:\${port}\`);
}).finally(() => app.close());
`;
    default:
      throw new Error(framework);
  }
}

const IMPORTS = {
  express: { cjs: "const express = require('express');", esm: "import express from 'express';" },
  koa: { cjs: "const Koa = require('koa');\nconst Router = require('@koa/router');", esm: "import Koa from 'koa';\nimport Router from '@koa/router';" },
  fastify: { cjs: "const Fastify = require('fastify');", esm: "import Fastify from 'fastify';" },
};

/**
 * Writes the app; kind = 'cjs' | 'esm' | 'ts'. TypeScript files open with declarations the compiler drops,
 * so generated and original lines differ and only a working source map gives the right ones.
 */
function writeApp(framework, kind, extraPackageJson = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `te-${framework}-${kind}-`));
  // the repo's node_modules hold the frameworks (and tsx); the app itself depends on no OpenTelemetry package
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const name = `${framework}-${kind}-app`;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, ...extraPackageJson }));
  const ts = kind === 'ts';
  const head = ts
    ? `interface Reply {\n  status: number;\n  text: string;\n}\ntype Handler = (req: unknown) => Promise<Reply>;\n${IMPORTS[framework].esm}\n`
    : `${IMPORTS[framework][kind === 'cjs' ? 'cjs' : 'esm']}\n`;
  const file = path.join(dir, ts ? 'app.ts' : kind === 'esm' ? 'app.mjs' : 'app.js');
  fs.writeFileSync(file, head + body(framework, ts));
  return { dir, file, name, tags: tagLines(fs.readFileSync(file, 'utf8')) };
}

function tagLines(source) {
  const tags = {};
  source.split('\n').forEach((l, i) => {
    const m = /\/\/ @(\w+)/.exec(l);
    if (m) tags[m[1]] = i + 1;
  });
  return tags;
}

/** Runs `trace-explorer run [runArgs] -- <command>` in dir; resolves {code, stderr, stdout}. */
function runTraced(dir, runArgs, command, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'run', ...runArgs, '--', ...command], {
      cwd: dir,
      env: { ...process.env, NODE_OPTIONS: '', TRACE_EXPLORER_LOG: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Every span of the stored traces as {traceId, spanId, parentSpanId, name, kind, scope, service, attrs}. */
async function allSpans(api) {
  const out = [];
  for (const summary of await api.traces()) {
    const t = await api.trace(summary.traceId);
    if (!t) continue;
    for (const rs of t.resourceSpans) {
      const res = Object.fromEntries((rs.resource?.attributes ?? []).map((kv) => [kv.key, Object.values(kv.value)[0]]));
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          const attrs = Object.fromEntries((s.attributes ?? []).map((kv) => [kv.key, Object.values(kv.value)[0]]));
          for (const k of ['code.line.number', 'code.column.number']) if (attrs[k] !== undefined) attrs[k] = Number(attrs[k]);
          out.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, kind: s.kind, scope: ss.scope?.name, service: res['service.name'], attrs });
        }
      }
    }
  }
  return out;
}

module.exports = { ROOT, CLI, writeApp, runTraced, allSpans, tagLines };
