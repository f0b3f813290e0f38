'use strict';
// OpenTelemetry for one sample service: traces, logs and metrics with the OTLP/protobuf exporters on their
// DEFAULT settings (http://localhost:4318/v1/{traces,logs,metrics}) — exactly what an app gets out of the
// box, and what Trace Explorer's receiver answers without any configuration. OTEL_* variables still apply.
// Must be required before anything loads `node:http`, so the HTTP instrumentation can patch it.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-proto');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { CodeAttributesSpanProcessor } = require('./code-attributes');

let sdk;

// SDK 3.x processors take an options object and no longer read these variables themselves when built by
// hand, so honour them here (the SDK's own defaults otherwise).
const envMs = (name) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
};

/** Starts the SDK for `serviceName` (OTEL_SERVICE_NAME wins when set). Returns a shutdown function. */
function startTelemetry(serviceName) {
  sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || serviceName,
    // code attributes first: they must be on the span before the batch processor can export it
    spanProcessors: [
      new CodeAttributesSpanProcessor(),
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), scheduledDelayMillis: envMs('OTEL_BSP_SCHEDULE_DELAY') }),
    ],
    logRecordProcessors: [
      new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(), scheduledDelayMillis: envMs('OTEL_BLRP_SCHEDULE_DELAY') }),
    ],
    metricReaders: [new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter(), exportIntervalMillis: envMs('OTEL_METRIC_EXPORT_INTERVAL'),
    })],
    instrumentations: [new HttpInstrumentation()],
  });
  sdk.start();
  return shutdownTelemetry;
}

/** Flushes and stops the SDK (pending spans, logs and metrics are exported first). */
async function shutdownTelemetry() {
  if (!sdk) return;
  const s = sdk;
  sdk = undefined;
  await s.shutdown().catch((err) => process.stderr.write(`telemetry shutdown: ${err.message}\n`));
}

module.exports = { startTelemetry, shutdownTelemetry };
