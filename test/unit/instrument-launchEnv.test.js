// The environment that preloads the runtime: NODE_OPTIONS quoting Node really accepts, never twice, and the
// user's own OTEL_* settings kept.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { instrumentEnv, quoteNodeOption, splitNodeOptions, preloads, MARKER_VAR } = require('../../out/src/instrument/launchEnv.js');

const REG = '/opt/ext/dist/instrument/register.js';

test('adds the preload, the endpoint, the service name and the marker to an empty environment', () => {
  const env = instrumentEnv({ registerPath: REG, endpoint: 'http://127.0.0.1:4318', serviceName: 'shop', existing: {} });
  assert.deepEqual(env, {
    NODE_OPTIONS: `--require "${REG}"`,
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    OTEL_SERVICE_NAME: 'shop',
    [MARKER_VAR]: REG,
  });
});

test("keeps the user's NODE_OPTIONS, endpoint and service name", () => {
  const existing = { NODE_OPTIONS: '--max-old-space-size=4096', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces', OTEL_SERVICE_NAME: 'mine' };
  const env = instrumentEnv({ registerPath: REG, endpoint: 'http://127.0.0.1:4318', serviceName: 'shop', existing });
  assert.equal(env.NODE_OPTIONS, `--max-old-space-size=4096 --require "${REG}"`);
  assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
  assert.equal(env.OTEL_SERVICE_NAME, undefined);
  const env2 = instrumentEnv({ registerPath: REG, endpoint: 'http://127.0.0.1:4318', existing: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' } });
  assert.equal(env2.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
});

test('never preloads twice, however the existing option is spelled', () => {
  for (const existing of [`--require "${REG}"`, `-r ${REG}`, `--require=${REG}`, `--inspect --require ${REG} --trace-warnings`]) {
    assert.ok(preloads(existing, REG), existing);
    const env = instrumentEnv({ registerPath: REG, endpoint: 'http://127.0.0.1:4318', existing: { NODE_OPTIONS: existing } });
    assert.equal(env.NODE_OPTIONS, undefined, existing);
  }
  const once = instrumentEnv({ registerPath: REG, endpoint: 'e', existing: {} });
  const twice = instrumentEnv({ registerPath: REG, endpoint: 'e', existing: { NODE_OPTIONS: once.NODE_OPTIONS } });
  assert.equal(twice.NODE_OPTIONS, undefined);
  assert.ok(!preloads('--require /other/register.js', REG));
});

test('quoting survives spaces, quotes and backslashes the way Node reads NODE_OPTIONS', () => {
  for (const p of ['C:\\Users\\Ann Lee\\ext\\register.js', '/home/a "b"/register.js', '/plain/register.js']) {
    assert.deepEqual(splitNodeOptions(`--inspect --require ${quoteNodeOption(p)}`), ['--inspect', '--require', p]);
  }
});

test('Node itself loads the preload from a path with spaces and quotes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te launch "env" '));
  try {
    const reg = path.join(dir, 'register.js');
    fs.writeFileSync(reg, "process.stdout.write('preloaded\\n');");
    const env = instrumentEnv({ registerPath: reg, endpoint: 'http://127.0.0.1:1', existing: { NODE_OPTIONS: '--no-warnings' } });
    const r = spawnSync(process.execPath, ['-e', "process.stdout.write('app\\n')"], { env: { ...process.env, ...env }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'preloaded\napp\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
