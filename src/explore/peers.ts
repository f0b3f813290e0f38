// Who a span talks to, as the service map draws it. A call between two instrumented services is a client (or
// producer) span in one service whose child is a server (or consumer) span in another. A client span with no
// such child is a call to something without instrumentation of its own: a database (`db.system.name` /
// `db.system`), a queue (`messaging.system`), or an external host (`server.address`, `net.peer.name`, the
// host of `url.full` / `http.url`, or `peer.service`). Databases and queues are nodes of their own even when
// the span's child is instrumented; an external host only while no instrumented server answered the span.
import type { Span } from '../model/span';
import { getStringAttr } from '../model/attrs';
import { rootTarget } from '../store/rootTarget';

export const SPAN_KIND_SERVER = 2;
export const SPAN_KIND_CLIENT = 3;
export const SPAN_KIND_PRODUCER = 4;
export const SPAN_KIND_CONSUMER = 5;

export type PeerKind = 'database' | 'queue' | 'external';

export interface Peer {
  kind: PeerKind;
  name: string;
}

/** a node's id in the map: services by name, the others by kind and name (a queue may share a service's name) */
export function serviceNodeId(service: string): string {
  return `s:${service}`;
}

export function peerNodeId(p: Peer): string {
  return `${p.kind === 'database' ? 'd' : p.kind === 'queue' ? 'q' : 'x'}:${p.name}`;
}

/** the receiving side of a call between services: its parent in another service is the caller */
export function isEntrySpan(s: Span): boolean {
  return s.kind === SPAN_KIND_SERVER || s.kind === SPAN_KIND_CONSUMER;
}

/** a span that calls out */
export function isCallerSpan(s: Span): boolean {
  return s.kind === SPAN_KIND_CLIENT || s.kind === SPAN_KIND_PRODUCER;
}

/** the uninstrumented thing a caller span talks to, or null (not a caller, or it names nothing) */
export function peerOf(s: Span): Peer | null {
  if (!isCallerSpan(s)) return null;
  const a = s.attrs;
  const db = getStringAttr(a, 'db.system.name') ?? getStringAttr(a, 'db.system');
  if (db) return { kind: 'database', name: db };
  const mq = getStringAttr(a, 'messaging.system');
  if (mq) {
    const dest = getStringAttr(a, 'messaging.destination.name');
    return { kind: 'queue', name: dest ? `${mq} ${dest}` : mq };
  }
  const host = getStringAttr(a, 'peer.service') ?? getStringAttr(a, 'server.address') ?? getStringAttr(a, 'net.peer.name')
    ?? urlHost(getStringAttr(a, 'url.full') ?? getStringAttr(a, 'http.url'));
  if (host) return { kind: 'external', name: host };
  return null;
}

function urlHost(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  return m && m[1] ? m[1] : undefined;
}

/** an operation as the map lists it: the span's name, with the route or path when named by its HTTP method alone */
export function operationName(s: Span): string {
  const target = rootTarget(s.name, s.attrs);
  return target ? `${s.name} ${target}` : s.name;
}

/** the figures of one call between two instrumented spans: the caller's view when the parent is a caller span */
export function pairFigures(parent: Span, child: Span): { start: number; durationNs: number; error: boolean } {
  const timed = isCallerSpan(parent) ? parent : child;
  return { start: child.start, durationNs: timed.end - timed.start, error: parent.statusCode === 2 || child.statusCode === 2 };
}
