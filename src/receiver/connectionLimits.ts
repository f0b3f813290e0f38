// Connection limits for every port the receiver opens. Each port caps its open connections (over the cap a
// new socket is closed at once), closes a connection that has not sent a complete request head in time, and
// closes one that has been idle too long. The OTLP ports' caps together stay well below the usual 1,024
// file descriptors, so a flood of sockets on them cannot take the descriptors the query API needs: the
// editor windows keep their answers and event streams.
import type * as http from 'node:http';
import type * as http2 from 'node:http2';

export interface ConnectionLimits {
  /** open connections accepted at once; more are closed as they arrive */
  maxConnections: number;
  /** a connection that has sent no complete request head (HTTP/1) or no call (HTTP/2) by then is closed */
  headersTimeoutMs: number;
  /** a connection with no traffic for this long is closed (HTTP/2: GOAWAY, then cut) */
  idleTimeoutMs: number;
}

/** per OTLP port (HTTP and gRPC each) */
export const OTLP_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 256, headersTimeoutMs: 30_000, idleTimeoutMs: 120_000 };
/** the query API: editor windows (one event stream and a few requests each) and scripts */
export const API_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 128, headersTimeoutMs: 20_000, idleTimeoutMs: 120_000 };

/** options for http.createServer: the head deadline, checked often enough to hold it */
export function httpServerOptions(l: ConnectionLimits, requestTimeoutMs: number): http.ServerOptions {
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: Math.min(65_000, l.idleTimeoutMs),
    // Node looks for connections past headersTimeout/requestTimeout on a timer of this period (30 s by default)
    connectionsCheckingInterval: Math.max(50, Math.min(1000, l.headersTimeoutMs / 2)),
  };
}

/**
 * HTTP/1 server: the cap, a deadline for the first request on a new connection (Node's headersTimeout only
 * starts with the first byte, and its socket timeout does not close a socket that never sent one) and an
 * idle deadline for every socket (a request in progress, a response being written or an event stream
 * that turns it off keeps it alive).
 */
export function limitHttpServer(server: http.Server, l: ConnectionLimits): void {
  server.maxConnections = l.maxConnections;
  const firstRequest = new WeakMap<object, NodeJS.Timeout>();
  server.on('connection', (socket: import('node:net').Socket) => {
    const t = setTimeout(() => socket.destroy(), l.headersTimeoutMs);
    t.unref();
    firstRequest.set(socket, t);
    socket.once('close', () => clearTimeout(t));
    socket.setTimeout(l.idleTimeoutMs);
    socket.once('timeout', () => socket.destroy());
  });
  server.on('request', (req: http.IncomingMessage) => {
    const t = firstRequest.get(req.socket);
    if (t) {
      clearTimeout(t);
      firstRequest.delete(req.socket);
    }
  });
}

/**
 * HTTP/2 (gRPC) server: Node gives sessions no deadline at all, so each session gets one for its first call
 * and one for idleness; both end it with GOAWAY (a gRPC client reconnects when it next exports) and cut it a
 * second later if the peer does not close.
 */
export function limitHttp2Server(server: http2.Http2Server, l: ConnectionLimits): void {
  server.maxConnections = l.maxConnections;
  server.on('session', (session: http2.ServerHttp2Session) => {
    const end = () => {
      if (session.closed || session.destroyed) return;
      session.close();
      setTimeout(() => session.destroy(), 1000).unref();
    };
    const first = setTimeout(end, l.headersTimeoutMs);
    first.unref();
    session.once('stream', () => clearTimeout(first));
    session.once('close', () => clearTimeout(first));
    session.setTimeout(l.idleTimeoutMs, end);
  });
}
