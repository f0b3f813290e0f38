// Copy Trace as Test Fixture generates in a worker thread (dist/fixtureWorker.js, driven by
// src/fixtures/fixtureJob.ts): the same text as in-process, progress as it goes, errors with their kind,
// the caller's thread free meanwhile, and a cancel that stops the worker mid-way.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const { runFixtureJob, FixtureJobCancelled } = require(path.join(root, 'out/src/fixtures/fixtureJob.js'));
const { generateFixture } = require(path.join(root, 'out/src/fixtures/generate.js'));
const { SelectionError } = require(path.join(root, 'out/src/fixtures/select.js'));
const { importTraceFile } = require(path.join(root, 'out/src/fixtures/detect.js'));

const WORKER = path.join(root, 'dist/fixtureWorker.js');

// every worker started, and whether it has exited (fixtureJob.js looks Worker up when it starts one)
const threads = require('node:worker_threads');
const started = [];
threads.Worker = class extends threads.Worker {
  constructor(...args) {
    super(...args);
    const entry = { exited: false };
    started.push(entry);
    this.on('exit', () => (entry.exited = true));
  }
};
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const spanHex = (i) => (i + 1).toString(16).padStart(16, '0');

function chain(depth) {
  const spans = [];
  for (let i = 0; i < depth; i++) {
    spans.push({
      traceId: TRACE,
      spanId: spanHex(i),
      ...(i ? { parentSpanId: spanHex(i - 1) } : {}),
      name: `op-${i % 5}`,
      kind: 1,
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i)),
      endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(2 * depth - i)),
      attributes: [{ key: 'db.system', value: { stringValue: 'postgresql' } }],
    });
  }
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ spans }] }] };
}

test('the worker bundle was built', () => {
  assert.ok(fs.existsSync(WORKER), 'run node scripts/build.mjs first');
});

test('the worker generates the same text as in-process, reporting each step', async () => {
  const data = importTraceFile(fs.readFileSync(path.join(root, 'test/fixtures-data/jaeger-ui-download.json'))).data;
  for (const format of ['otlp-json', 'vitest', 'pytest', 'tracetest']) {
    const steps = [];
    const result = await runFixtureJob(WORKER, { data, options: { format } }, { onProgress: (m) => steps.push(m) });
    assert.deepEqual(result, generateFixture(data, { format }), format);
    assert.equal(steps[0], 'Selecting spans…');
    assert.match(steps[1], /^Sanitising 6 spans…$/);
    assert.match(steps.at(-1), /^Writing the /);
  }
});

test('errors keep their kind; an invalid redaction pattern is reported once and the rest still applies', async () => {
  const data = chain(3);
  await assert.rejects(
    runFixtureJob(WORKER, { data, options: { format: 'vitest', traceId: 'ffffffffffffffffffffffffffffffff' } }),
    (e) => e instanceof SelectionError && /trace ffffffffffffffffffffffffffffffff is not in the input/.test(e.message),
  );
  const invalid = [];
  const r = await runFixtureJob(
    WORKER,
    { data, options: { format: 'vitest', redactPatterns: ['(', 'postgres'] } },
    { onInvalidPattern: (pattern, error) => invalid.push([pattern, error]) },
  );
  assert.equal(invalid.length, 1);
  assert.equal(invalid[0][0], '(');
  assert.ok(!r.text.includes('postgresql'), 'the valid pattern was applied');
});

test("the caller's thread stays free while a big trace is generated", async () => {
  let turns = 0;
  let spinning = true;
  const spin = () => {
    turns++;
    if (spinning) setImmediate(spin);
  };
  setImmediate(spin);
  const r = await runFixtureJob(WORKER, { data: chain(50_000), options: { format: 'pytest' } });
  spinning = false;
  assert.match(r.text, /"depth": 49999,/);
  assert.ok(turns > 10, `the event loop turned ${turns} times while the worker generated`);
});

test('cancel mid-way: the job rejects as cancelled and the worker is stopped', async () => {
  const abort = new AbortController();
  const steps = [];
  const job = runFixtureJob(WORKER, { data: chain(200_000), options: { format: 'vitest' } }, {
    signal: abort.signal,
    onProgress: (m) => {
      steps.push(m);
      abort.abort(); // at the first step: the worker is busy generating
    },
  });
  const worker = started.length;
  await assert.rejects(job, FixtureJobCancelled);
  assert.deepEqual(steps, ['Selecting spans…'], 'no progress is reported after the cancel');
  await new Promise((r) => setImmediate(r));
  assert.equal(started[worker - 1].exited, true, 'the worker has stopped when the job says cancelled');
  // an already-aborted signal never starts a worker
  await assert.rejects(runFixtureJob(WORKER, { data: chain(2), options: { format: 'vitest' } }, { signal: AbortSignal.abort() }), FixtureJobCancelled);
  assert.equal(started.length, worker);
  assert.ok(started.every((w) => w.exited), 'no worker is left running after any job');
});

test('given where the trace is, the worker reads it itself (with the token); a trace no longer held is TraceNotHeld', async () => {
  const { TraceNotHeld } = require(path.join(root, 'out/src/fixtures/fixtureJob.js'));
  const http = require('node:http');
  const data = chain(50);
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push([req.url, req.headers.authorization]);
    if (req.url !== `/api/traces/${TRACE}`) { res.writeHead(404).end('not held'); return; }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(data));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const steps = [];
    const result = await runFixtureJob(WORKER, { data: { url: `${base}/api/traces/${TRACE}`, authorization: 'Bearer t0ken' }, options: { format: 'pytest' } },
      { onProgress: (m) => steps.push(m) });
    assert.deepEqual(result, generateFixture(data, { format: 'pytest' }));
    assert.equal(steps[0], 'Reading the trace…');
    assert.deepEqual(seen[0], [`/api/traces/${TRACE}`, 'Bearer t0ken']);
    await assert.rejects(runFixtureJob(WORKER, { data: { url: `${base}/api/traces/ffff`, authorization: 'Bearer t0ken' }, options: { format: 'pytest', traceId: 'ffff' } }),
      (e) => e instanceof TraceNotHeld && /no longer held/.test(e.message));
  } finally {
    server.close();
  }
});
