'use strict';
// Small helpers the handlers use to make their own spans and span-linked logs.
// @opentelemetry/api 1.10 carries the logs API (the SDK 3.x registers its LoggerProvider there).
const { trace, logs, SeverityNumber, SpanStatusCode, SpanKind } = require('@opentelemetry/api');

const tracer = trace.getTracer('sample-app', '1.0.0');

/**
 * Runs fn(span) inside a new active span. A thrown error is recorded as an exception event (with its stack
 * trace), marks the span as an error, ends it and is re-thrown — except a deliberate client error (an
 * HttpError with a 4xx status, e.g. out of stock), which is the request's fault, not this code's: it is
 * noted as an event and the span stays OK.
 */
async function withSpan(name, options, fn) {
  if (typeof options === 'function') { fn = options; options = {}; }
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      if (err && err.status >= 400 && err.status < 500) {
        span.addEvent('request rejected', { 'http.response.status_code': err.status, 'app.reason': err.message });
      } else {
        span.recordException(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err && err.message });
      }
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Emits a log record in the active context, so it is linked to the current span by trace and span id. */
function log(service, severity, body, attributes = {}) {
  const severityNumber = { DEBUG: SeverityNumber.DEBUG, INFO: SeverityNumber.INFO, WARN: SeverityNumber.WARN,
    ERROR: SeverityNumber.ERROR }[severity] ?? SeverityNumber.INFO;
  logs.getLogger(service).emit({ severityNumber, severityText: severity, body, attributes });
}

module.exports = { withSpan, log, SpanKind, SpanStatusCode };
