// The typed settings table (src/host/config.ts) against the manifest, and how values are read.
// config.ts needs the `vscode` module only for reading and change events; a small stand-in with the same
// two calls (getConfiguration().get/inspect/update, onDidChangeConfiguration) is enough to test that logic.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const Module = require('node:module');
const { join } = require('node:path');

const user = new Map();
const listeners = [];
const vscodeStandIn = {
  workspace: {
    getConfiguration: (section) => ({
      get: (key) => user.get(`${section}.${key}`),
      inspect: () => ({}),
      update: async (key, value) => { user.set(`${section}.${key}`, value); },
    }),
    onDidChangeConfiguration: (fn) => { listeners.push(fn); return { dispose: () => listeners.splice(listeners.indexOf(fn), 1) }; },
  },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  commands: { executeCommand: async () => undefined },
};
const realLoad = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscodeStandIn : realLoad.call(this, request, ...rest);
};
const config = require('../../out/src/host/config.js');
Module._load = realLoad;

const manifest = require(join(__dirname, '..', '..', 'package.json'));
const props = manifest.contributes.configuration.properties;

test('every setting in config.ts is in package.json with the same default, and the other way round', () => {
  const inCode = Object.keys(config.settings).map((k) => `traceExplorer.${k}`).sort();
  const inManifest = Object.keys(props).filter((k) => k.startsWith('traceExplorer.')).sort();
  assert.deepEqual(inCode, inManifest);
  for (const [key, setting] of Object.entries(config.settings)) {
    const p = props[`traceExplorer.${key}`];
    assert.deepEqual(p.default, setting.default, `default of traceExplorer.${key}`);
    assert.notEqual(setting.parse(p.default), undefined, `the manifest default of ${key} is acceptable to config.ts`);
    if (p.minimum !== undefined) {
      assert.notEqual(setting.parse(p.minimum), undefined, `${key}: minimum ${p.minimum} accepted`);
      assert.equal(setting.parse(p.minimum - 1), undefined, `${key}: below minimum refused`);
    }
    if (p.maximum !== undefined) {
      assert.notEqual(setting.parse(p.maximum), undefined, `${key}: maximum accepted`);
      assert.equal(setting.parse(p.maximum + 1), undefined, `${key}: above maximum refused`);
    }
    if (p.enum) for (const v of p.enum) assert.notEqual(setting.parse(v), undefined, `${key}: enum value ${v}`);
  }
});

test('the receiver defaults are what every OpenTelemetry SDK expects', () => {
  assert.equal(config.settings['receiver.host'].default, '127.0.0.1');
  assert.equal(config.settings['receiver.httpPort'].default, 4318);
  assert.equal(config.settings['receiver.grpcPort'].default, 4317);
  assert.equal(config.settings['receiver.maxBodyBytes'].default, 20 * 1024 * 1024);
  assert.deepEqual(config.settings['receiver.corsAllowedOrigins'].default, ['http://localhost:*', 'http://127.0.0.1:*']);
  assert.equal(config.settings['receiver.enabled'].default, true);
});

test('host and ports are restricted in untrusted workspaces', () => {
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  for (const k of ['receiver.host', 'receiver.httpPort', 'receiver.grpcPort']) assert.ok(restricted.includes(`traceExplorer.${k}`), k);
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
});

test('values of the wrong type or out of range fall back to the default, reported once', () => {
  const reports = [];
  config.setInvalidValueReporter((m) => reports.push(m));
  user.clear();
  assert.equal(config.get('receiver.httpPort'), 4318, 'unset → default');
  user.set('traceExplorer.receiver.httpPort', 5318);
  assert.equal(config.get('receiver.httpPort'), 5318);
  user.set('traceExplorer.receiver.httpPort', '5318');
  assert.equal(config.get('receiver.httpPort'), 4318);
  assert.equal(config.get('receiver.httpPort'), 4318);
  user.set('traceExplorer.receiver.grpcPort', 70000);
  assert.equal(config.get('receiver.grpcPort'), 4317);
  user.set('traceExplorer.receiver.corsAllowedOrigins', ['http://a', 3]);
  assert.deepEqual(config.get('receiver.corsAllowedOrigins'), ['http://localhost:*', 'http://127.0.0.1:*']);
  user.set('traceExplorer.receiver.host', '   ');
  assert.equal(config.get('receiver.host'), '127.0.0.1');
  assert.equal(reports.length, 4, reports.join('\n'));
  assert.match(reports[0], /traceExplorer\.receiver\.httpPort: "5318" is not a whole number from 0 to 65535; using 4318/);
  user.clear();
});

test('onDidChange fires only for the listed settings, with the ones that changed', async () => {
  const calls = [];
  const d = config.onDidChange(['receiver.httpPort', 'receiver.host'], (changed) => calls.push(changed));
  const fire = (...keys) => listeners.forEach((l) => l({ affectsConfiguration: (s) => keys.some((k) => k === s || k.startsWith(`${s}.`)) }));
  fire('traceExplorer.store.maxSpans');
  fire('editor.fontSize');
  fire('traceExplorer.receiver.httpPort', 'traceExplorer.receiver.host');
  d.dispose();
  fire('traceExplorer.receiver.httpPort');
  assert.deepEqual(calls, [['receiver.httpPort', 'receiver.host']]);
  await config.update('receiver.httpPort', 6000);
  assert.equal(config.get('receiver.httpPort'), 6000);
  user.clear();
});
