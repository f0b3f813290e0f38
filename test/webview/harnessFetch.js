// The harness's stand-in for the host → webview transport, on a worker: fetches a packed trace and hands the
// bytes to the page in one transferred message, as VS Code hands a webview the host's message. (Read on the
// page's own thread, a 10 MB body cost a ~30 ms main-thread task of its own under the test driver.)
// A frames answer (/packed?head=N, the receiver's format: a u32 LE length, then a packed trace, per frame)
// is read as it streams in, and each frame is handed on as soon as it is whole: the head before the rest.
const FRAMES = 'application/vnd.trace-explorer.packed-frames';

self.onmessage = async (e) => {
  const { id, url } = e.data;
  try {
    const res = await fetch(url);
    const headers = { traceId: res.headers.get('x-trace-id'), encodeMs: res.headers.get('x-encode-ms') };
    if (!res.ok || res.headers.get('content-type') !== FRAMES) {
      const buf = res.ok ? await res.arrayBuffer() : null;
      self.postMessage({ id, ok: res.ok, status: res.status, buf, headers, last: true }, buf ? [buf] : []);
      return;
    }
    const reader = res.body.getReader();
    let parts = [];
    let have = 0;
    let need = -1;
    const flatten = () => {
      if (parts.length === 1) return parts[0];
      const all = new Uint8Array(have);
      let o = 0;
      for (const p of parts) {
        all.set(p, o);
        o += p.length;
      }
      parts = [all];
      return all;
    };
    let frames = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      have += value.length;
      for (;;) {
        if (need < 0) {
          if (have < 4) break;
          const first = parts[0].length >= 4 ? parts[0] : flatten();
          need = 4 + new DataView(first.buffer, first.byteOffset, 4).getUint32(0, true);
        }
        if (have < need) break;
        const all = flatten();
        const buf = all.slice(4, need).buffer;
        const rest = all.subarray(need);
        parts = rest.length ? [rest] : [];
        have = rest.length;
        need = -1;
        frames++;
        self.postMessage({ id, ok: true, status: res.status, buf, headers, last: false }, [buf]);
      }
    }
    if (have || !frames) throw new Error(`the frames answer ended inside a frame (${have} bytes left)`);
    self.postMessage({ id, ok: true, status: res.status, buf: null, headers, last: true });
  } catch (err) {
    self.postMessage({ id, ok: false, status: 0, error: String(err && err.message), last: true });
  }
};
