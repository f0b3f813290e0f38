// Small builders for the source-* tests: spans and log records in the store's model.
const { EpochNs } = require('../../out/src/model/time.js');

const epoch = new EpochNs(Math.floor(Date.now() / 1000));
const resource = (serviceName = 'shop') => ({ attrs: ['service.name', serviceName], serviceName, droppedAttributesCount: 0, schemaUrl: '' });
const scope = (name = 'shop') => ({ name, version: '', attrs: [], droppedAttributesCount: 0, schemaUrl: '' });
let seq = 1;

/** a span ending `agoMs` before now that took `ms` */
function span({ name = 'work', attrs = [], events = null, status = 0, message = '', ms = 10, agoMs = 0, service = 'shop', scopeName = 'shop', traceId, spanId, kind = 1 } = {}) {
  const endNs = (Date.now() - agoMs - epoch.sec * 1000) * 1e6;
  const id = seq++;
  return {
    traceId: traceId ?? id.toString(16).padStart(32, '0'),
    spanId: spanId ?? id.toString(16).padStart(16, '0'),
    parentSpanId: '', traceState: '', flags: 1, name, kind,
    start: endNs - ms * 1e6, end: endNs,
    attrs, droppedAttributesCount: 0, events, droppedEventsCount: 0, links: null, droppedLinksCount: 0,
    statusCode: status, statusMessage: message, resource: resource(service), scope: scope(scopeName),
  };
}

function exceptionEvent(stacktrace, message = 'boom', type = 'Error') {
  return { time: 0, name: 'exception', attrs: ['exception.type', type, 'exception.message', message, 'exception.stacktrace', stacktrace], droppedAttributesCount: 0 };
}

function log(attrs, { traceId = '', spanId = '' } = {}) {
  return { time: 0, severityNumber: 9, severityText: 'INFO', body: 'msg', attrs, traceId, spanId, eventName: '', resource: resource(), scope: scope() };
}

module.exports = { epoch, span, exceptionEvent, log };
