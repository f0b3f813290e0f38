// The receiver: OTLP/HTTP + OTLP/gRPC servers feeding one TraceStore (with its LocationIndex), and the
// query API on its own loopback port. A port that cannot be bound is not fatal: it is reported in the
// listening line and in health, and everything else keeps running. Used by dist/receiver.js (main.ts),
// `trace-explorer receive` (src/cli/receive.ts) and the tests.
import * as http from 'node:http';
import type * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { HealthInfo, ListeningLine, PortState } from '../protocol/api';
import { TraceStore } from '../store/traceStore';
import { LocationIndex } from '../stats/locationIndex';
import { DiskStore } from '../store/persist/diskStore';
import { StoreLockedError } from '../store/persist/lock';
import { ServiceMapIndex } from '../explore/serviceMapIndex';
import { createApiServer, type ApiServer } from './api';
import { OriginPolicy } from './cors';
import { type IngestCounters, newCounters } from './ingest';
import { type ReceiverLog, silentLog } from './log';
import { createOtlpGrpcServer } from './otlpGrpc';
import { createOtlpHttpServer } from './otlpHttp';
import { isLoopbackName } from './hostCheck';
import type { ReceiverOptions } from './options';
import { productVersion } from './version';

export interface RunningReceiver {
  readonly store: TraceStore;
  readonly token: string;
  readonly apiPort: number;
  readonly http: PortState;
  readonly grpc: PortState;
  readonly counters: IngestCounters;
  health(): HealthInfo;
  listeningLine(): ListeningLine;
  /** event-stream clients connected now */
  clients(): number;
  close(): Promise<void>;
}

export interface ReceiverHooks {
  log?: ReceiverLog;
  onClients?: (count: number) => void;
}

function describeListenError(e: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host}:${port}`;
  if (e.code === 'EADDRINUSE') return `EADDRINUSE: ${where} is already in use (another collector, Jaeger or receiver?)`;
  if (e.code === 'EACCES') return `EACCES: no permission to listen on ${where}`;
  if (e.code === 'EADDRNOTAVAIL') return `EADDRNOTAVAIL: ${host} is not an address of this machine`;
  return `${e.code ?? 'ERROR'}: cannot listen on ${where}: ${e.message}`;
}

function listen(server: http.Server | http2.Http2Server, host: string, port: number): Promise<PortState> {
  return new Promise((resolve) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.removeListener('listening', onListening);
      resolve({ port, listening: false, error: describeListenError(e, host, port), code: e.code ?? 'ERROR' });
    };
    const onListening = () => {
      server.removeListener('error', onError);
      resolve({ port: (server.address() as AddressInfo).port, listening: true });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** The open HTTP/2 sessions of a server, kept so that closing the server can end them. */
function trackSessions(server: http2.Http2Server): Set<http2.ServerHttp2Session> {
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  return sessions;
}

function closeServer(server: http.Server | http2.Http2Server, sessions?: Set<http2.ServerHttp2Session>): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    (server as http.Server).closeAllConnections?.();
    // An HTTP/2 server's close waits for its sessions to end, and gRPC SDKs keep their channel open for the
    // life of the app: ask each to go away (GOAWAY lets a call in flight finish), then cut what is left.
    for (const session of sessions ?? []) {
      session.close();
      setTimeout(() => session.destroy(), 1000).unref();
    }
  });
}

/**
 * Opens the persistent store; a receiver that is exiting (a restart with other settings) may still hold it
 * for a moment, so a lock held by a live process is retried for up to 3 s before giving up.
 */
async function openDisk(opts: ReceiverOptions, log: ReceiverLog): Promise<DiskStore> {
  const until = Date.now() + 3000;
  for (;;) {
    try {
      return DiskStore.open({ dir: opts.storeDir!, maxDiskBytes: opts.storeMaxBytes, maxAgeMs: opts.storeMaxAgeMs, log });
    } catch (e) {
      if (!(e instanceof StoreLockedError) || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startReceiver(opts: ReceiverOptions, hooks: ReceiverHooks = {}): Promise<RunningReceiver> {
  const log = hooks.log ?? silentLog;
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const index = new LocationIndex();
  const serviceMap = new ServiceMapIndex();
  // the persistent store (throws StoreLockedError when another receiver has the directory)
  const openedAt = Date.now();
  const disk = opts.storeDir ? await openDisk(opts, log) : undefined;
  const store = new TraceStore({
    maxSpans: opts.maxSpans,
    maxBytes: opts.maxBytes,
    locationIndex: index,
    observer: serviceMap,
    backing: disk,
    epoch: disk?.epoch,
    // with a store on disk, the memory caps only choose which traces stay in memory (the others stay
    // listed); the disk store logs its own eviction
    onEvictionStart: disk
      ? undefined
      : () => log.warn(`[store] full (at most ${opts.maxSpans} spans, ~${Math.round(opts.maxBytes / 1024 / 1024)} MiB): evicting the oldest traces; pinned traces stay (up to half of each limit)`),
    onTraceOverLimits: (id, spans, maxSpans, maxBytes) =>
      log.warn(`[store] trace ${id} holds half the store's limits on its own (${spans} spans kept; the store holds at most ${maxSpans} spans, ~${Math.round(maxBytes / 1024 / 1024)} MiB): its further spans are refused and the other traces stay (raise --max-spans / --max-bytes, or keep the store on disk with --store)`),
    onPinsDropped: (ids, why) => log.warn(`[store] ${ids.length} pinned trace(s) unpinned, oldest first, and may now be evicted: ${why} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`),
  });
  if (disk) {
    disk.attach(store);
    // the trace list is ready once the summaries can be listed (bench:store reads this line)
    const listed = store.summaries().length;
    const s = store.stats();
    log.info(`[store] ${disk.dir}: ${listed} trace(s), ${s.spans} span(s) listed in ${Date.now() - openedAt} ms (${Math.round(disk.bytesOnDisk() / 1024 / 1024)} MiB on disk)`);
  }
  const counters = newCounters();
  const startedAt = Date.now();
  const version = productVersion();

  const httpServer = createOtlpHttpServer({ store, origins: new OriginPolicy(opts.cors), maxBodyBytes: opts.maxBody, counters, log, limits: opts.otlpLimits, loopbackOnly: isLoopbackName(opts.host.toLowerCase()) });
  const grpcServer = createOtlpGrpcServer({ store, maxBodyBytes: opts.maxBody, counters, log, limits: opts.otlpLimits });
  const grpcSessions = trackSessions(grpcServer);
  let api: ApiServer | undefined;
  let httpState: PortState = { port: opts.httpPort, listening: false };
  let grpcState: PortState = { port: opts.grpcPort, listening: false };
  let apiPort = 0;

  const health = (): HealthInfo => {
    const s = store.stats();
    return {
      version,
      pid: process.pid,
      host: opts.host,
      http: httpState,
      grpc: grpcState,
      api: apiPort,
      spans: s.spans,
      traces: s.traces,
      logs: s.logs,
      maxSpans: s.maxSpans,
      maxBytes: s.maxBytes,
      approxBytes: s.approxBytes,
      evictedTraces: s.evictedTraces,
      evicting: s.evicting,
      maxBody: opts.maxBody,
      cors: opts.cors,
      idleExitMs: opts.idleExitMs,
      ...(disk ? { store: { ...disk.stats(), coldTraces: store.coldCount() } } : {}),
      startedAt,
      clients: api ? api.clients() : 0,
    };
  };

  api = createApiServer({ store, token, health, maxBodyBytes: Math.max(opts.maxBody, 64 * 1024 * 1024), log, onClients: hooks.onClients, limits: opts.apiLimits, serviceMap });
  const apiState = await listen(api.server, '127.0.0.1', opts.apiPort);
  if (!apiState.listening) {
    api.close();
    store.dispose();
    await disk?.close();
    throw new Error(`query API: ${apiState.error}`);
  }
  apiPort = apiState.port;
  [httpState, grpcState] = await Promise.all([listen(httpServer, opts.host, opts.httpPort), listen(grpcServer, opts.host, opts.grpcPort)]);
  if (!httpState.listening) log.warn(`[otlp/http] ${httpState.error}`);
  if (!grpcState.listening) log.warn(`[otlp/grpc] ${grpcState.error}`);

  return {
    store,
    token,
    apiPort,
    counters,
    get http() {
      return httpState;
    },
    get grpc() {
      return grpcState;
    },
    health,
    clients: () => api!.clients(),
    listeningLine: () => {
      const line: ListeningLine = {
        event: 'listening',
        http: httpState.listening ? httpState.port : null,
        grpc: grpcState.listening ? grpcState.port : null,
        api: apiPort,
        token,
        pid: process.pid,
        host: opts.host,
        version,
      };
      if (!httpState.listening || !grpcState.listening) {
        line.errors = {};
        if (!httpState.listening) line.errors.http = httpState.error;
        if (!grpcState.listening) line.errors.grpc = grpcState.error;
      }
      return line;
    },
    close: async () => {
      api!.close();
      await Promise.all([closeServer(httpServer), closeServer(grpcServer, grpcSessions), closeServer(api!.server)]);
      store.dispose();
      await disk?.close();
    },
  };
}
