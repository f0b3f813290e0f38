// The byte-level OTLP JSON fast path (src/otlp/jsonFast.ts) against the general decoder over JSON.parse:
// whenever the fast path answers, it answers exactly what the general decoder answers (same spans, same
// rejections, deep-equal down to -0 and bigint values); everything it is not sure about it hands back
// (null). Checked on the real JS SDK's JSON serialisation, on hand-written edge cases, and on thousands of
// mutated bodies.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { decodeTracesFast } = require('../../out/src/otlp/jsonFast.js');
const { decodeTracesJson } = require('../../out/src/otlp/jsonDecode.js');
const { EpochNs } = require('../../out/src/model/time.js');

const epoch = new EpochNs(1_700_000_000);

function general(buf) {
  try {
    return decodeTracesJson(buf.toString('utf8'), epoch); // text: the general decoder alone
  } catch (e) {
    return e;
  }
}

/** the fast path's answer (null = handed back); when it answers, the general decoder must agree */
function fastAgrees(body, what = '') {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const fast = decodeTracesFast(buf, epoch);
  if (fast !== null) {
    const g = general(buf);
    assert.ok(!(g instanceof Error), `fast path accepted what the general decoder refuses (${g && g.message}) ${what}: ${buf.toString().slice(0, 200)}`);
    assert.deepStrictEqual(fast, g, `${what}: ${buf.toString().slice(0, 200)}`);
  }
  return fast;
}

const kv = (key, value) => ({ key, value });
const TID = '0af7651916cd43dd8448eb211c80319c';
const SID = 'b7ad6b7169203331';

function request(spans, resourceAttrs = [kv('service.name', { stringValue: 'checkout' })]) {
  return { resourceSpans: [{ resource: { attributes: resourceAttrs }, scopeSpans: [{ scope: { name: 'lib', version: '1.0' }, spans }] }] };
}

function richSpan(extra = {}) {
  return {
    traceId: TID, spanId: SID, parentSpanId: '00f067aa0ba902b7', traceState: 'k=v', flags: 257, name: 'charge', kind: 3,
    startTimeUnixNano: '1700000000123456789', endTimeUnixNano: '1700000000123457789',
    attributes: [
      kv('s', { stringValue: 'héllo ✓ 😀' }),
      kv('esc', { stringValue: 'line 1\nline 2\t"quoted" \\ back \u00e9 \ud83d\ude00 \u0001' }),
      kv('long', { stringValue: 'x'.repeat(300) }),
      kv('longesc', { stringValue: `${'y'.repeat(120)}"after a quote\n` }),
      kv('i', { intValue: '-9223372036854775808' }),
      kv('big', { intValue: '9223372036854775807' }),
      kv('small', { intValue: '42' }),
      kv('neg', { intValue: '-7' }),
      kv('num', { intValue: 8080 }),
      kv('d', { doubleValue: -0.5 }),
      kv('dz', { doubleValue: -0 }),
      kv('de', { doubleValue: 1.5e-7 }),
      kv('dstr', { doubleValue: 'NaN' }),
      kv('b', { boolValue: false }),
      kv('bs', { boolValue: 'true' }),
      kv('arr', { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 1 }, { arrayValue: { values: [] } }, {}] } }),
      kv('kv', { kvlistValue: { values: [kv('a', { doubleValue: 2 }), kv('empty', {})] } }),
      kv('bytes', { bytesValue: Buffer.from([9, 8, 7]).toString('base64') }),
      kv('empty', {}),
      { key: 'novalue' },
    ],
    droppedAttributesCount: 2,
    events: [{ timeUnixNano: '1700000000123456794', name: 'exception', attributes: [kv('exception.stacktrace', { stringValue: 'Error: x\n    at f (/app/a.ts:1:2)' })], droppedAttributesCount: 3 }],
    droppedEventsCount: 4,
    links: [{ traceId: '11'.repeat(16), spanId: '22'.repeat(8), traceState: 'l=1', attributes: [], droppedAttributesCount: 5, flags: 1 }],
    droppedLinksCount: 6,
    status: { code: 2, message: 'declined' },
    ...extra,
  };
}

async function sdkJson() {
  const api = require('@opentelemetry/api');
  const { JsonTraceSerializer } = require('@opentelemetry/otlp-transformer');
  const { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('jsonfast-test', '1.0.0');
  const parent = tracer.startSpan('GET /orders/:id', { kind: api.SpanKind.SERVER, attributes: { 'http.route': '/orders/:id', 'http.response.status_code': 500, d: 1.25, ok: true, list: ['a', 'b'], nums: [1, 2] } });
  const ctx = api.trace.setSpan(api.context.active(), parent);
  const child = tracer.startSpan('SELECT shop.orders', { kind: api.SpanKind.CLIENT, attributes: { 'db.query.text': 'SELECT * FROM "orders" WHERE id = $1' } }, ctx);
  child.recordException(new Error('connection reset: "db" said\nno'));
  child.setStatus({ code: api.SpanStatusCode.ERROR, message: 'reset' });
  child.end();
  parent.addEvent('checkpoint', { step: 2 });
  parent.end();
  await provider.forceFlush();
  const body = JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans());
  await provider.shutdown();
  return Buffer.from(body);
}

test('the JS SDK\'s own JSON serialisation goes the fast way, and decodes as the general decoder decodes it', async () => {
  const body = await sdkJson();
  const fast = fastAgrees(body, 'sdk');
  assert.ok(fast, 'the fast path takes what the SDK sends');
  assert.equal(fast.spans.length, 2);
  assert.deepEqual(fast.spans.map((s) => s.name).sort(), ['GET /orders/:id', 'SELECT shop.orders']);
  // and decodeTracesJson (what the receiver calls) answers the same
  assert.deepStrictEqual(decodeTracesJson(body, epoch), fast);
});

test('every field and value form, compact and pretty-printed, resource after its spans', () => {
  const req = request([richSpan()]);
  // (JSON.stringify writes -0 as 0: the body says -0 itself)
  const text = JSON.stringify(req).replace('"key":"dz","value":{"doubleValue":0}', '"key":"dz","value":{"doubleValue":-0}');
  assert.match(text, /-0\}/);
  const fast = fastAgrees(text, 'compact');
  assert.ok(fast);
  assert.equal(fast.spans.length, 1);
  const s = fast.spans[0];
  const attrs = Object.fromEntries(Array.from({ length: s.attrs.length / 2 }, (_, i) => [s.attrs[2 * i], s.attrs[2 * i + 1]]));
  assert.equal(attrs.esc, 'line 1\nline 2\t"quoted" \\ back é 😀 \u0001');
  assert.equal(attrs.longesc, `${'y'.repeat(120)}"after a quote\n`);
  assert.equal(attrs.i, -9223372036854775808n);
  assert.equal(attrs.small, 42n);
  assert.equal(attrs.neg, -7n);
  assert.ok(Object.is(attrs.dz, -0));
  assert.equal(s.start, 123456789);
  assert.ok(fastAgrees(JSON.stringify(req, null, 2), 'pretty'));
  assert.ok(fastAgrees(` \n\t${JSON.stringify(req)}\r\n `, 'surrounding whitespace'));
  // resource (and schemaUrl) after scopeSpans: the spans still point at the filled-in resource
  const late = `{"resourceSpans":[{"scopeSpans":[{"spans":[${JSON.stringify(richSpan())}],"scope":{"name":"lib"}}],"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"late"}}]},"schemaUrl":"https://x"}]}`;
  const l = fastAgrees(late, 'late resource');
  assert.ok(l);
  assert.equal(l.spans[0].resource.serviceName, 'late');
  assert.equal(l.spans[0].resource.schemaUrl, 'https://x');
  // unknown members are skipped, at every level
  const extra = JSON.stringify(request([richSpan({ futureField: { a: [1, 'two', { three: true }] }, another: -1.5e3 })])).replace('{"resourceSpans"', '{"extra":"x","resourceSpans"');
  assert.ok(fastAgrees(extra, 'unknown members'));
});

test('ids in any case, base64 ids, bad ids and times: the same acceptance and rejections', () => {
  const cases = [
    richSpan({ traceId: TID.toUpperCase(), spanId: SID.toUpperCase() }),
    richSpan({ traceId: Buffer.from(TID, 'hex').toString('base64'), spanId: Buffer.from(SID, 'hex').toString('base64') }),
    richSpan({ traceId: 'not-an-id' }),
    richSpan({ spanId: '0000000000000000' }),
    richSpan({ parentSpanId: '0000000000000000' }),
    richSpan({ traceId: '' }),
    richSpan({ startTimeUnixNano: 1700000000123456800, endTimeUnixNano: '0001700000000123457789' }),
    richSpan({ startTimeUnixNano: '5', endTimeUnixNano: '3' }),
    richSpan({ startTimeUnixNano: '123456789012345678901' }),
    richSpan({ kind: 'SPAN_KIND_SERVER', status: { code: 'STATUS_CODE_ERROR' } }),
    richSpan({ kind: 9, flags: '12' }),
    // lowercase hex of the wrong length, one capital or non-hex letter at either end, hex letters that are
    // also unpadded base64 (22 characters: 16 bytes), and escapes: each must meet the general decoder's checks
    richSpan({ traceId: TID.slice(1), spanId: `${SID}0` }),
    richSpan({ traceId: `${TID}0`, spanId: SID.slice(1) }),
    richSpan({ traceId: `A${TID.slice(1)}`, spanId: `${SID.slice(0, -1)}F` }),
    richSpan({ traceId: `${TID.slice(0, -1)}g`, parentSpanId: `g${SID.slice(1)}` }),
    richSpan({ traceId: 'abcdef0123456789abcdef', spanId: 'abcdef012345' }),
    richSpan({ parentSpanId: SID.slice(0, 15) }),
  ];
  for (const [i, sp] of cases.entries()) fastAgrees(request([sp, richSpan({ spanId: `${i}`.padStart(16, 'a') })]), `case ${i}`);
  const r = fastAgrees(request([richSpan({ traceId: 'not-an-id' })]));
  assert.equal(r.rejected, 1);
  assert.match(r.rejectReasons[0], /trace_id "not-an-id" is neither 32 hex digits nor base64/);
});

test('what it is not sure about it hands to the general decoder, which also writes the error', () => {
  const valid = JSON.stringify(request([richSpan()]));
  const handedBack = [
    valid.replace('"startTimeUnixNano"', '"start_time_unix_nano"'), // snake_case
    valid.replace('"traceState":"k=v"', '"traceState":null'), // a null
    valid.replace('"name":"charge"', '"name":"charge","name":"again"'), // a repeated key
    valid.replace('"scopeSpans"', '"instrumentationLibrarySpans"'), // pre-1.0 spelling
    valid.replace('"kind":3', '"kind":{}'), // wrong type
    valid.replace('{"stringValue":"x"}', '{"stringValue":"x","intValue":1}'), // two values in one AnyValue
    valid.replace('"name":"charge"', '"na\\u006de":"charge"'), // an escaped key
    valid.slice(0, -1), // truncated
    `${valid}x`, // trailing garbage
    `\ufeff${valid}`, // a byte order mark
    valid.replace('"charge"', '"char\u0001ge"'), // a raw control character
    '[]',
    '',
  ];
  for (const body of handedBack) {
    assert.equal(decodeTracesFast(Buffer.from(body), epoch), null, body.slice(0, 120));
    // decodeTracesJson still answers (or refuses) exactly as the general decoder does
    const g = general(Buffer.from(body));
    if (g instanceof Error) assert.throws(() => decodeTracesJson(Buffer.from(body), epoch));
    else assert.deepStrictEqual(decodeTracesJson(Buffer.from(body), epoch), g);
  }
  // a wrong type inside a span rejects that span, with the path in the reason
  const wrongKind = decodeTracesJson(Buffer.from(valid.replace('"kind":3', '"kind":{}')), epoch);
  assert.equal(wrongKind.rejected, 1);
  assert.match(wrongKind.rejectReasons[0], /invalid OTLP JSON at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.kind: expected an enum number or name, got object/);
});

test('fuzz: thousands of mutated bodies — the fast path either hands back or agrees with the general decoder', async () => {
  let seed = 20261202;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const bases = [await sdkJson(), Buffer.from(JSON.stringify(request([richSpan(), richSpan({ spanId: 'c'.repeat(16) })]))), Buffer.from(JSON.stringify(request([richSpan()]), null, 1))];
  const alphabet = Buffer.from('{}[]":,\\ -+.eE0123456789abcfnrtu\n\t\u0001\u00ff');
  let answered = 0;
  let handedBack = 0;
  for (let n = 0; n < 4000; n++) {
    const base = bases[n % bases.length];
    const b = Buffer.from(base);
    let out;
    const at = rnd(b.length);
    switch (rnd(5)) {
      case 0: out = b.subarray(0, at); break; // truncate
      case 1: b[at] = alphabet[rnd(alphabet.length)]; out = b; break; // replace a byte
      case 2: out = Buffer.concat([b.subarray(0, at), alphabet.subarray(rnd(alphabet.length)).subarray(0, 1), b.subarray(at)]); break; // insert
      case 3: out = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rnd(8))]); break; // delete a few
      default: { // swap two digits inside a number or id
        b[at] = 0x30 + rnd(10);
        out = b;
      }
    }
    if (fastAgrees(out, `mutation ${n}`)) answered++;
    else handedBack++;
  }
  // both outcomes are exercised (a mutation inside a string value keeps the body valid)
  assert.ok(answered > 100 && handedBack > 100, `answered ${answered}, handed back ${handedBack}`);
});

test('member keys are told apart by every byte: each key with one byte changed, added or removed', () => {
  const valid = JSON.stringify(request([richSpan()]));
  const keys = ['key', 'value', 'stringValue', 'intValue', 'boolValue', 'doubleValue', 'bytesValue', 'arrayValue', 'kvlistValue',
    'traceId', 'spanId', 'parentSpanId', 'traceState', 'flags', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano',
    'attributes', 'droppedAttributesCount', 'events', 'droppedEventsCount', 'links', 'droppedLinksCount', 'status',
    'code', 'message', 'timeUnixNano', 'values'];
  let variants = 0;
  for (const k of keys) {
    const at = valid.indexOf(`"${k}":`);
    assert.ok(at >= 0, k);
    const forms = [];
    for (let i = 0; i < k.length; i++) {
      forms.push(k.slice(0, i) + String.fromCharCode(k.charCodeAt(i) ^ 1) + k.slice(i + 1)); // one bit
      forms.push(k.slice(0, i) + k.slice(i + 1)); // one removed
    }
    forms.push(`${k}s`, `x${k}`, k.toUpperCase());
    for (const f of forms) {
      fastAgrees(valid.slice(0, at + 1) + f + valid.slice(at + 1 + k.length), `${k} → ${f}`);
      variants++;
    }
  }
  assert.ok(variants > 500, `${variants}`);
});

test('strings scanned four bytes at a time: a quote, backslash, control or other byte at every offset', () => {
  const body = (text) => `{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"l"},"spans":[{"traceId":"${TID}","spanId":"${SID}","name":"${text}","kind":1,"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"k","value":{"stringValue":"${text}"}}]}]}]}]}`;
  // as JSON text: escapes, raw control characters (not JSON: the general decoder refuses them), the bytes
  // next to those the scan looks for, and multi-byte UTF-8
  const valid = ['\\"', '\\\\', '\\n', '\\u0041', ' ', '!', '#', '[', ']', '\x7f', 'é', '\u00a0', '😀', '\u0100'];
  const invalid = ['\x01', '\x1f', '\n'];
  let answered = 0;
  let validCases = 0;
  for (const len of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 93, 94, 95, 96, 97, 98, 100]) {
    for (let at = 0; at <= len; at++) {
      const around = (x) => 'a'.repeat(at) + x + 'b'.repeat(len - at);
      for (const x of valid) {
        validCases++;
        if (fastAgrees(body(around(x)), `${len}/${at}/${JSON.stringify(x)}`)) answered++;
      }
      for (const x of invalid) assert.equal(fastAgrees(body(around(x))), null, `${len}/${at}/${JSON.stringify(x)}`);
    }
  }
  assert.equal(answered, validCases);
});

test('numbers read from their digits are the numbers JSON.parse gives', () => {
  const body = (num) => `{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"l"},"spans":[{"traceId":"${TID}","spanId":"${SID}","name":"n","kind":1,"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"d","value":{"doubleValue":${num}}}]}]}]}]}`;
  const nums = ['0', '-0', '0.0', '-0.0', '0.1', '0.25', '-0.5', '0.05', '1.000', '7', '-7', '123456789012345', '-123456789012345',
    '12345678.1234567', '0.30000000000000004', '123456789012345.6', '9007199254740993', '1234567890123456', '1e5', '-1.5E-3',
    '2.5e+2', '0.000001', '99999999999999.9', '4.35', '1.005', '8.675309'];
  // random decimals of 1-17 digits around the 15-digit limit of the fast path
  let seed = 7;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  for (let k = 0; k < 400; k++) {
    const intPart = String(rnd(10) === 0 ? 0 : rnd(1e9)).slice(0, 1 + rnd(9));
    const frac = Array.from({ length: 1 + rnd(10) }, () => rnd(10)).join('');
    nums.push(`${rnd(2) ? '-' : ''}${intPart}.${frac}`);
  }
  let answered = 0;
  for (const n of nums) {
    const r = fastAgrees(body(n), n);
    if (r) {
      answered++;
      assert.ok(Object.is(r.spans[0].attrs[1], JSON.parse(n)), n);
    }
  }
  assert.equal(answered, nums.length);
  for (const bad of ['01.5', '1.', '-', '.5', '-.5', '1.5.2', '--1', '1e', '00']) assert.equal(fastAgrees(body(bad), bad), null, bad);
});

test('19-digit times read four digits at a time: every digit position, and a non-digit at each', () => {
  const body = (start) => `{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"l"},"spans":[{"traceId":"${TID}","spanId":"${SID}","name":"n","kind":1,"startTimeUnixNano":"${start}","endTimeUnixNano":"1800000000000000000"}]}]}]}`;
  const times = ['1700000000123456789', '1799999999999999999', '0000000000000000001', '1000000000000000000', '1700000000000000000'];
  for (let at = 0; at < 19; at++) for (const d of '0123456789') times.push(`${'1700000000123456789'.slice(0, at)}${d}${'1700000000123456789'.slice(at + 1)}`);
  for (const t of times) {
    const r = fastAgrees(body(t), t);
    assert.ok(r, t);
    assert.equal(r.spans[0].start, (Number(t.slice(0, 10)) - epoch.sec) * 1e9 + Number(t.slice(10)), t);
  }
  // each position holding a byte next to the digits ('/', ':'), a letter, a space, a sign or a point
  for (let at = 0; at < 19; at++) {
    for (const x of '/:a -.') {
      const t = `${'1700000000123456789'.slice(0, at)}${x}${'1700000000123456789'.slice(at + 1)}`;
      assert.equal(fastAgrees(body(t), t), null, `${t} was read as a time`);
    }
  }
});

test('attributes in every shape: the byte-matched SDK form and anything near it read alike', () => {
  const span = (attrs) => `{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"l"},"spans":[{"traceId":"${TID}","spanId":"${SID}","name":"n","kind":1,"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[${attrs}]}]}]}]}`;
  const forms = [
    '{"key":"k","value":{"stringValue":"x"}}',
    '{"value":{"stringValue":"x"},"key":"k"}', // value first
    '{"key":"k","value":{"stringValue":"x"} }', // a space before the end
    '{"key":"k","value":{"stringValue":"x"},"extra":1}', // another member
    '{"key":"k","value":{}}', // empty value
    '{"key":"k","value":{"stringValue":"x","intValue":"1"}}', // two values
    '{"key":"k","value":{"intValue":"12"}}',
    '{"key":"k","value":{"boolValue":true}}',
    '{"key":"k","value":{"doubleValue":1.5}}',
    '{"key":"k","value":{"bytesValue":"AQI="}}',
    '{"key":"k","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":2}]}}}',
    '{"key":"k","value":{"kvlistValue":{"values":[{"key":"a","value":{"stringValue":"b"}}]}}}',
    '{"key":"k","value":{"unknownValue":1}}', // not an AnyValue member
    '{"key":"k\\"q","value":{"stringValue":"e\\u00e9"}}', // escapes
    '{"key":"k","value":{"stringValue":"x"}',  // unterminated
    '{"key":"k"}', // no value
    '{"key":7,"value":{"stringValue":"x"}}', // a key that is not a string
    '{"key";"k","value":{"stringValue":"x"}}', // one byte off in each fixed part
    '{"key":"k","valuf":{"stringValue":"x"}}',
    '{"key":"k","value":{"stringValue";"x"}}',
    '{"key":"k","value":{"stringValuf":"x"}}',
    '{"key":"k","value":["stringValue":"x"}}',
  ];
  let answered = 0;
  for (const f of forms) {
    for (const body of [span(f), span(`${f},${f.replace('"k', '"k2')}`)]) if (fastAgrees(body, f)) answered++;
  }
  assert.ok(answered >= 20, `answered ${answered}`);
  // nesting deeper than the general decoder takes is handed back at any depth, byte-matched or not
  let deep = '{"stringValue":"x"}';
  for (let i = 0; i < 40; i++) deep = `{"kvlistValue":{"values":[{"key":"d${i}","value":${deep}}]}}`;
  assert.equal(decodeTracesFast(Buffer.from(span(`{"key":"k","value":${deep}}`)), epoch), null);
});

test('int64 written as bare JSON numbers (times, intValue) stay exact in both decoders', () => {
  // JSON.stringify cannot write these: the numbers are spliced into the text as SDKs that use numbers write them
  const body = JSON.stringify(request([{
    traceId: TID, spanId: SID, name: 'n', kind: 1, startTimeUnixNano: 'START', endTimeUnixNano: 'END',
    attributes: [kv('big', { intValue: 'BIG' }), kv('neg', { intValue: 'NEG' }), kv('small', { intValue: 7 })],
    events: [{ timeUnixNano: 'EVENT', name: 'e' }],
  }])).replace('"START"', '1700000000000000001').replace('"END"', '1700000000000000002')
    .replace('"BIG"', '9007199254740993').replace('"NEG"', '-9223372036854775807').replace('"EVENT"', '1700000000000000003');
  const fast = fastAgrees(body, 'bare int64 numbers');
  assert.ok(fast, 'the fast path reads bare int64 numbers itself');
  const [span] = decodeTracesJson(body, epoch).spans; // and the general decoder on its own
  for (const s of [span, fast.spans[0]]) {
    assert.equal(s.start, 1);
    assert.equal(s.end, 2);
    assert.equal(s.events[0].time, 3);
    assert.equal(s.attrs[s.attrs.indexOf('big') + 1], 9007199254740993n);
    assert.equal(s.attrs[s.attrs.indexOf('neg') + 1], -9223372036854775807n);
    assert.equal(s.attrs[s.attrs.indexOf('small') + 1], 7n);
  }
  // snake_case keys (the general decoder's) too
  const snake = body.replace(/startTimeUnixNano/, 'start_time_unix_nano').replace(/endTimeUnixNano/, 'end_time_unix_nano');
  assert.equal(decodeTracesJson(Buffer.from(snake), epoch).spans[0].end, 2);
});

test('an intValue outside the int64 range is refused by both decoders, not wrapped around', () => {
  for (const v of ['9223372036854775808', '-9223372036854775809', '99999999999999999999']) {
    const body = Buffer.from(JSON.stringify(request([{ traceId: TID, spanId: SID, name: 'n', startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: [kv('k', { intValue: v })] }])));
    assert.equal(fastAgrees(body, v), null, 'the fast path hands it back');
    const b = decodeTracesJson(body, epoch);
    assert.equal(b.spans.length, 0);
    assert.equal(b.rejected, 1);
    assert.match(b.rejectReasons[0], /intValue: -?\d+ is outside the int64 range/);
  }
  const edge = decodeTracesJson(Buffer.from(JSON.stringify(request([{ traceId: TID, spanId: SID, name: 'n', startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: [kv('k', { intValue: '-9223372036854775808' })] }]))), epoch);
  assert.equal(edge.spans[0].attrs[1], -9223372036854775808n);
});
