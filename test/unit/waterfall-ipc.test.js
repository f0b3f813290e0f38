// The webview's side of the protocol (webview/ipc.ts) with a fake window: notifications reach the handlers
// subscribed to their method (App subscribes before it says `ready`), replies are matched by request id.
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

test('notifications go to the handlers of their method, until unsubscribed', () => {
  const win = fakeWindow();
  const ipc = new WebviewIpc(api);
  const got = [];
  const off = ipc.on(p.TraceStatus, (x) => got.push(`status ${x.state}`));
  ipc.on(p.FocusSpan, (x) => got.push(`focus ${x.spanId}`));
  win.post({ type: 'notification', method: 'status', params: { traceId: 't', state: 'loading' } });
  win.post({ type: 'notification', method: 'focusSpan', params: { spanId: 'a' } });
  off();
  win.post({ type: 'notification', method: 'status', params: { traceId: 't', state: 'removed' } });
  assert.deepEqual(got, ['status loading', 'focus a']);
});

test('a request gets the reply with its own id', async () => {
  const win = fakeWindow();
  const posted = [];
  const ipc = new WebviewIpc({ ...api, postMessage: (m) => posted.push(m) });
  const a = ipc.request(p.GetSpanDetail, { spanId: 'a' });
  const b = ipc.request(p.GetSpanDetail, { spanId: 'b' });
  win.post({ type: 'response', id: posted[1].id, result: { span: 'b' } });
  win.post({ type: 'response', id: posted[0].id, error: 'gone' });
  assert.deepEqual(await b, { span: 'b' });
  await assert.rejects(a, /gone/);
});

test('ready said early: the host\'s notifications are held until the app listens, then delivered in the order they came', () => {
  const win = fakeWindow();
  const posted = [];
  const ipc = new WebviewIpc({ ...api, postMessage: (m) => posted.push(m) });
  ipc.readyEarly(p.Ready);
  assert.deepEqual(posted, [{ type: 'command', method: 'ready', params: {} }], 'ready goes out at once');
  win.post({ type: 'notification', method: 'status', params: { traceId: 't', state: 'loading' } });
  win.post({ type: 'notification', method: 'focusSpan', params: { spanId: 'a' } });
  win.post({ type: 'notification', method: 'status', params: { traceId: 't', state: 'removed' } });
  const got = [];
  // subscribed in another order than the messages came: the order they came in counts
  ipc.on(p.FocusSpan, (x) => got.push(`focus ${x.spanId}`));
  ipc.on(p.TraceStatus, (x) => got.push(`status ${x.state}`));
  assert.deepEqual(got, [], 'nothing before the app listens');
  assert.equal(ipc.listening(), true);
  assert.deepEqual(got, ['status loading', 'focus a', 'status removed']);
  win.post({ type: 'notification', method: 'focusSpan', params: { spanId: 'b' } });
  assert.deepEqual(got.at(-1), 'focus b', 'then straight to the handlers');
  // a remounted app: nothing was said early for it, it says ready itself
  assert.equal(ipc.listening(), false);
});

test('replies are never held: a request answered before the app listens resolves', async () => {
  const win = fakeWindow();
  const posted = [];
  const ipc = new WebviewIpc({ ...api, postMessage: (m) => posted.push(m) });
  ipc.readyEarly(p.Ready);
  const a = ipc.request(p.GetSpanDetail, { spanId: 'a' });
  win.post({ type: 'response', id: posted[1].id, result: { span: 'a' } });
  assert.deepEqual(await a, { span: 'a' });
});
