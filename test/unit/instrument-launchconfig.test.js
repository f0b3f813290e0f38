// Which debug launch configurations become traced, and how (src/instrument/launchConfig.ts).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { mkdtempSync, writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const { traceLaunchConfig, parseEnvFile, TRACED_PROPERTY } = require('../../out/src/instrument/launchConfig');
const { splitNodeOptions } = require('../../out/src/instrument/launchEnv');

const REGISTER = '/ext dir/dist/instrument/register.js';
function project(name = 'shop-api') {
  const dir = mkdtempSync(join(tmpdir(), 'te-launch-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name }));
  mkdirSync(join(dir, 'src'));
  return dir;
}
const opts = (extra = {}) => ({ registerPath: REGISTER, endpoint: 'http://127.0.0.1:4318', defaultPorts: true, processEnv: {}, ...extra });

test('a plain node launch preloads the runtime, points at the receiver and is named after its package', () => {
  const dir = project();
  const r = traceLaunchConfig({ type: 'node', request: 'launch', name: 'Launch', program: join(dir, 'src', 'app.js') }, opts({ folder: dir }));
  assert.equal(r.traced, true);
  assert.equal(r.config[TRACED_PROPERTY], 'node');
  assert.deepEqual(splitNodeOptions(r.config.env.NODE_OPTIONS), ['--require', REGISTER]);
  assert.equal(r.config.env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4318');
  assert.equal(r.config.env.OTEL_SERVICE_NAME, 'shop-api');
});

test("the user's NODE_OPTIONS (from env, envFile or the editor's environment) and OTEL_* are kept", () => {
  const dir = project();
  const envFile = join(dir, '.env');
  writeFileSync(envFile, '# settings\nexport OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318"\nOTEL_SERVICE_NAME=mine # comment\n');
  const r = traceLaunchConfig({ type: 'pwa-node', request: 'launch', program: join(dir, 'a.js'), envFile,
    env: { NODE_OPTIONS: '--max-old-space-size=4096' } }, opts({ processEnv: { NODE_OPTIONS: '--inspect-publish-uid=http' } }));
  assert.equal(r.traced, true);
  assert.deepEqual(splitNodeOptions(r.config.env.NODE_OPTIONS), ['--max-old-space-size=4096', '--require', REGISTER]);
  assert.equal(r.config.env.OTEL_EXPORTER_OTLP_ENDPOINT, undefined, 'the envFile names the endpoint');
  assert.equal(r.config.env.OTEL_SERVICE_NAME, undefined);
  const inherited = traceLaunchConfig({ type: 'node', request: 'launch', program: join(dir, 'a.js') },
    opts({ processEnv: { NODE_OPTIONS: '--enable-source-maps' } }));
  assert.deepEqual(splitNodeOptions(inherited.config.env.NODE_OPTIONS), ['--enable-source-maps', '--require', REGISTER]);
});

test('node-terminal (npm run dev) is traced with the folder package as its service', () => {
  const dir = project('web-front');
  const r = traceLaunchConfig({ type: 'node-terminal', request: 'launch', command: 'npm run dev' }, opts({ folder: dir }));
  assert.equal(r.traced, true);
  assert.equal(r.config.env.OTEL_SERVICE_NAME, 'web-front');
});

test('opt-out, attach and already traced programs are left alone, and say why', () => {
  const dir = project();
  for (const [c, why] of [
    [{ type: 'node', request: 'launch', program: join(dir, 'a.js'), traceExplorer: false }, /"traceExplorer": false/],
    [{ type: 'node', request: 'attach', port: 9229 }, /attach/],
    [{ type: 'node', request: 'launch', program: join(dir, 'a.js'), env: { TRACE_EXPLORER_RUNTIME: REGISTER } }, /already traced/],
    [{ type: 'chrome', request: 'launch' }, /not one/],
  ]) {
    const r = traceLaunchConfig(c, opts());
    assert.equal(r.traced, false);
    assert.match(r.reason, why);
    assert.equal(r.config, c, 'the configuration is returned unchanged');
  }
});

test('Python, Java, .NET and Go launches get OTLP variables only when the receiver is not on the default ports', () => {
  const dir = project('py-svc');
  const onDefaults = traceLaunchConfig({ type: 'debugpy', request: 'launch', program: join(dir, 'app.py') }, opts());
  assert.equal(onDefaults.traced, true);
  assert.deepEqual(onDefaults.config.env, { OTEL_SERVICE_NAME: 'py-svc' });
  const elsewhere = traceLaunchConfig({ type: 'java', request: 'launch', cwd: dir },
    opts({ endpoint: 'http://127.0.0.1:14318', defaultPorts: false }));
  assert.deepEqual(elsewhere.config.env, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:14318',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_SERVICE_NAME: 'py-svc' });
});

test('envFile parsing: quotes, export, comments, blank lines', () => {
  assert.deepEqual(parseEnvFile('A=1\n\n# x\nexport B="two words"\nC=\'single\'\nD=v # note\nbad line\n'),
    { A: '1', B: 'two words', C: 'single', D: 'v' });
});

test('traced programs send their spans 200 ms after they end (the SDK waits 5 s), unless OTEL_BSP_SCHEDULE_DELAY says otherwise', () => {
  const { scheduleDelayMs } = require('../../out/src/instrument/sdk');
  assert.equal(scheduleDelayMs({}), 200);
  assert.equal(scheduleDelayMs({ OTEL_BSP_SCHEDULE_DELAY: '1000' }), 1000);
  assert.equal(scheduleDelayMs({ OTEL_BSP_SCHEDULE_DELAY: '0' }), 0);
  assert.equal(scheduleDelayMs({ OTEL_BSP_SCHEDULE_DELAY: 'soon' }), 200);
  assert.equal(scheduleDelayMs({ OTEL_BSP_SCHEDULE_DELAY: '' }), 200);
});
