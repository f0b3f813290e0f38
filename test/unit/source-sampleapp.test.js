// Real traces from the sample app (three Node services on the OpenTelemetry SDK, with a span processor
// adding code.* attributes), run from a COPY in another directory so the paths in the spans are not the
// workspace's: every span with a location signal must resolve to the right file and line of the workspace
// through the suffix index — via the locate CLI, and via the receiver's /api/locations statistics.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startTestReceiver } = require('./_receiverHelpers.js');
const { runLocate } = require('../../out/src/cli/locate.js');
const { SourceResolver } = require('../../out/src/source/resolver.js');
const { nodeWorkspace } = require('../../out/src/source/workspace.js');

const repo = path.join(__dirname, '..', '..');
// the workspace is the app's folder as a developer opens it (the repo also holds e2e copies of the app,
// which would — rightly — make paths ambiguous)
const workspace = path.join(repo, 'sample-app');
let rx;
let tmp;
let app;
let urls;
let traces = [];
let locations;

function attr(span, key) {
  const kv = (span.attributes || []).find((a) => a.key === key);
  if (!kv) return undefined;
  const v = kv.value;
  return v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined);
}

async function waitFor(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

before(async () => {
  rx = await startTestReceiver();
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'te-sample-')));
  // a deployed copy somewhere else: /tmp/…/deploy/sample-app, like a container's /app
  fs.cpSync(path.join(repo, 'sample-app'), path.join(tmp, 'deploy', 'sample-app'), { recursive: true });
  app = spawn(process.execPath, [path.join(tmp, 'deploy', 'sample-app', 'start.js')], {
    env: {
      ...process.env,
      NODE_PATH: path.join(repo, 'node_modules'),
      FRONTEND_PORT: '0', ORDERS_PORT: '0', INVENTORY_PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.httpPort}`,
      OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_BLRP_SCHEDULE_DELAY: '100', OTEL_METRIC_EXPORT_INTERVAL: '60000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  app.stderr.on('data', (d) => (err += d));
  urls = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`sample app did not start: ${err}`)), 30000);
    app.stdout.on('data', (d) => {
      out += d;
      const m = /^\{"event":"ready".*$/m.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(JSON.parse(m[0]).urls);
      }
    });
    app.on('exit', (code) => reject(new Error(`sample app exited ${code}: ${err}`)));
  });
  for (const p of ['/checkout?item=apple&qty=1', '/checkout?item=pear&qty=2', '/slow', '/fail', '/checkout?item=fig&qty=1']) {
    const res = await fetch(urls.frontend + p);
    await res.arrayBuffer();
  }
  // every request's spans, from all three services, have arrived (the failing one included)
  await waitFor('the traces', async () => {
    const sums = await rx.api.traces();
    return sums.length >= 5 && sums.reduce((n, s) => n + s.spanCount, 0) >= 30 && sums.some((s) => s.errorCount > 0);
  });
  await new Promise((r) => setTimeout(r, 600)); // stragglers of the last batch
  for (const s of await rx.api.traces()) traces.push(await rx.api.trace(s.traceId));
  locations = await rx.api.locations();
});

after(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise((r) => app.once('exit', r));
    app.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 8000))]);
  }
  await rx?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('every span with code.* attributes resolves to the same line of the workspace copy (locate CLI)', async () => {
  const file = path.join(tmp, 'traces.jsonl');
  fs.writeFileSync(file, traces.map((t) => JSON.stringify(t)).join('\n'));
  const out = [];
  const errs = [];
  const code = await runLocate([file, '--workspace', workspace], { out: (l) => out.push(JSON.parse(l)), err: (l) => errs.push(l) });
  assert.equal(code, 0, errs.join('\n'));
  const byId = new Map(out.map((o) => [o.spanId, o]));
  let located = 0;
  for (const t of traces) {
    for (const rs of t.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          const o = byId.get(span.spanId);
          assert.ok(o, `locate printed span ${span.spanId}`);
          const raw = attr(span, 'code.file.path');
          if (!raw) continue;
          located++;
          assert.ok(raw.startsWith(path.join(tmp, 'deploy')), `the span's path is the deployed copy's: ${raw}`);
          const rel = path.relative(path.join(tmp, 'deploy', 'sample-app'), raw).split(path.sep).join('/');
          assert.equal(o.file, rel, `${span.name}: ${JSON.stringify(o)}`);
          assert.equal(o.line, attr(span, 'code.line.number'), span.name);
          assert.equal(o.layer, 'attributes');
          assert.equal(o.via, 'suffix');
          // and that line of the workspace file is the call that started the span: one of the app's own
          // spans, or the handler line whose outgoing HTTP call the instrumentation made a client span for
          const text = fs.readFileSync(path.join(workspace, o.file), 'utf8').split('\n')[o.line - 1];
          assert.match(text, /withSpan\(|startActiveSpan\(|startSpan\(|http\.request\(|callService\(|fetch\(/, `${o.file}:${o.line} is "${text.trim()}"`);
          // at the column the span processor saw
          if (attr(span, 'code.column.number')) assert.equal(o.column, attr(span, 'code.column.number'));
        }
      }
    }
  }
  assert.ok(located >= 10, `spans with code attributes: ${located}`);
  // spans without any signal say so
  const unplaced = out.filter((o) => o.file === null);
  for (const o of unplaced) assert.ok(['no-signal', 'no-symbol'].includes(o.reason), JSON.stringify(o));
});

test('the receiver indexed those locations; the failing request’s throw site resolves to the throwing line', () => {
  const resolver = new SourceResolver(nodeWorkspace([workspace]));
  const handlers = locations.locations.filter((l) => l.file && l.file.endsWith('handlers.js'));
  assert.ok(handlers.length >= 4, JSON.stringify(locations.locations.map((l) => l.key)));
  for (const l of handlers) {
    const r = resolver.resolveSync({ file: l.file, line: l.line, layer: l.layer });
    assert.equal(r.ok, true, l.key);
    assert.match(r.rel, /^services\/\w+\/handlers\.js$/);
    assert.equal(r.line, l.line);
  }
  const failing = locations.locations.filter((l) => l.errors > 0);
  assert.ok(failing.length >= 1, 'a location with errors');
  // inventory's unexpected error (frontend and orders see it as a 502 from their callers, thrown in lib/http.js)
  const withThrow = failing.find((l) => l.lastError?.throwFrame && /no stock record/.test(l.lastError.message));
  assert.ok(withThrow, JSON.stringify(failing));
  const tf = withThrow.lastError.throwFrame;
  const r = resolver.resolvePath(tf.file, tf.line, tf.column);
  assert.equal(r.ok, true, JSON.stringify(tf));
  const text = fs.readFileSync(r.path, 'utf8').split('\n')[r.line - 1];
  assert.match(text, /throw new Error/, `${r.rel}:${r.line} is "${text.trim()}"`);
  assert.match(withThrow.lastError.message, /no stock record/);
  assert.ok(withThrow.latestError && /^[0-9a-f]{32}$/.test(withThrow.latestError.traceId));
});

test('the out-of-stock checkout is what the sample app README says: no exception, and the only error span is the HTTP client span that got the 409', () => {
  const spansOf = (t) => t.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  const fig = traces.find((t) => spansOf(t).some((s) => attr(s, 'app.item') === 'fig'));
  assert.ok(fig, 'the fig checkout trace');
  const spans = spansOf(fig);
  assert.deepEqual(spans.flatMap((s) => (s.events || []).filter((e) => e.name === 'exception').map(() => s.name)), [], 'no exception recorded');
  assert.ok(spans.some((s) => (s.events || []).some((e) => e.name === 'request rejected')), 'the handler notes the rejection as an event');
  const errors = spans.filter((s) => s.status && s.status.code === 2);
  // HTTP semantic conventions: a 4xx leaves a SERVER span's status unset and SHOULD make a CLIENT span's Error
  assert.deepEqual(errors.map((s) => [s.kind, attr(s, 'http.response.status_code')]), [[3, 409]]);
  const readme = fs.readFileSync(path.join(workspace, 'README.md'), 'utf8');
  const row = readme.split('\n').find((l) => l.includes('item=fig'));
  assert.match(row, /409/);
  assert.match(row, /client span/i, 'the README says which span is marked an error');
  assert.doesNotMatch(row, /not an error\b/, 'the README does not promise a trace without errors');
});
