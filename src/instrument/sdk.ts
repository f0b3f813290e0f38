// Full mode: the OpenTelemetry SDK (OTLP/HTTP protobuf exporter, batch processor), the code-location span
// processor, and the instrumentations of the libraries most Node services use. Each instrumentation is
// built on its own: one that fails to load costs its spans, not the program or the others.
import { context, propagation, trace, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator, getRPCMetadata } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { defaultResource, detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { onSpanEnd, onSpanStart } from './codeAttributes';
import { markEntry, markInstrumentationEntries } from './entryPoints';
import { attributeExpress, attributeFastify, attributeFastifyHooks, attributeNest, attributeRequestListeners, koaRequestHook } from './frameworks';
import type { RuntimeSettings } from './settings';

class CodeLocationProcessor implements SpanProcessor {
  /** the SDK's Tracer.prototype.startSpan: every span of ours starts inside it (startActiveSpan calls it too) */
  startSpan?: Function;
  onStart(span: Span, parent: Context): void {
    try {
      onSpanStart(span, span.instrumentationScope?.name, () => getRPCMetadata(parent)?.span, span.kind, this.startSpan);
    } catch {
      // a location we cannot capture is no reason to lose the span
    }
  }
  onEnd(span: ReadableSpan): void {
    try {
      onSpanEnd(span as unknown as { attributes: Record<string, unknown> });
    } catch {
      // keep the generated position
    }
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** [name, factory] — required lazily here so a broken one is skipped on its own */
const INSTRUMENTATIONS: Array<[string, () => Instrumentation]> = [
  ['http', () => new (require('@opentelemetry/instrumentation-http').HttpInstrumentation)()],
  ['undici', () => new (require('@opentelemetry/instrumentation-undici').UndiciInstrumentation)()],
  ['express', () => {
    const inst = new (require('@opentelemetry/instrumentation-express').ExpressInstrumentation)();
    attributeExpress(inst);
    return inst;
  }],
  ['koa', () => new (require('@opentelemetry/instrumentation-koa').KoaInstrumentation)({ requestHook: koaRequestHook })],
  ['fastify', () => {
    attributeFastify(); // subscribes before @fastify/otel does, see frameworks.ts
    const inst = new (require('@fastify/otel').FastifyOtelInstrumentation)({ registerOnInitialization: true });
    attributeFastifyHooks(); // and this one after it
    return inst;
  }],
  ['nestjs-core', () => {
    const inst = new (require('@opentelemetry/instrumentation-nestjs-core').NestInstrumentation)();
    attributeNest(inst);
    return inst;
  }],
  ['pg', () => new (require('@opentelemetry/instrumentation-pg').PgInstrumentation)()],
  ['mysql2', () => new (require('@opentelemetry/instrumentation-mysql2').MySQL2Instrumentation)()],
  ['mongodb', () => new (require('@opentelemetry/instrumentation-mongodb').MongoDBInstrumentation)()],
  ['ioredis', () => new (require('@opentelemetry/instrumentation-ioredis').IORedisInstrumentation)()],
  ['redis', () => new (require('@opentelemetry/instrumentation-redis').RedisInstrumentation)()],
  ['graphql', () => new (require('@opentelemetry/instrumentation-graphql').GraphQLInstrumentation)()],
  ['grpc', () => new (require('@opentelemetry/instrumentation-grpc').GrpcInstrumentation)()],
];

/** Module names the ESM loader hook must intercept for these instrumentations. */
export const ESM_MODULES = [
  'http', 'https', 'node:http', 'node:https', 'undici', 'express', 'koa', 'fastify', '@nestjs/core', 'pg', 'pg-pool',
  'mysql2', 'mongodb', 'ioredis', 'redis', '@redis/client', 'graphql', '@grpc/grpc-js',
];

export interface StartedSdk {
  provider: TracerProvider;
  failed: string[];
}

/**
 * How long spans wait before they are sent. The SDK's 5 s suits a production collector; here the receiver is the
 * editor on this machine and a developer waits for the trace of the request they just made, so 200 ms.
 * OTEL_BSP_SCHEDULE_DELAY still wins (SDK 3's processors no longer read it themselves).
 */
export function scheduleDelayMs(env: NodeJS.ProcessEnv): number {
  const v = Number(env.OTEL_BSP_SCHEDULE_DELAY);
  return Number.isFinite(v) && v >= 0 && (env.OTEL_BSP_SCHEDULE_DELAY ?? '').trim() !== '' ? v : 200;
}

export function startSdk(s: RuntimeSettings): StartedSdk {
  const detected = detectResources({ detectors: [envDetector, processDetector, hostDetector] });
  const resource = defaultResource().merge(detected).merge(resourceFromAttributes({ 'service.name': s.serviceName }));
  const exporter = new OTLPTraceExporter({ url: s.tracesUrl });
  const locations = new CodeLocationProcessor();
  const provider = new TracerProvider({
    resource,
    // ours first: it fills in positions in onEnd before the batch processor queues the span
    spanProcessors: [locations, new BatchSpanProcessor({ exporter, scheduledDelayMillis: scheduleDelayMs(process.env) })],
  });
  const startSpan = (Object.getPrototypeOf(provider.getTracer('trace-explorer')) as { startSpan?: unknown }).startSpan;
  if (typeof startSpan === 'function') locations.startSpan = startSpan;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);

  const instrumentations: Instrumentation[] = [];
  const failed: string[] = [];
  for (const [name, make] of INSTRUMENTATIONS) {
    try {
      const inst = make();
      // before the app requires anything: the patches happen then, through the instance's _wrap
      markInstrumentationEntries(inst);
      instrumentations.push(inst);
    } catch {
      failed.push(name);
    }
  }
  // Node's own fetch has no patched function (its spans come from diagnostics channels): the global is the entry
  if (typeof globalThis.fetch === 'function') globalThis.fetch = markEntry(globalThis.fetch);
  registerInstrumentations({ instrumentations, tracerProvider: provider });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    for (const m of ['node:http', 'node:https']) attributeRequestListeners((require(m) as typeof import('node:http')).Server.prototype);
  } catch {
    failed.push('request listeners');
  }
  return { provider, failed };
}
