// The store's binary checkpoint (src/store/persist/checkpoint.ts): what it keeps comes back as it was, a
// damaged one is set aside and the log replayed (with a log line saying so), and the JSON index of store
// format 1 is read once and replaced.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DiskStore } = require('../../out/src/store/persist/diskStore.js');
const { TraceStore } = require('../../out/src/store/traceStore.js');
const { decodeTracesJson } = require('../../out/src/otlp/jsonDecode.js');
const { decodeCheckpoint, encodeCheckpoint, CHECKPOINT_FILE, LEGACY_CHECKPOINT_FILE } = require('../../out/src/store/persist/checkpoint.js');

const dirs = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'te-ckpt-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const NOW = BigInt(Date.now()) * 1_000_000n;
const str = (v) => ({ stringValue: v });
const hex = (n, len) => n.toString(16).padStart(len, '0');
const all = () => true;

/** a summary as the store makes one; `o` overrides fields */
function summary(n, o = {}) {
  return {
    traceId: hex(n, 32), rootName: `GET /orders/${n % 3}`, rootService: 'shop', services: ['shop', 'db'], spanCount: 3 + n, errorCount: n % 2,
    startTimeUnixNano: String(NOW + BigInt(n) * 1000n), durationNano: String(1000 + n), startMs: Number(NOW / 1_000_000n) + n, durationMs: 0.001 + n / 1000,
    pinned: false, source: 'otlp', brokenParents: 0, runId: 'run-a', ...o,
  };
}

/** every row's trace, built */
function traces(rows, live = all) {
  const out = [];
  for (let i = 0; i < rows.length; i++) {
    const c = rows.trace(i, live);
    out.push(c && { id: rows.traceId(i), spanCount: rows.spanCount(i), summary: c.summary, refs: c.refs, runs: c.runs });
  }
  return out;
}

function sample() {
  const list = [
    { summary: summary(1), refs: [1, 2], runs: [{ runId: 'run-a', spans: 4, errors: 1, minStart: 10, maxEnd: 9_000_000_000_123 }] },
    // untrusted text of every kind, optional fields set, a file's trace
    { summary: summary(2, { rootName: 'SELECT «ünïcödé» 🚀 \u0000 "quoted"', rootTarget: '/api/orders/:id', sourceName: 'trace (1).json', source: 'file', pinned: true, brokenParents: 2, services: ['shop'], runId: undefined }),
      refs: [3], runs: [] },
    { summary: summary(3, { services: [] }), refs: [2, 5, 9], runs: [{ runId: 'run-a', spans: 1, errors: 0, minStart: 0, maxEnd: 1 }, { runId: 'run-b', spans: 2, errors: 2, minStart: 5, maxEnd: 7 }] },
  ];
  for (const c of list) if (c.summary.runId === undefined) delete c.summary.runId;
  return {
    epochSec: 1_765_000_000, position: [3, 4096], nextGid: 10,
    groups: new Map([[1, [1, 16, 100, 1000]], [2, [1, 116, 200, 1001]], [3, [2, 16, 50, 1002]], [5, [2, 66, 10, 1003]], [9, [3, 16, 70, 1004]]]),
    compacted: [1, 2],
    snapshot: {
      epochSec: 1_765_000_000,
      runs: [{ runId: 'run-a', service: 'shop', instanceId: 'i-1', pid: 4242, hostName: 'dev' }, { runId: 'run-b', service: 'db' }],
      baselines: [['shop', 'run-a']],
      traces: list,
    },
  };
}

test('round trip: every summary, group, tally, run, baseline and the log position come back as written', () => {
  const c = sample();
  const bytes = encodeCheckpoint(c);
  assert.equal(bytes.toString('latin1', 0, 8), 'TXINDEX\n');
  const back = decodeCheckpoint(bytes);
  assert.equal(back.epochSec, c.epochSec);
  assert.deepEqual(back.position, c.position);
  assert.equal(back.nextGid, c.nextGid);
  assert.deepEqual([...back.groups], [...c.groups]);
  assert.deepEqual(back.compacted, c.compacted);
  assert.deepEqual(back.snapshot.runs, c.snapshot.runs);
  assert.deepEqual(back.snapshot.baselines, c.snapshot.baselines);
  const got = traces(back.snapshot.traces);
  assert.deepEqual(got.map((t) => t.id), c.snapshot.traces.map((t) => t.summary.traceId));
  assert.deepEqual(got.map((t) => t.spanCount), c.snapshot.traces.map((t) => t.summary.spanCount));
  for (const [i, t] of got.entries()) {
    assert.deepEqual(t.summary, c.snapshot.traces[i].summary);
    assert.deepEqual(t.refs, c.snapshot.traces[i].refs);
    assert.deepEqual(t.runs, c.snapshot.traces[i].runs);
  }

  // groups deleted since: a trace keeps the others, one with none left is not listed
  const live = traces(back.snapshot.traces, (g) => g !== 2 && g !== 3);
  assert.deepEqual(live[0].refs, [1]);
  assert.equal(live[1], undefined);
  assert.deepEqual(live[2].refs, [5, 9]);

  // written again from what was read (rows copied column to column), after a pin replaced one summary
  const read = decodeCheckpoint(bytes).snapshot.traces;
  const cold = [0, 1, 2].map((i) => read.trace(i, all));
  cold[0].summary = { ...cold[0].summary, pinned: true };
  const again = decodeCheckpoint(encodeCheckpoint({ ...c, snapshot: { ...c.snapshot, traces: cold } }));
  const got2 = traces(again.snapshot.traces);
  assert.deepEqual(got2[0].summary, { ...c.snapshot.traces[0].summary, pinned: true });
  for (const i of [1, 2]) assert.deepEqual(got2[i].summary, c.snapshot.traces[i].summary);
  for (const i of [0, 1, 2]) {
    assert.deepEqual(got2[i].refs, c.snapshot.traces[i].refs);
    assert.deepEqual(got2[i].runs, c.snapshot.traces[i].runs);
  }
});

test('a checkpoint cut short, with a flipped byte, or of another version is refused with the reason', () => {
  const bytes = encodeCheckpoint(sample());
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 5)), /cut short/);
  const flipped = Buffer.from(bytes);
  flipped[bytes.length - 40] ^= 0x01;
  assert.throws(() => decodeCheckpoint(flipped), /fails its checksum/);
  const later = Buffer.from(bytes);
  later.writeUInt32LE(3, 8);
  assert.throws(() => decodeCheckpoint(later), /version 3/);
  assert.throws(() => decodeCheckpoint(Buffer.from('not a checkpoint at all')), /not a store index/);
});

// ---- through the store on disk --------------------------------------------------------------------------

function traceDoc(traceNo, n) {
  const spans = [];
  for (let k = 0; k < n; k++) {
    const st = NOW + BigInt(traceNo) * 1_000_000n + BigInt(k) * 1000n;
    spans.push({
      traceId: hex(traceNo, 32), spanId: hex(traceNo * 1000 + k + 1, 16), parentSpanId: k ? hex(traceNo * 1000 + 1, 16) : '',
      name: k ? `child ${k}` : `GET /orders/${traceNo}`, kind: k ? 1 : 2, startTimeUnixNano: String(st), endTimeUnixNano: String(st + 500_000n),
      attributes: [{ key: 'code.file.path', value: str('/app/src/orders.ts') }, { key: 'code.line.number', value: { intValue: String(10 + k) } }],
    });
  }
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: str('shop') }, { key: 'service.instance.id', value: str('i1') }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] };
}

function openStore(dir) {
  const lines = [];
  const log = { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`) };
  const disk = DiskStore.open({ dir, log });
  // a small memory set: most traces are listed from the checkpoint, as after a long session
  const store = new TraceStore({ backing: disk, epoch: disk.epoch, maxSpans: 8 });
  disk.attach(store);
  const add = (doc) => {
    const body = Buffer.from(JSON.stringify(doc));
    store.addSpans(decodeTracesJson(body, store.epoch).spans, { kind: 'otlp' }, { encoding: 'json', body });
  };
  return { disk, store, add, lines };
}

/** a store of 12 traces (one pinned), closed: its checkpoint written */
async function filled() {
  const dir = tmp();
  const a = openStore(dir);
  for (let t = 1; t <= 12; t++) a.add(traceDoc(t, 3));
  a.store.pin(hex(4, 32), true);
  const before = a.store.summaries();
  await a.disk.close();
  a.store.dispose();
  return { dir, before };
}

test('a store reopens from its binary checkpoint: the same list, pins kept, traces listed without replaying the log', async () => {
  const { dir, before } = await filled();
  assert.ok(fs.existsSync(path.join(dir, CHECKPOINT_FILE)));
  assert.equal(fs.existsSync(path.join(dir, LEGACY_CHECKPOINT_FILE)), false);
  const b = openStore(dir);
  assert.deepEqual(b.store.summaries(), before);
  assert.equal(b.store.summary(hex(4, 32)).pinned, true);
  assert.equal(b.store.coldCount(), 12, 'every trace listed from the checkpoint');
  assert.equal(b.store.spans(hex(7, 32)).length, 3, 'a trace\'s spans read from the log when opened');
  assert.deepEqual(b.lines.filter((l) => l.startsWith('warn')), []);
  await b.disk.close();
  b.store.dispose();
});

for (const [damage, why] of [
  [(f) => fs.truncateSync(f, fs.statSync(f).size - 7), /cut short/],
  [(f) => {
    const b = fs.readFileSync(f);
    b[Math.floor(b.length / 2)] ^= 0xff;
    fs.writeFileSync(f, b);
  }, /fails its checksum/],
]) {
  test(`a checkpoint ${why.source === 'cut short' ? 'cut short' : 'with a damaged byte'} is set aside (kept) and the log replayed, with a log line saying so`, async () => {
    const { dir, before } = await filled();
    const file = path.join(dir, CHECKPOINT_FILE);
    const segs = fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
    damage(file);
    const damaged = fs.readFileSync(file);
    const b = openStore(dir);
    const warn = b.lines.filter((l) => l.startsWith('warn'));
    assert.equal(warn.length, 1, warn.join('\n'));
    assert.match(warn[0], new RegExp(`${CHECKPOINT_FILE.replace('.', '\\.')} could not be read \\(.*${why.source}.*\\); moved to .*damaged-.*replaying the whole log`));
    assert.deepEqual(b.store.summaries(), before, 'every trace listed again from the log, the pin too');
    const aside = fs.readdirSync(dir).filter((f) => f.startsWith(`${CHECKPOINT_FILE}.damaged-`));
    assert.equal(aside.length, 1);
    assert.deepEqual(fs.readFileSync(path.join(dir, aside[0])), damaged, 'the damaged checkpoint is kept as it was');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).sort(), segs, 'no segment is touched');
    await b.disk.close();
    b.store.dispose();
    const c = openStore(dir);
    assert.deepEqual(c.store.summaries(), before);
    assert.equal(c.store.coldCount(), 12, 'a new checkpoint was written');
    await c.disk.close();
    c.store.dispose();
  });
}

/** the JSON checkpoint a receiver of store format 1 wrote, for what `c` (a decoded checkpoint) holds */
function legacyIndex(c, edit = (s) => s) {
  const strings = [];
  const ids = new Map();
  const si = (v) => {
    if (v === undefined) return -1;
    if (!ids.has(v)) ids.set(v, strings.push(v) - 1);
    return ids.get(v);
  };
  const rows = traces(c.snapshot.traces).map(({ summary: s0, refs, runs }) => {
    const t = edit(s0);
    const flat = [];
    for (const r of runs) flat.push(si(r.runId), r.spans, r.errors, r.minStart, r.maxEnd);
    return [t.traceId, si(t.rootName), si(t.rootTarget), si(t.rootService), t.services.map(si), t.spanCount, t.errorCount, t.startTimeUnixNano, t.durationNano,
      t.startMs, t.durationMs, (t.pinned ? 1 : 0) | (t.source === 'file' ? 2 : 0), si(t.sourceName), t.brokenParents, si(t.runId), refs, flat];
  });
  return JSON.stringify({
    format: 'trace-explorer-store-index', version: 1, epochSec: c.epochSec, position: c.position, nextGid: c.nextGid,
    groups: [...c.groups].map(([gid, loc]) => [gid, ...loc]), compacted: c.compacted, runs: c.snapshot.runs, baselines: c.snapshot.baselines, strings, traces: rows,
  });
}

test('the index.json of store format 1 is read once, then replaced by the binary checkpoint', async () => {
  const { dir, before } = await filled();
  const bin = path.join(dir, CHECKPOINT_FILE);
  const json = path.join(dir, LEGACY_CHECKPOINT_FILE);
  // the JSON names one root differently from the log: what is listed shows which was read
  const renamed = (s) => (s.traceId === hex(5, 32) ? { ...s, rootName: 'from index.json' } : s);
  fs.writeFileSync(json, legacyIndex(decodeCheckpoint(fs.readFileSync(bin)), renamed));
  fs.rmSync(bin);
  const expected = before.map(renamed);

  const b = openStore(dir);
  assert.deepEqual(b.store.summaries(), expected, 'listed from index.json, not from replaying the log');
  assert.equal(b.store.coldCount(), 12);
  assert.deepEqual(b.lines.filter((l) => l.startsWith('warn')), []);
  // replaced soon after opening, without waiting for a change
  for (let i = 0; i < 100 && fs.existsSync(json); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(fs.existsSync(json), false, 'index.json replaced');
  assert.ok(fs.existsSync(bin));
  assert.ok(b.lines.some((l) => /index\.json \(the checkpoint of an earlier version\) was replaced by .*index\.bin/.test(l)), b.lines.join('\n'));
  await b.disk.close();
  b.store.dispose();

  const c = openStore(dir);
  assert.deepEqual(c.store.summaries(), expected, 'the binary checkpoint holds what index.json held');
  assert.equal(c.store.coldCount(), 12);
  await c.disk.close();
  c.store.dispose();
});
