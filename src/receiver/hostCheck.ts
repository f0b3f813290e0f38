// Host-header checks against DNS rebinding: a web page whose own name has been re-pointed at 127.0.0.1 can
// make the browser send requests to a loopback port, but they still carry that page's name in Host. A
// server that only listens on loopback therefore refuses any Host that is not a loopback name or address.

/** whether a Host header names this machine's loopback (no header: HTTP/1.0 clients, allowed) */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return true;
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return isLoopbackName(h);
}

/** whether an address or name to listen on (`--host`) is loopback only */
export function isLoopbackName(h: string): boolean {
  return h === '127.0.0.1' || h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}
