// The harness's stand-in for the host → webview transport, on a worker: fetches a packed trace and hands the
// bytes to the page in one transferred message, as VS Code hands a webview the host's message. (Read on the
// page's own thread, a 10 MB body cost a ~30 ms main-thread task of its own under the test driver.)
self.onmessage = async (e) => {
  const { id, url } = e.data;
  try {
    const res = await fetch(url);
    const buf = res.ok ? await res.arrayBuffer() : null;
    const headers = { traceId: res.headers.get('x-trace-id'), encodeMs: res.headers.get('x-encode-ms') };
    self.postMessage({ id, ok: res.ok, status: res.status, buf, headers }, buf ? [buf] : []);
  } catch (err) {
    self.postMessage({ id, ok: false, status: 0, error: String(err && err.message) });
  }
};
