// The webview's side of the protocol (webview/ipc.ts) with a fake window: the host posts the trace the
// moment the webview says `ready`, which can be before React has subscribed to it.
const { test } = require('node:test');
const assert = require('node:assert/strict');

function fakeWindow() {
  const listeners = [];
  globalThis.window = { addEventListener: (type, fn) => type === 'message' && listeners.push(fn) };
  return { post: (data) => listeners.forEach((fn) => fn({ data })) };
}
const api = { postMessage() {}, getState() {}, setState() {} };
const { WebviewIpc } = (() => {
  fakeWindow();
  return require('../../out/webview/ipc.js');
})();
const p = require('../../out/src/protocol/waterfall.js');

test('notifications that arrive before anyone subscribed are delivered, in order, once the subscriptions are made', async () => {
  const win = fakeWindow();
  const ipc = new WebviewIpc(api);
  win.post({ type: 'notification', method: 'status', params: { traceId: 't', state: 'loading' } });
  win.post({ type: 'notification', method: 'trace', params: { traceId: 't', packed: new ArrayBuffer(8), update: false } });
  const got = [];
  // subscribed in the same effect, trace first: the early status must still come first
  ipc.on(p.ShowTrace, (x) => got.push(`trace ${x.traceId}`));
  ipc.on(p.TraceStatus, (x) => got.push(`status ${x.state}`));
  assert.deepEqual(got, [], 'not in the middle of the subscribing code');
  await Promise.resolve();
  assert.deepEqual(got, ['status loading', 'trace t']);
  win.post({ type: 'notification', method: 'status', params: { traceId: 't', state: 'removed' } });
  assert.deepEqual(got, ['status loading', 'trace t', 'status removed'], 'later ones go straight to the handler');
});

test('a notification nobody subscribed to yet waits for its own subscriber; responses are matched by id', async () => {
  const win = fakeWindow();
  const posted = [];
  const ipc = new WebviewIpc({ ...api, postMessage: (m) => posted.push(m) });
  win.post({ type: 'notification', method: 'focusSpan', params: { spanId: 'a' } });
  const status = [];
  ipc.on(p.TraceStatus, (x) => status.push(x.state));
  await Promise.resolve();
  const focus = [];
  ipc.on(p.FocusSpan, (x) => focus.push(x.spanId));
  await Promise.resolve();
  assert.deepEqual(status, []);
  assert.deepEqual(focus, ['a']);
  const reply = ipc.request(p.GetSpanDetail, { spanId: 'b' });
  win.post({ type: 'response', id: posted[0].id, result: { ok: 1 } });
  assert.deepEqual(await reply, { ok: 1 });
});
