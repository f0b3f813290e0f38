const { test } = require('node:test');
const assert = require('node:assert/strict');
const p = require('../../out/src/protocol/waterfall.js');
const { parseOpenTraceArgs, normalizeTraceId } = require('../../out/src/host/panel/traceArgs.js');

const SPAN = '00f067aa0ba902b7';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

test('the host accepts the webview messages the protocol describes', () => {
  const ok = (m) => assert.equal(p.parseWebviewMessage(m).ok, true, JSON.stringify(m));
  ok({ type: 'command', method: 'ready' });
  ok({ type: 'command', method: 'ready', params: {} });
  ok({ type: 'command', method: 'goToSource', params: { spanId: SPAN } });
  ok({ type: 'command', method: 'openStackFrame', params: { file: '/app/x.ts', line: 3, column: 1, function: 'f', spanId: SPAN } });
  ok({ type: 'command', method: 'openLinkedTrace', params: { traceId: TRACE, spanId: SPAN } });
  ok({ type: 'command', method: 'openLinkedTrace', params: { traceId: TRACE, spanId: '' } });
  ok({ type: 'command', method: 'copy', params: { text: 'x', what: 'attribute value' } });
  ok({ type: 'command', method: 'reportError', params: { message: 'boom' } });
  ok({ type: 'request', id: 7, method: 'spanDetail', params: { spanId: SPAN } });
  assert.equal(p.GetSpanDetail.is(p.parseWebviewMessage({ type: 'request', id: 7, method: 'spanDetail', params: { spanId: SPAN } }).message), true);
  ok({ type: 'request', id: 8, method: 'resolveFrames', params: { frames: [{ file: '/app/x.ts', line: 3 }, { file: 'C:\\w\\y.cs', line: 9, column: 2 }] } });
  ok({ type: 'request', id: 9, method: 'resolveFrames', params: { frames: [] } });
});

test('resolveFrames: a bounded list of frames with a file and whole line numbers, nothing else', () => {
  const bad = (params) => assert.equal(p.parseWebviewMessage({ type: 'request', id: 1, method: 'resolveFrames', params }).ok, false, JSON.stringify(params).slice(0, 80));
  bad({});
  bad({ frames: 'x' });
  bad({ frames: [{ file: '', line: 1 }] });
  bad({ frames: [{ file: 'a', line: 1.5 }] });
  bad({ frames: [{ file: 'a', line: 1, column: -2 }] });
  bad({ frames: [{ file: 'a'.repeat(4097), line: 1 }] });
  bad({ frames: [null] });
  bad({ frames: Array.from({ length: p.MAX_FRAMES + 1 }, () => ({ file: 'a', line: 1 })) });
});

test('the host refuses anything else, with a reason, and answers malformed requests by id', () => {
  const bad = (m, re) => {
    const r = p.parseWebviewMessage(m);
    assert.equal(r.ok, false, JSON.stringify(m));
    assert.match(r.error, re);
    return r;
  };
  bad(null, /not an object/);
  bad('ready', /not an object/);
  bad({ type: 'command' }, /no method/);
  bad({ type: 'command', method: 'runShell', params: {} }, /unknown command 'runShell'/);
  bad({ type: 'command', method: 'goToSource', params: { spanId: 5 } }, /bad params/);
  bad({ type: 'command', method: 'openStackFrame', params: { file: '', line: 3, spanId: SPAN } }, /bad params/);
  bad({ type: 'command', method: 'openStackFrame', params: { file: 'x', line: -1, spanId: SPAN } }, /bad params/);
  bad({ type: 'command', method: 'openLinkedTrace', params: { traceId: 'javascript:alert(1)', spanId: SPAN } }, /bad params/);
  bad({ type: 'command', method: 'copy', params: { text: 'x'.repeat(10_000_001), what: 'x' } }, /bad params/);
  bad({ type: 'request', method: 'spanDetail', params: { spanId: SPAN } }, /numeric id/);
  assert.equal(bad({ type: 'request', id: 3, method: 'eval', params: {} }, /unknown request/).id, 3);
  assert.equal(bad({ type: 'request', id: 4, method: 'spanDetail', params: {} }, /bad params/).id, 4);
  bad({ type: 'notification', method: 'trace' }, /unknown message type/);
});

test('the webview recognises host messages; notification guards match their method', () => {
  assert.equal(p.isHostMessage({ type: 'notification', method: 'trace', params: {} }), true);
  assert.equal(p.isHostMessage({ type: 'response', id: 1, result: {} }), true);
  assert.equal(p.isHostMessage({ type: 'command', method: 'ready' }), false);
  assert.equal(p.isHostMessage('hello'), false);
  assert.equal(p.ShowTrace.is({ type: 'notification', method: 'trace', params: {} }), true);
  assert.equal(p.ShowTrace.is({ type: 'notification', method: 'status', params: {} }), false);
});

test('openTrace arguments: an id, {traceId, spanId}, a list node, pasted text; bad ids are reported', () => {
  assert.deepEqual(parseOpenTraceArgs(TRACE), { traceId: TRACE, spanId: undefined });
  assert.deepEqual(parseOpenTraceArgs(TRACE.toUpperCase(), SPAN), { traceId: TRACE, spanId: SPAN });
  assert.deepEqual(parseOpenTraceArgs({ traceId: TRACE, spanId: SPAN }), { traceId: TRACE, spanId: SPAN });
  assert.deepEqual(parseOpenTraceArgs({ kind: 'trace', id: 'x', traceId: TRACE, summary: {} }), { traceId: TRACE, spanId: undefined });
  assert.deepEqual(parseOpenTraceArgs(), { spanId: undefined });
  assert.deepEqual(parseOpenTraceArgs('not-a-trace'), { invalid: 'not-a-trace' });
  assert.deepEqual(parseOpenTraceArgs({ traceId: 5 }), { invalid: 'number' });
  assert.equal(normalizeTraceId(`  "${TRACE}" `), TRACE);
  assert.equal(normalizeTraceId('xyz'), undefined);
});
