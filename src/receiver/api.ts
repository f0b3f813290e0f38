// The query API the editor windows (and the headless CLI's users) talk to: its own loopback port, every
// request with `Authorization: Bearer <token>`, JSON answers (shapes in src/protocol/api.ts), and the
// server-sent event stream /api/events. Browser pages are refused outright (any request with an Origin
// header), and the Host header must name a loopback address, so DNS rebinding cannot reach it either.
import * as http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { PACKED_FRAMES_TYPE, type HealthInfo, type ReceiverEvent } from '../protocol/api';
import type { TraceStore } from '../store/traceStore';
import { defaultHasLocation, packTrace } from '../protocol/packedTrace';
import { OtlpDecodeError } from '../otlp/protoDecode';
import { decodeTracesJson } from '../otlp/jsonDecode';
import { BodyError, parseContentEncoding, readBody } from './body';
import type { ReceiverLog } from './log';
import { isLoopbackHost } from './hostCheck';
import { exploreRoute } from './exploreRoutes';
import { TraceWindows } from './traceWindows';
import { RecentPacker } from './recentPacker';
import { isWindowRequest } from '../protocol/rowWindow';
import type { ServiceMapIndex } from '../explore/serviceMapIndex';
import { API_CONNECTION_LIMITS, type ConnectionLimits, httpServerOptions, limitHttpServer } from './connectionLimits';

export interface ApiOptions {
  store: TraceStore;
  token: string;
  health: () => HealthInfo;
  maxBodyBytes: number;
  log: ReceiverLog;
  /** called when the number of event-stream clients changes */
  onClients?: (count: number) => void;
  limits?: ConnectionLimits;
  /** the ingest-time service map (the store's observer), for /api/explore */
  serviceMap?: ServiceMapIndex;
}

export interface ApiServer {
  server: http.Server;
  clients(): number;
  close(): void;
}

const ID_RE = /^[0-9a-fA-F]{1,64}$/;
const SSE_MAX_BUFFER = 16 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store' });
  res.end(body);
}

/** one frame of a PACKED_FRAMES_TYPE answer: the byte length (u32 LE), then the packed trace */
function writeFrame(res: http.ServerResponse, bytes: Uint8Array): void {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(bytes.byteLength, 0);
  res.write(len);
  res.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

function noContent(res: http.ServerResponse): void {
  res.writeHead(204, { 'content-length': 0 });
  res.end();
}

/** one path segment, percent-decoded; malformed encoding (`%E0%A4%A`) is the client's error */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in the path: ${JSON.stringify(segment.slice(0, 80))}`);
  }
}

export function createApiServer(o: ApiOptions): ApiServer {
  const tokenBuf = Buffer.from(o.token, 'utf8');
  const clients = new Set<http.ServerResponse>();
  // big traces' rows, served a window at a time (issue 26)
  const windows = new TraceWindows(o.store);
  // a head asked for alone, then the whole trace: the trace is ordered once
  const recentPacker = new RecentPacker();
  let pending = '';
  let flushScheduled = false;

  const broadcast = (e: ReceiverEvent) => {
    if (clients.size === 0) return;
    pending += `data: ${JSON.stringify(e)}\n\n`;
    if (flushScheduled) return;
    flushScheduled = true;
    // events emitted together (traces + stats + locations of one store flush) go out in one write
    setImmediate(() => {
      flushScheduled = false;
      const chunk = pending;
      pending = '';
      for (const c of clients) {
        if (c.writableLength > SSE_MAX_BUFFER) {
          o.log.warn('[api] dropping an event-stream client that stopped reading');
          c.destroy();
          continue;
        }
        c.write(chunk);
      }
    });
  };
  // subscribed only while someone listens: the store then skips building events nobody reads
  let unsubscribe: (() => void) | undefined;
  const subscribeIfNeeded = () => {
    if (clients.size > 0 && !unsubscribe) unsubscribe = o.store.onChange(broadcast);
    else if (clients.size === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = undefined;
      pending = '';
    }
  };
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(': ping\n\n');
  }, 15_000);
  heartbeat.unref();

  const authorized = (req: http.IncomingMessage): boolean => {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) return false;
    const given = Buffer.from(m[1], 'utf8');
    return given.length === tokenBuf.length && timingSafeEqual(given, tokenBuf);
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (req.headers.origin !== undefined || !isLoopbackHost(req.headers.host)) {
      throw new HttpError(403, 'the query API does not serve browser pages or non-loopback host names');
    }
    if (!authorized(req)) {
      res.setHeader('www-authenticate', 'Bearer');
      throw new HttpError(401, 'missing or wrong bearer token (see the receiver state file or its listening line)');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeSegment);
    const method = req.method ?? 'GET';
    if (parts[0] !== 'api') throw new HttpError(404, `no such route ${url.pathname}`);
    const [, what, id, sub, subId] = parts;
    const allow = (...methods: string[]) => {
      if (!methods.includes(method)) {
        res.setHeader('allow', methods.join(', '));
        throw new HttpError(405, `${method} is not allowed on ${url.pathname}`);
      }
    };
    const traceId = (): string => {
      if (!ID_RE.test(id)) throw new HttpError(400, `bad trace id ${JSON.stringify(id.slice(0, 80))}`);
      return id.toLowerCase();
    };

    if (what === 'health' && parts.length === 2) {
      allow('GET');
      return json(res, 200, o.health());
    }
    if (what === 'events' && parts.length === 2) {
      allow('GET');
      return openEvents(req, res);
    }
    if (what === 'locations' && parts.length === 2) {
      allow('GET');
      const index = o.store.locationIndex;
      const since = url.searchParams.get('sinceMs');
      const sinceMs = since === null || since === '' ? undefined : Number(since);
      if (sinceMs !== undefined && !Number.isFinite(sinceMs)) throw new HttpError(400, `sinceMs must be a number of Unix ms, got ${JSON.stringify(since)}`);
      const keys = url.searchParams.getAll('key');
      if (!index) return json(res, 200, { sinceMs: sinceMs ?? null, windowStartMs: null, nowMs: Date.now(), locations: [], droppedLocations: 0 });
      return json(res, 200, index.query({ sinceMs, keys: keys.length ? keys : undefined, detail: url.searchParams.get('detail') !== '0' }));
    }
    if (what === 'runs') return routeRuns(req, res, url, parts.slice(2), allow);
    if (what === 'explore') {
      const a = await exploreRoute(o.store, o.serviceMap, method, parts.slice(2), url, () => readBody(req, 'identity', 1024 * 1024, 10_000));
      if ('bytes' in a) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': a.bytes.byteLength, 'cache-control': 'no-store' });
        res.end(Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength));
        return;
      }
      return json(res, a.status, a.json);
    }
    if (what === 'import' && parts.length === 2) {
      allow('POST');
      const ce = parseContentEncoding(req.headers['content-encoding']);
      if (!ce) throw new HttpError(415, 'unsupported Content-Encoding: use gzip, deflate or none');
      const body = await readBody(req, ce, o.maxBodyBytes, 60_000);
      const kind = url.searchParams.get('source') === 'otlp' ? 'otlp' : 'file';
      const name = url.searchParams.get('name') ?? undefined;
      const batch = decodeTracesJson(body, o.store.epoch);
      const r = o.store.addSpans(batch.spans, { kind, name }, { encoding: 'json', body });
      return json(res, 200, { traceIds: r.traceIds, spans: r.added, duplicates: r.duplicates, rejected: batch.rejected, rejectReasons: batch.rejectReasons });
    }
    if (what === 'traces') {
      if (parts.length === 2) {
        allow('GET', 'DELETE');
        if (method === 'DELETE') {
          o.store.clear();
          windows.drop();
          recentPacker.clear();
          return noContent(res);
        }
        // ?service=S (traces touching that service, from the service index), ?limit=N (newest N)
        const service = url.searchParams.get('service');
        const limitText = url.searchParams.get('limit');
        const limit = limitText === null ? Infinity : Number(limitText);
        if (!(limit >= 0)) throw new HttpError(400, `limit must be a non-negative number, got ${JSON.stringify(limitText)}`);
        let list = o.store.summaries();
        if (service !== null) {
          const ids = new Set(o.store.traceIdsForService(service));
          list = list.filter((t) => ids.has(t.traceId));
        }
        return json(res, 200, Number.isFinite(limit) ? list.slice(0, limit) : list);
      }
      const tid = traceId();
      if (parts.length === 3) {
        allow('GET', 'DELETE');
        if (method === 'DELETE') {
          if (!o.store.remove(tid)) throw new HttpError(404, `trace ${tid} is not held`);
          return noContent(res);
        }
        const t = o.store.toOtlp(tid);
        if (!t) throw new HttpError(404, `trace ${tid} is not held (never received, evicted or removed)`);
        return json(res, 200, t);
      }
      if (parts.length === 4 && sub === 'packed') {
        allow('GET');
        const headText = url.searchParams.get('head');
        const headRows = headText === null ? 0 : Number(headText);
        if (!(Number.isInteger(headRows) && headRows >= 0)) throw new HttpError(400, `head must be a whole number of rows, got ${JSON.stringify(headText)}`);
        // ?rest=0: the head alone (the panel asks for the whole trace once it has painted the head)
        const headAlone = headText !== null && url.searchParams.get('rest') === '0';
        const spans = o.store.spans(tid);
        if (!spans) throw new HttpError(404, `trace ${tid} is not held (never received, evicted or removed)`);
        // a span whose own data names no place can still be placed by a linked log record
        const byLogs = o.store.spansPlacedByLogs(tid);
        const packer = recentPacker.packer(tid, spans, byLogs?.size ?? 0, headAlone && headRows > 0 && headRows < spans.length, () =>
          packTrace(spans, o.store.epoch, byLogs ? { hasLocation: (s) => defaultHasLocation(s) || byLogs.has(s.spanId) } : {}));
        if (headText === null) {
          const bytes = packer.encode();
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.byteLength, 'cache-control': 'no-store' });
          res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          return;
        }
        // the head goes out before the whole trace is packed: the panel paints its first rows meanwhile
        res.writeHead(200, { 'content-type': PACKED_FRAMES_TYPE, 'cache-control': 'no-store' });
        if (headRows > 0 && headRows < packer.spanCount) {
          writeFrame(res, packer.encode(headRows));
          if (headAlone) {
            res.end();
            return;
          }
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (res.destroyed) return;
        }
        writeFrame(res, packer.encode());
        res.end();
        return;
      }
      if (parts.length === 4 && sub === 'window') {
        allow('POST');
        const body = await readBody(req, 'identity', 64 * 1024, 10_000);
        let w: unknown;
        try {
          w = JSON.parse(body.toString('utf8'));
        } catch {
          throw new HttpError(400, 'body must be a JSON window request (src/protocol/rowWindow.ts)');
        }
        if (!isWindowRequest(w)) throw new HttpError(400, 'not a window request: {view?, ops?, nav?, from, count ≤ 2000}');
        // a big trace is ordered a few milliseconds at a time: ingest and other queries are answered meanwhile
        await windows.prepare(tid);
        if (w.flame) await windows.prepareFlame(tid, w.flame.mode);
        const bytes = windows.window(tid, w);
        if (!bytes) throw new HttpError(404, `trace ${tid} is not held (never received, evicted or removed)`);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.byteLength, 'cache-control': 'no-store' });
        res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        return;
      }
      if (parts.length === 4 && sub === 'summary') {
        allow('GET');
        const summary = o.store.summary(tid);
        if (!summary) throw new HttpError(404, `trace ${tid} is not held (never received, evicted or removed)`);
        return json(res, 200, summary);
      }
      if (parts.length === 4 && sub === 'pin') {
        allow('POST');
        const body = await readBody(req, 'identity', 64 * 1024, 10_000);
        let pinned: unknown;
        try {
          pinned = (JSON.parse(body.toString('utf8') || '{}') as { pinned?: unknown }).pinned;
        } catch {
          throw new HttpError(400, 'body must be JSON {"pinned": true|false}');
        }
        if (typeof pinned !== 'boolean') throw new HttpError(400, 'body must be JSON {"pinned": true|false}');
        const r = o.store.pin(tid, pinned);
        if (!r.ok) throw new HttpError(r.missing ? 404 : 409, r.message);
        return noContent(res);
      }
      if (parts.length === 5 && sub === 'spans') {
        allow('GET');
        if (!ID_RE.test(subId)) throw new HttpError(400, `bad span id ${JSON.stringify(subId.slice(0, 80))}`);
        const d = o.store.spanDetail(tid, subId.toLowerCase());
        if (!d) throw new HttpError(404, `span ${subId} of trace ${tid} is not held`);
        return json(res, 200, d);
      }
    }
    throw new HttpError(404, `no such route ${method} ${url.pathname}`);
  };

  // GET /api/runs[?service=S], GET /api/runs/{runId}/stats, PUT /api/runs/baseline {service, runId},
  // DELETE /api/runs/baseline?service=S
  const routeRuns = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, rest: string[], allow: (...m: string[]) => void): Promise<void> => {
    if (rest.length === 0) {
      allow('GET');
      return json(res, 200, o.store.runs(url.searchParams.get('service') ?? undefined));
    }
    if (rest.length === 1 && rest[0] === 'baseline') {
      allow('PUT', 'DELETE');
      if (req.method === 'DELETE') {
        const service = url.searchParams.get('service');
        if (!service) throw new HttpError(400, 'DELETE /api/runs/baseline needs ?service=<service name>');
        o.store.clearBaseline(service);
        return noContent(res);
      }
      const body = await readBody(req, 'identity', 64 * 1024, 10_000);
      let v: { service?: unknown; runId?: unknown };
      try {
        v = JSON.parse(body.toString('utf8') || '{}') as typeof v;
      } catch {
        throw new HttpError(400, 'body must be JSON {"service": "…", "runId": "…"}');
      }
      if (typeof v?.service !== 'string' || typeof v.runId !== 'string') throw new HttpError(400, 'body must be JSON {"service": "…", "runId": "…"}');
      if (!o.store.setBaseline(v.service, v.runId)) throw new HttpError(404, `run ${v.runId.slice(0, 80)} of service ${v.service.slice(0, 200)} is not held`);
      return noContent(res);
    }
    if (rest.length === 2 && rest[1] === 'stats') {
      allow('GET');
      const stats = o.store.runStats(rest[0]);
      if (!stats) throw new HttpError(404, `run ${rest[0].slice(0, 80)} is not held`);
      return json(res, 200, stats);
    }
    throw new HttpError(404, `no such route ${req.method} ${url.pathname}`);
  };

  const openEvents = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    res.write(`data: ${JSON.stringify({ type: 'hello', health: o.health() } satisfies ReceiverEvent)}\n\n`);
    clients.add(res);
    subscribeIfNeeded();
    o.onClients?.(clients.size);
    const gone = () => {
      if (!clients.delete(res)) return;
      subscribeIfNeeded();
      o.onClients?.(clients.size);
    };
    res.on('close', gone);
    req.on('error', gone);
  };

  const limits = o.limits ?? API_CONNECTION_LIMITS;
  // the event stream lives long (its socket has no idle deadline); requests do not
  const server = http.createServer({ ...httpServerOptions(limits, 0), keepAliveTimeout: 30_000 }, (req, res) => {
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError) return json(res, e.status, { error: e.message });
      if (e instanceof BodyError) return json(res, e.status, { error: e.message });
      if (e instanceof OtlpDecodeError) return json(res, 400, { error: e.message });
      o.log.warn(`[api] internal error on ${req.method} ${req.url}: ${(e as Error)?.stack ?? e}`);
      json(res, 500, { error: `internal receiver error: ${(e as Error)?.message ?? e}` });
    });
  });
  limitHttpServer(server, limits);

  return {
    server,
    clients: () => clients.size,
    close: () => {
      recentPacker.clear();
      unsubscribe?.();
      unsubscribe = undefined;
      clearInterval(heartbeat);
      for (const c of clients) c.end();
      clients.clear();
    },
  };
}
