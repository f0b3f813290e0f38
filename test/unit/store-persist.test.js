// The persistent store (src/store/persist/): what a restart keeps, the hot set in memory with the rest listed
// from disk, size and age limits, damaged and foreign files, and one receiver per store directory.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startTestReceiver, post, request } = require('./_receiverHelpers.js');
const { DiskStore } = require('../../out/src/store/persist/diskStore.js');
const { StoreLockedError } = require('../../out/src/store/persist/lock.js');
const { TraceStore } = require('../../out/src/store/traceStore.js');
const { decodeTracesJson } = require('../../out/src/otlp/jsonDecode.js');

const dirs = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'te-store-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const NOW = BigInt(Date.now()) * 1_000_000n;
const str = (v) => ({ stringValue: v });
const hex = (n, len) => n.toString(16).padStart(len, '0');
const JSONH = { 'content-type': 'application/json' };

/** one trace of `n` spans of service `svc`; `pad` adds an incompressible attribute of that many hex chars */
function traceDoc(traceNo, n, { svc = 'shop', pad = 0, instance = 'i1' } = {}) {
  const spans = [];
  for (let k = 0; k < n; k++) {
    const st = NOW + BigInt(traceNo) * 1_000_000n + BigInt(k) * 1000n;
    const attributes = [{ key: 'code.file.path', value: str('/app/src/orders.ts') }, { key: 'code.line.number', value: { intValue: String(10 + (k % 3)) } }];
    if (pad) attributes.push({ key: 'pad', value: str(require('node:crypto').randomBytes(pad / 2).toString('hex')) });
    spans.push({
      traceId: hex(traceNo, 32), spanId: hex(traceNo * 1000 + k + 1, 16), parentSpanId: k ? hex(traceNo * 1000 + 1, 16) : '',
      name: k ? `child ${k}` : 'GET /orders', kind: k ? 1 : 2, startTimeUnixNano: String(st), endTimeUnixNano: String(st + 500_000n), attributes,
    });
  }
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: str(svc) }, { key: 'service.instance.id', value: str(instance) }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] };
}

async function locations(rx) {
  const r = await request(rx.r.apiPort, 'GET', '/api/locations', { authorization: `Bearer ${rx.r.token}` });
  return JSON.parse(r.body.toString()).locations;
}

test('restart keeps traces, logs, pins, baselines and location statistics; Clear All clears the disk', async () => {
  const dir = tmp();
  let rx = await startTestReceiver({ storeDir: dir });
  for (let t = 1; t <= 5; t++) assert.equal((await post(rx.httpPort, '/v1/traces', Buffer.from(JSON.stringify(traceDoc(t, 4))), JSONH)).status, 200);
  const logs = { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: str('shop') }] }, scopeLogs: [{ scope: { name: 'py' }, logRecords: [
    { timeUnixNano: String(NOW), severityText: 'WARN', body: str('slow query'), traceId: hex(2, 32), spanId: hex(2002, 16) },
  ] }] }] };
  assert.equal((await post(rx.httpPort, '/v1/logs', Buffer.from(JSON.stringify(logs)), JSONH)).status, 200);
  await rx.api.pin(hex(3, 32), true);
  const [run] = await rx.api.runs('shop');
  await rx.api.setBaselineRun('shop', run.runId);
  const before = await rx.api.traces();
  const locBefore = await locations(rx);
  assert.ok(locBefore.length >= 1);
  await rx.close();

  rx = await startTestReceiver({ storeDir: dir });
  try {
    const after = await rx.api.traces();
    assert.deepEqual(after.map((t) => [t.traceId, t.spanCount, t.pinned, t.runId]), before.map((t) => [t.traceId, t.spanCount, t.pinned, t.runId]));
    assert.equal(after.find((t) => t.traceId === hex(3, 32)).pinned, true);
    const detail = await rx.api.spanDetail(hex(2, 32), hex(2002, 16));
    assert.deepEqual(detail.logs.map((l) => l.body.stringValue), ['slow query']);
    assert.equal((await rx.api.trace(hex(4, 32))).resourceSpans[0].scopeSpans[0].spans.length, 4);
    assert.deepEqual((await rx.api.runs('shop')).map((r) => [r.runId, r.baseline, r.spanCount]), [[run.runId, true, 20]]);
    // statistics are rebuilt from the log in the background (starting 3 s after the store opens)
    const deadline = Date.now() + 20_000;
    let locAfter = await locations(rx);
    while (JSON.stringify(locAfter.map((l) => [l.key, l.calls])) !== JSON.stringify(locBefore.map((l) => [l.key, l.calls])) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      locAfter = await locations(rx);
    }
    assert.deepEqual(locAfter.map((l) => [l.key, l.calls]).sort(), locBefore.map((l) => [l.key, l.calls]).sort());
    await rx.api.clear();
    assert.deepEqual(await rx.api.traces(), []);
  } finally {
    await rx.close();
  }
  rx = await startTestReceiver({ storeDir: dir });
  try {
    assert.deepEqual(await rx.api.traces(), [], 'Clear All Traces cleared the disk too');
  } finally {
    await rx.close();
  }
});

test('memory caps bound the traces in memory; the others stay listed and open from disk', async () => {
  const dir = tmp();
  const rx = await startTestReceiver({ storeDir: dir, maxSpans: 20 });
  try {
    for (let t = 1; t <= 30; t++) await rx.api.importOtlp(traceDoc(t, 5), { source: 'otlp' });
    const h = await rx.api.health();
    assert.equal(h.traces, 30);
    assert.equal(h.spans, 150);
    assert.ok(h.store.coldTraces >= 25, `cold traces: ${h.store.coldTraces}`);
    assert.equal(h.evictedTraces, 0);
    assert.equal((await rx.api.traces()).length, 30);
    const t1 = await rx.api.trace(hex(1, 32));
    assert.equal(t1.resourceSpans[0].scopeSpans[0].spans.length, 5);
    // more spans for a trace that is on disk only: it comes back with every span
    await rx.api.importOtlp(traceDoc(2, 7), { source: 'otlp' });
    assert.equal((await rx.api.summary(hex(2, 32))).spanCount, 7);
  } finally {
    await rx.close();
  }
});

/** a store in this process with small segments, for the limits */
function openStore(dir, o = {}) {
  const disk = DiskStore.open({ dir, segmentBytes: 64 * 1024, ...o });
  const store = new TraceStore({ backing: disk, epoch: disk.epoch });
  disk.attach(store);
  const add = (doc) => store.addSpans(decodeTracesJson(Buffer.from(JSON.stringify(doc)), store.epoch).spans, { kind: 'otlp' }, { encoding: 'json', body: Buffer.from(JSON.stringify(doc)) });
  return { disk, store, add };
}

async function written(disk) {
  await disk.writeCheckpoint();
}

test('size limit: the oldest whole traces go first, pinned ones stay', async () => {
  const dir = tmp();
  const { disk, store, add } = openStore(dir, { maxDiskBytes: 256 * 1024 });
  add(traceDoc(1, 3, { pad: 2000 }));
  store.pin(hex(1, 32), true);
  for (let t = 2; t <= 200; t++) {
    add(traceDoc(t, 3, { pad: 2000 }));
    if (t % 10 === 0) await written(disk);
  }
  await written(disk);
  assert.ok(disk.bytesOnDisk() <= 256 * 1024 + 64 * 1024, `bytes on disk ${disk.bytesOnDisk()}`);
  const ids = store.summaries().map((s) => parseInt(s.traceId, 16)).sort((a, b) => a - b);
  assert.ok(ids.includes(1), 'the pinned trace stays');
  assert.ok(!ids.includes(2), 'the oldest unpinned trace went');
  assert.ok(ids.includes(200), 'the newest stays');
  // every trace still listed is whole
  for (const id of ids) assert.equal(store.spans(hex(id, 32)).length, 3, `trace ${id}`);
  await disk.close();
  const again = openStore(dir, { maxDiskBytes: 256 * 1024 });
  assert.deepEqual(again.store.summaries().map((s) => parseInt(s.traceId, 16)).sort((a, b) => a - b), ids);
  assert.equal(again.store.spans(hex(1, 32)).length, 3);
  await again.disk.close();
});

test('age limit: traces older than the limit go, pinned ones stay', async () => {
  const dir = tmp();
  let now = Date.now();
  const { disk, store, add } = openStore(dir, { maxAgeMs: 86_400_000, now: () => now });
  for (let t = 1; t <= 40; t++) add(traceDoc(t, 3, { pad: 2000 }));
  store.pin(hex(5, 32), true);
  await written(disk);
  now += 2 * 86_400_000;
  add(traceDoc(100, 3));
  await written(disk);
  disk.enforceLimits();
  const ids = store.summaries().map((s) => parseInt(s.traceId, 16)).sort((a, b) => a - b);
  assert.deepEqual(ids, [5, 100]);
  assert.equal(store.spans(hex(5, 32)).length, 3);
  await disk.close();
});

test('a torn write at the end is cut off; earlier data is kept', async () => {
  const dir = tmp();
  const a = openStore(dir);
  for (let t = 1; t <= 3; t++) a.add(traceDoc(t, 2));
  await a.disk.close();
  const seg = path.join(dir, fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).sort().pop());
  const size = fs.statSync(seg).size;
  // half a record: a length, a checksum and a few bytes, as a write cut by a crash leaves it
  fs.appendFileSync(seg, Buffer.from([0x00, 0x10, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7]));
  const b = openStore(dir);
  assert.equal(b.store.summaries().length, 3);
  assert.equal(fs.statSync(seg).size, size);
  assert.equal(b.disk.stats().notice, undefined);
  b.add(traceDoc(4, 2));
  await b.disk.close();
  const c = openStore(dir);
  assert.equal(c.store.summaries().length, 4);
  await c.disk.close();
});

test('a damaged record inside the log, or a foreign store, is set aside (nothing deleted) and a fresh store starts', async () => {
  const dir = tmp();
  const a = openStore(dir);
  a.add(traceDoc(1, 2, { pad: 40_000 }));
  a.add(traceDoc(2, 2, { pad: 40_000 }));
  await written(a.disk);
  a.add(traceDoc(3, 2, { pad: 40_000 }));
  await a.disk.close();
  // the checkpoint is lost and a byte inside the first segment's first record is flipped
  fs.rmSync(path.join(dir, 'index.bin'));
  const segs = fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
  assert.ok(segs.length >= 2, `segments: ${segs}`);
  const first = path.join(dir, segs[0]);
  const bytes = fs.readFileSync(first);
  bytes[40] ^= 0xff;
  fs.writeFileSync(first, bytes);
  const b = openStore(dir);
  assert.deepEqual(b.store.summaries(), []);
  assert.match(b.disk.stats().notice, /could not be read .*moved to .*set-aside-/);
  const aside = fs.readdirSync(dir).filter((f) => f.startsWith('set-aside-'));
  assert.equal(aside.length, 1);
  assert.deepEqual(fs.readdirSync(path.join(dir, aside[0])).filter((f) => f.endsWith('.seg')).sort(), segs, 'every segment kept');
  b.add(traceDoc(9, 2));
  await b.disk.close();

  const foreign = tmp();
  fs.writeFileSync(path.join(foreign, 'meta.json'), '{"format":"something-else"}');
  fs.writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
  const c = openStore(foreign);
  assert.match(c.disk.stats().notice, /not a Trace Explorer store/);
  assert.equal(fs.readFileSync(path.join(foreign, 'notes.txt'), 'utf8'), 'mine', 'files that are not the store\'s are left alone');
  await c.disk.close();
});

test('two receivers never open one store; a stale lock is taken over', async () => {
  const dir = tmp();
  const a = DiskStore.open({ dir });
  assert.throws(() => DiskStore.open({ dir }), (e) => e instanceof StoreLockedError || /in use by another receiver/.test(e.message));
  await a.close();
  // a lock left by a process that is gone (SIGKILL leaves one)
  const dead = require('node:child_process').spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  fs.writeFileSync(path.join(dir, 'lock'), `${dead}\n`);
  const b = DiskStore.open({ dir });
  assert.equal(fs.readFileSync(path.join(dir, 'lock'), 'utf8').trim(), String(process.pid));
  await b.close();
  assert.equal(fs.existsSync(path.join(dir, 'lock')), false);
});

test('compaction: segments are deflated once ingest pauses; a crash after it, before the next checkpoint, loses nothing', async () => {
  const dir = tmp();
  const a = openStore(dir);
  for (let t = 1; t <= 60; t++) a.add(traceDoc(t, 5));
  await written(a.disk);
  const before = a.disk.bytesOnDisk();
  await a.disk.compactAll();
  const after = a.disk.bytesOnDisk();
  assert.ok(after < before / 2, `compacted ${before} → ${after} bytes`);
  assert.equal(a.store.spans(hex(7, 32)).length, 5, 'read back from the compacted segment');
  for (let t = 61; t <= 70; t++) a.add(traceDoc(t, 5));
  await new Promise((r) => setTimeout(r, 400)); // the group is written; no checkpoint since the compaction
  // the process dies here: its lock stays behind, as SIGKILL leaves it (this test's process is still alive,
  // so the lock is removed by hand)
  fs.rmSync(path.join(dir, 'lock'));
  const b = openStore(dir);
  assert.equal(b.store.summaries().length, 70);
  for (const t of [1, 30, 60, 61, 70]) assert.equal(b.store.spans(hex(t, 32)).length, 5, `trace ${t}`);
  await b.disk.close();
});
