// The persistent store's settings on their way to the receiver: its arguments, and how a running receiver's
// store differs from what a window asks for (src/host/receiverProcess.ts), and the receiver's options.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { receiverArgv, settingsDifferences } = require('../../out/src/host/receiverProcess.js');
const { parseReceiverArgs, UsageError } = require('../../out/src/receiver/options.js');

const base = { host: '127.0.0.1', httpPort: 4318, grpcPort: 4317, maxSpans: 1000, maxBytes: 16 * 1024 * 1024, maxBody: 1024, cors: [], idleExitMs: 60_000 };
const health = (store) => ({
  host: '127.0.0.1', http: { port: 4318, listening: true }, grpc: { port: 4317, listening: true }, maxSpans: 1000, maxBytes: 16 * 1024 * 1024, maxBody: 1024, cors: [], idleExitMs: 60_000,
  ...(store ? { store } : {}),
});

test('store settings become receiver arguments, and the receiver parses them', () => {
  const argv = receiverArgv({ ...base, storeDir: '/g/store', storeMaxBytes: 512 * 1024 * 1024, storeMaxAgeDays: 3 }, '/g/receiver.json');
  assert.deepEqual(argv.slice(argv.indexOf('--store')), ['--store', '/g/store', '--store-max-bytes', String(512 * 1024 * 1024), '--store-max-age-days', '3']);
  assert.equal(receiverArgv(base, '/g/receiver.json').includes('--store'), false, 'persist off: memory only');
  const o = parseReceiverArgs(argv);
  assert.equal(o.storeDir, '/g/store');
  assert.equal(o.storeMaxBytes, 512 * 1024 * 1024);
  assert.equal(o.storeMaxAgeMs, 3 * 86_400_000);
  assert.equal(parseReceiverArgs([]).storeDir, undefined, 'headless default: memory only');
  assert.throws(() => parseReceiverArgs(['--store-max-age-days', '0']), UsageError);
});

test('a running receiver whose store differs says how', () => {
  const store = { dir: '/g/store', bytesOnDisk: 0, maxDiskBytes: 1024 * 1024 * 1024, maxAgeMs: 7 * 86_400_000, coldTraces: 0 };
  const want = { ...base, storeDir: '/g/store', storeMaxBytes: 1024 * 1024 * 1024, storeMaxAgeDays: 7 };
  assert.deepEqual(settingsDifferences(health(store), want), []);
  assert.deepEqual(settingsDifferences(health(undefined), want), ['traces kept on disk in /g/store (it keeps them in memory only)']);
  assert.deepEqual(settingsDifferences(health(store), base), ['traces in memory only (it keeps them on disk in /g/store)']);
  assert.deepEqual(settingsDifferences(health(store), { ...want, storeMaxBytes: 2048 * 1024 * 1024, storeMaxAgeDays: 1 }), [
    '2,048 MB on disk (it keeps 1,024 MB)',
    'traces for 1 days (it keeps them 7 days)',
  ]);
});
