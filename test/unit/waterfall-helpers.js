// Small builders for the waterfall unit tests: spans from a compact description, packed and decoded the
// way the receiver and the webview do it.
const { encodePackedTrace, decodePackedTrace } = require('../../out/src/protocol/packedTrace.js');
const { EpochNs } = require('../../out/src/model/time.js');

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const resources = new Map();
function resource(service, host = 'dev-box') {
  const key = `${service}\u0000${host}`;
  if (!resources.has(key)) resources.set(key, { attrs: ['service.name', service, 'host.name', host], serviceName: service, droppedAttributesCount: 0, schemaUrl: '' });
  return resources.get(key);
}
const scope = { name: 'test', version: '', attrs: [], droppedAttributesCount: 0, schemaUrl: '' };

/** span('a', null, 0, 100, { service, host, name, status, attrs, events, links }) — ids are padded to 16 hex */
function span(id, parent, start, end, o = {}) {
  return {
    traceId: TRACE,
    spanId: hex(id),
    parentSpanId: parent ? hex(parent) : '',
    traceState: '',
    flags: 1,
    name: o.name ?? `op-${id}`,
    kind: o.kind ?? 1,
    start,
    end,
    attrs: o.attrs ?? [],
    droppedAttributesCount: 0,
    events: o.events ?? null,
    droppedEventsCount: 0,
    links: o.links ?? null,
    droppedLinksCount: 0,
    statusCode: o.status ?? 0,
    statusMessage: o.statusMessage ?? '',
    resource: resource(o.service ?? 'svc', o.host),
    scope,
  };
}

function hex(id) {
  if (/^[0-9a-f]{16}$/.test(id)) return id;
  return Buffer.from(String(id)).toString('hex').padStart(16, '0').slice(-16);
}

const epoch = new EpochNs(1_700_000_000);
function pack(spans, options) {
  return decodePackedTrace(encodePackedTrace(spans, epoch, options));
}

/** names of rows, for readable assertions */
function names(t, rows) {
  return Array.from(rows, (r) => t.str(t.name[r]));
}

module.exports = { span, hex, pack, names, epoch, TRACE };
