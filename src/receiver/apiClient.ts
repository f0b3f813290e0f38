// Client for the receiver's query API (routes: docs/ARCHITECTURE.md, shapes: src/protocol/api.ts).
// Plain Node (node:http only): the extension host, the CLI, tests and benchmarks all use it.
import * as http from 'node:http';
import { PACKED_FRAMES_TYPE, type HealthInfo, type ReceiverEvent, type RunStats, type RunSummary, type SpanDetail, type TraceSummary } from '../protocol/api';
import { isPackedHead } from '../protocol/packedTrace';
import type { OtlpTracesData } from '../model/otlpJson';
import type { EdgeTraces, ExploreVocabulary, NodeOperations, ServiceMapData } from '../protocol/explore';
import type { WindowRequest } from '../protocol/rowWindow';

/** how long a window request may take: the first one of a trace orders it */
const WINDOW_TIMEOUT_MS = 180_000;

export interface ApiClientOptions {
  host?: string; // default 127.0.0.1
  port: number;
  token: string;
  /** per-request timeout in ms (default 15 s); the event stream has none */
  timeoutMs?: number;
}

/** A non-2xx answer from the API; `status` 0 means the request never got an answer (connection error). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface EventSubscription {
  close(): void;
}

export interface ImportOptions {
  /** 'file' marks the traces as opened from a file (default 'file'); 'otlp' as received */
  source?: 'otlp' | 'file';
  name?: string;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Splits a PACKED_FRAMES_TYPE body (src/protocol/api.ts) into its frames as the chunks arrive. */
class FrameReader {
  private parts: Buffer[] = [];
  private have = 0;
  private need = -1; // bytes of the frame being read, its length prefix included; -1 before the prefix

  constructor(private readonly onFrame: (frame: Uint8Array) => void) {}

  /** bytes held that are not a whole frame yet */
  get pending(): number {
    return this.have;
  }

  push(c: Buffer): void {
    this.parts.push(c);
    this.have += c.length;
    for (;;) {
      if (this.need < 0) {
        if (this.have < 4) return;
        const first = this.parts[0].length >= 4 ? this.parts[0] : this.flatten();
        this.need = 4 + first.readUInt32LE(0);
      }
      // (joined only once the frame is whole: a 10 MB trace arrives in many chunks)
      if (this.have < this.need) return;
      const all = this.flatten();
      const frame = all.subarray(4, this.need);
      const rest = all.subarray(this.need);
      this.parts = rest.length ? [rest] : [];
      this.have = rest.length;
      this.need = -1;
      this.onFrame(frame);
    }
  }

  private flatten(): Buffer {
    const b = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.have);
    this.parts = [b];
    return b;
  }
}

export class ApiClient {
  readonly host: string;
  readonly port: number;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly agent: http.Agent;

  constructor(options: ApiClientOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  }

  /** Base URL, e.g. for logs. */
  get url(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  health(): Promise<HealthInfo> {
    return this.json<HealthInfo>('GET', '/api/health');
  }

  /** Trace summaries, newest first; optionally only those touching `service`, and only the newest `limit`. */
  traces(options: { service?: string; limit?: number } = {}): Promise<TraceSummary[]> {
    const q = new URLSearchParams();
    if (options.service !== undefined) q.set('service', options.service);
    if (options.limit !== undefined) q.set('limit', String(options.limit));
    const qs = q.toString();
    return this.json<TraceSummary[]>('GET', `/api/traces${qs ? `?${qs}` : ''}`);
  }

  /** A trace as OTLP JSON, or undefined when the receiver does not hold it (any more). */
  async trace(traceId: string): Promise<OtlpTracesData | undefined> {
    return this.jsonOrUndefined<OtlpTracesData>('GET', `/api/traces/${enc(traceId)}`);
  }

  /** Where to read a trace as OTLP JSON and the header that authorizes it (for a worker thread that reads it itself). */
  traceRequest(traceId: string): { url: string; authorization: string } {
    return { url: `${this.url}/api/traces/${enc(traceId)}`, authorization: `Bearer ${this.token}` };
  }

  /** One trace's summary (as in traces()), or undefined when the receiver does not hold it. */
  summary(traceId: string): Promise<TraceSummary | undefined> {
    return this.jsonOrUndefined<TraceSummary>('GET', `/api/traces/${enc(traceId)}/summary`);
  }

  // ---- explore (src/receiver/exploreRoutes.ts)
  /** every trace summary as columns (src/protocol/exploreColumns.ts), or a first screen of them */
  async exploreSummaries(firstScreen?: { rows: number; sample: number }): Promise<Uint8Array> {
    const q = firstScreen ? `?first=${firstScreen.rows}&sample=${firstScreen.sample}` : '';
    const r = await this.request('GET', `/api/explore/summaries${q}`);
    this.check(r);
    return new Uint8Array(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  }

  serviceMap(w: { fromMs?: number | null; toMs?: number | null } = {}): Promise<ServiceMapData> {
    return this.json<ServiceMapData>('GET', `/api/explore/servicemap${windowQuery(w)}`);
  }

  nodeOperations(node: string, w: { fromMs?: number | null; toMs?: number | null } = {}): Promise<NodeOperations> {
    const q = windowQuery(w);
    return this.json<NodeOperations>('GET', `/api/explore/operations${q ? `${q}&` : '?'}node=${enc(node)}`);
  }

  exploreVocabulary(): Promise<ExploreVocabulary> {
    return this.json<ExploreVocabulary>('GET', '/api/explore/vocabulary');
  }

  edgeTraces(from: string, to: string, w: { fromMs?: number | null; toMs?: number | null } = {}): Promise<EdgeTraces> {
    const q = windowQuery(w);
    return this.json<EdgeTraces>('GET', `/api/explore/edge${q ? `${q}&` : '?'}from=${enc(from)}&to=${enc(to)}`);
  }

  matchAttributes(attributes: { key: string; value: string }[]): Promise<string[]> {
    return this.json<string[]>('POST', '/api/explore/match', JSON.stringify({ attributes }));
  }

  /** the service map of one trace, or undefined when the receiver does not hold it */
  traceServiceMap(traceId: string): Promise<ServiceMapData | undefined> {
    return this.jsonOrUndefined<ServiceMapData>('GET', `/api/explore/trace/${enc(traceId)}/servicemap`);
  }

  /** The packed waterfall form of a trace (src/protocol/packedTrace.ts), or undefined when not held. */
  async packedTrace(traceId: string): Promise<Uint8Array | undefined> {
    const r = await this.request('GET', `/api/traces/${enc(traceId)}/packed`);
    if (r.status === 404) return undefined;
    this.check(r);
    return new Uint8Array(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  }

  /**
   * A window of a big trace's rows (src/protocol/rowWindow.ts, issue 26), or undefined when not held. The
   * first one of a trace waits while the receiver orders it (a million spans: 15–40 s on a busy machine).
   */
  async rowWindow(traceId: string, req: WindowRequest): Promise<Uint8Array | undefined> {
    const r = await this.request('POST', `/api/traces/${enc(traceId)}/window`, JSON.stringify(req), undefined, WINDOW_TIMEOUT_MS);
    if (r.status === 404) return undefined;
    this.check(r);
    return new Uint8Array(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  }

  /**
   * The packed trace with its head first: `onHead` gets the first `headRows` rows (only when the trace has
   * more) as soon as the receiver has packed them; the promise answers the whole trace, or undefined when
   * it is not held.
   */
  async packedTraceWithHead(traceId: string, headRows: number, onHead: (head: Uint8Array) => void): Promise<Uint8Array | undefined> {
    let frames = 0;
    let whole: Uint8Array | undefined;
    let headError: unknown;
    const a = await this.packedFrames(traceId, headRows, false, (f) => {
      if (++frames === 1 && isPackedHead(f)) {
        try {
          onHead(f);
        } catch (e) {
          headError = e;
        }
      } else whole = f;
    });
    if (!a) return undefined;
    if (headError) throw headError;
    if (a.plain) return a.plain;
    if (!whole || a.pending || isPackedHead(whole)) throw new ApiError(`GET ${a.path}: the answer ended inside a frame or without the whole trace`, 200);
    return whole;
  }

  /**
   * The first frame of /packed?head=N&rest=0: the trace's first `headRows` rows (flagged partial when it has
   * more), or the whole trace when it has no more; undefined when it is not held. The receiver packs no more
   * than that (a receiver that predates `rest` packs on: the connection is dropped after the first frame) and
   * keeps the trace ordered for a `packedTrace` soon after (the waterfall panel asks for the whole trace once
   * it has painted the head).
   */
  async packedTraceHead(traceId: string, headRows: number): Promise<Uint8Array | undefined> {
    let first: Uint8Array | undefined;
    const a = await this.packedFrames(traceId, headRows, true, (f) => {
      first = f;
      return true;
    });
    if (!a) return undefined;
    if (a.plain) return a.plain;
    if (!first) throw new ApiError(`GET ${a.path}: the answer ended before its first frame`, 200);
    return first;
  }

  /**
   * GET /packed?head=N, its frames to `onFrame` as they arrive (returning true ends the answer there);
   * undefined for a trace not held; `plain`: the whole trace from a receiver that predates frames;
   * `pending`: bytes left over that are not a whole frame
   */
  private async packedFrames(
    traceId: string,
    headRows: number,
    headAlone: boolean,
    onFrame: (frame: Uint8Array) => boolean | void,
  ): Promise<{ path: string; plain?: Uint8Array; pending: number } | undefined> {
    let stop = false;
    const reader = new FrameReader((f) => {
      if (!stop && onFrame(f) === true) stop = true;
    });
    const path = `/api/traces/${enc(traceId)}/packed?head=${Math.max(0, Math.floor(headRows))}${headAlone ? '&rest=0' : ''}`;
    const r = await this.request('GET', path, undefined, {
      type: PACKED_FRAMES_TYPE,
      onChunk: (c) => {
        reader.push(c);
        return stop;
      },
    });
    if (r.status === 404) return undefined;
    this.check(r);
    const plain = r.headers['content-type'] !== PACKED_FRAMES_TYPE ? new Uint8Array(r.body.buffer, r.body.byteOffset, r.body.byteLength) : undefined;
    return { path, plain, pending: reader.pending };
  }

  /** One span with its resource, scope and linked logs, or undefined when not held. */
  spanDetail(traceId: string, spanId: string): Promise<SpanDetail | undefined> {
    return this.jsonOrUndefined<SpanDetail>('GET', `/api/traces/${enc(traceId)}/spans/${enc(spanId)}`);
  }

  /** Pinned traces are never evicted. */
  async pin(traceId: string, pinned: boolean): Promise<void> {
    this.check(await this.request('POST', `/api/traces/${enc(traceId)}/pin`, JSON.stringify({ pinned })));
  }

  async removeTrace(traceId: string): Promise<void> {
    const r = await this.request('DELETE', `/api/traces/${enc(traceId)}`);
    if (r.status !== 404) this.check(r);
  }

  /** Runs (one start of a traced program each), newest first; optionally only those of `service`. */
  runs(service?: string): Promise<RunSummary[]> {
    return this.json<RunSummary[]>('GET', `/api/runs${service !== undefined ? `?service=${enc(service)}` : ''}`);
  }

  /** Per operation and per code location statistics of a run, or undefined when the receiver holds no trace of it. */
  runStats(runId: string): Promise<RunStats | undefined> {
    return this.jsonOrUndefined<RunStats>('GET', `/api/runs/${enc(runId)}/stats`);
  }

  /** Makes a run its service's baseline (kept with the store); throws ApiError 404 when the run is not held. */
  async setBaselineRun(service: string, runId: string): Promise<void> {
    this.check(await this.request('PUT', '/api/runs/baseline', JSON.stringify({ service, runId })));
  }

  async clearBaselineRun(service: string): Promise<void> {
    this.check(await this.request('DELETE', `/api/runs/baseline?service=${enc(service)}`));
  }

  /** Removes every trace and log (pinned ones too). */
  async clear(): Promise<void> {
    this.check(await this.request('DELETE', '/api/traces'));
  }

  /** Adds OTLP JSON (`{"resourceSpans":[…]}`, any lenient variant) to the store; answers the trace ids. */
  async importOtlp(otlp: string | Uint8Array | object, options: ImportOptions = {}): Promise<{ traceIds: string[] }> {
    const q = new URLSearchParams();
    q.set('source', options.source ?? 'file');
    if (options.name !== undefined) q.set('name', options.name);
    const body =
      typeof otlp === 'string' || otlp instanceof Uint8Array ? otlp : JSON.stringify(otlp);
    return this.json<{ traceIds: string[] }>('POST', `/api/import?${q}`, body);
  }

  /**
   * Location statistics from the receiver's LocationIndex (shape: src/stats/locationIndex.ts); `keys`: only
   * these locations (the keys of a `locations` event), absent = all.
   */
  locations<T = unknown>(sinceMs?: number, keys?: readonly string[]): Promise<T> {
    const q = new URLSearchParams();
    if (sinceMs !== undefined) q.set('sinceMs', String(sinceMs));
    for (const k of keys ?? []) q.append('key', k);
    const qs = q.toString();
    return this.json<T>('GET', `/api/locations${qs ? `?${qs}` : ''}`);
  }

  /**
   * Subscribes to the server-sent event stream. `onError` is called once when the stream fails or ends
   * (after which no more events arrive); `close()` ends it quietly.
   */
  events(onEvent: (e: ReceiverEvent) => void, onError: (err: Error) => void): EventSubscription {
    let closed = false;
    let failed = false;
    const fail = (err: Error) => {
      if (closed || failed) return;
      failed = true;
      onError(err);
    };
    const req = http.request({
      host: this.host,
      port: this.port,
      method: 'GET',
      path: '/api/events',
      headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' },
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        fail(new ApiError(`event stream refused: HTTP ${res.statusCode}`, res.statusCode ?? 0));
        return;
      }
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf('\n\n')) !== -1) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          let data = '';
          for (const line of block.split('\n')) if (line.startsWith('data:')) data += line.slice(line[5] === ' ' ? 6 : 5);
          if (!data || closed) continue;
          let ev: ReceiverEvent;
          try {
            ev = JSON.parse(data) as ReceiverEvent;
          } catch (e) {
            fail(new Error(`event stream sent bad JSON: ${(e as Error).message}`));
            req.destroy();
            return;
          }
          onEvent(ev);
        }
      });
      res.on('end', () => fail(new ApiError('event stream ended (receiver stopped?)', 0)));
      res.on('error', (e) => fail(e));
    });
    req.on('error', (e) => fail(new ApiError(`event stream: ${e.message}`, 0)));
    req.end();
    return {
      close: () => {
        closed = true;
        req.destroy();
      },
    };
  }

  /** Closes idle keep-alive sockets (call when done with the client). */
  dispose(): void {
    this.agent.destroy();
  }

  private async json<T>(method: string, path: string, body?: string | Uint8Array): Promise<T> {
    const r = await this.request(method, path, body);
    this.check(r);
    return parseJson<T>(r);
  }

  private async jsonOrUndefined<T>(method: string, path: string): Promise<T | undefined> {
    const r = await this.request(method, path);
    if (r.status === 404) return undefined;
    this.check(r);
    return parseJson<T>(r);
  }

  private check(r: RawResponse): void {
    if (r.status >= 200 && r.status < 300) return;
    let msg = r.body.toString('utf8');
    try {
      const j = JSON.parse(msg) as { error?: string };
      if (typeof j.error === 'string') msg = j.error;
    } catch {
      // not JSON: keep the text
    }
    throw new ApiError(`HTTP ${r.status}: ${msg.slice(0, 500)}`, r.status);
  }

  /** `stream`: a 200 answer of that content type has its body passed to `onChunk` as it arrives (the body
   *  returned is then empty); `onChunk` returning true ends the answer there (the connection is dropped) */
  private request(method: string, path: string, body?: string | Uint8Array, stream?: { type: string; onChunk: (c: Buffer) => boolean | void }, timeoutMs = this.timeoutMs): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${this.token}` };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          const onChunk = stream && res.statusCode === 200 && res.headers['content-type'] === stream.type ? stream.onChunk : undefined;
          const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          res.on('data', (c: Buffer) => {
            if (!onChunk) chunks.push(c);
            else if (onChunk(c) === true) {
              done();
              req.destroy();
            }
          });
          res.on('end', done);
          res.on('error', (e) => reject(new ApiError(`${method} ${path}: ${e.message}`, 0)));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (e) => reject(new ApiError(`${method} ${path}: ${e.message}`, 0)));
      req.end(body);
    });
  }
}

function windowQuery(w: { fromMs?: number | null; toMs?: number | null }): string {
  const q = new URLSearchParams();
  if (w.fromMs !== undefined && w.fromMs !== null) q.set('fromMs', String(w.fromMs));
  if (w.toMs !== undefined && w.toMs !== null) q.set('toMs', String(w.toMs));
  const t = q.toString();
  return t ? `?${t}` : '';
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

function parseJson<T>(r: RawResponse): T {
  try {
    return JSON.parse(r.body.toString('utf8')) as T;
  } catch (e) {
    throw new ApiError(`bad JSON from the receiver: ${(e as Error).message}`, r.status);
  }
}
