// A stand-in for the VS Code host of the explore webviews (src/host/explore): dark theme variables, and a fake
// acquireVsCodeApi answering src/protocol/explore.ts from the harness server's /api/explore routes. Commands the
// page sends (open, pin, compare, edge clicks…) are recorded in window.__hostLog for the tests; performance
// marks are reported to /mark so a benchmark can wait for them without polling the page.
(function () {
  const vars = {
    'font-family': 'system-ui, "Liberation Sans", sans-serif', 'font-size': '13px', foreground: '#cccccc', descriptionForeground: '#9d9d9d',
    'editor-background': '#1f1f1f', 'sideBar-background': '#181818', 'editorWidget-background': '#202020', 'panel-border': '#2b2b2b',
    focusBorder: '#0078d4', errorForeground: '#f85149', 'list-hoverBackground': '#2a2d2e', 'list-activeSelectionBackground': '#04395e',
    'list-activeSelectionForeground': '#ffffff', 'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c', 'input-background': '#313131', 'input-foreground': '#cccccc',
    'input-border': '#3c3c3c', 'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'textLink-foreground': '#4daafc', 'charts-blue': '#3794ff',
  };
  for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(`--vscode-${k}`, v);
  window.__hostLog = [];
  const mark = performance.mark.bind(performance);
  performance.mark = (name, o) => {
    const m = mark(name, o);
    fetch(`/mark?name=${encodeURIComponent(name)}`).catch(() => undefined);
    return m;
  };
  let ready = false;
  const queue = [];
  const post = (msg, transfer) => (ready ? window.postMessage(msg, '*', transfer || []) : queue.push([msg, transfer]));
  const notify = (method, params, transfer) => post({ type: 'notification', method, params }, transfer);
  window.__notify = notify;
  const view = document.body.dataset.view;
  const traceId = document.body.dataset.traceId;
  const json = (r) => (r.ok ? r.json() : r.json().then((j) => Promise.reject(new Error(j.error || r.status))));
  const win = (p) => {
    const q = new URLSearchParams();
    if (p && p.fromMs != null) q.set('fromMs', String(p.fromMs));
    if (p && p.toMs != null) q.set('toMs', String(p.toMs));
    return q;
  };
  // the summary columns come through a worker (harnessFetch.js), as VS Code hands a webview the host's message:
  // received off the page's thread, then one transferred message (read on the page's own thread, the 8 MB
  // body's many small tasks held the page's timers back)
  const fetcher = new Worker('/harnessFetch.js');
  const fetches = new Map();
  let fetchId = 0;
  fetcher.onmessage = (e) => {
    const f = fetches.get(e.data.id);
    if (!f || !e.data.last) return;
    fetches.delete(e.data.id);
    if (e.data.ok) f.resolve(e.data.buf);
    else f.reject(new Error(e.data.error || `HTTP ${e.data.status}`));
  };
  const fetchBytes = (url) => new Promise((resolve, reject) => {
    const id = ++fetchId;
    fetches.set(id, { resolve, reject });
    fetcher.postMessage({ id, url });
  });
  // like SearchPanel: a first screen (src/protocol/exploreColumns.ts FIRST_SCREEN; ?first=&sample= on the
  // page's address change it) while the page holds nothing, then every row
  const page = new URLSearchParams(location.search);
  const firstScreen = `first=${page.get('first') || 80}&sample=${page.get('sample') || 2000}`;
  let sentWhole = false;
  async function sendSummaries() {
    window.__timing = { requestStart: performance.now() };
    if (!sentWhole) {
      // (a first screen is a few hundred KB: read here, without waiting for the worker to start)
      const buf = await (await fetch(`/api/explore/summaries?${firstScreen}`)).arrayBuffer();
      window.__timing.firstReceived = performance.now();
      window.__timing.firstBytes = buf.byteLength;
      const partial = new DataView(buf).getUint32(24, true) > 0;
      notify('summaries', { columns: buf, at: Date.now(), canCompare: true }, [buf]);
      if (!partial) {
        sentWhole = true;
        return;
      }
    }
    // ?holdWhole=1: every row waits for window.__releaseWhole() (a test looks at the first screen meanwhile)
    if (page.get('holdWhole')) await new Promise((r) => (window.__releaseWhole = r));
    const buf = await fetchBytes('/api/explore/summaries');
    window.__timing.received = performance.now();
    window.__timing.bytes = buf.byteLength;
    sentWhole = true;
    notify('summaries', { columns: buf, at: Date.now(), canCompare: true }, [buf]);
  }
  // like SearchPanel: the summaries are asked for as the panel opens
  if (view === 'search') void sendSummaries();
  const answer = (id, p) => p.then((result) => window.postMessage({ type: 'response', id, result }, '*'), (e) => window.postMessage({ type: 'response', id, error: String(e.message || e) }, '*'));
  window.acquireVsCodeApi = () => ({
    getState: () => JSON.parse(sessionStorage.getItem('__exploreState') || 'null'),
    setState: (s) => sessionStorage.setItem('__exploreState', JSON.stringify(s)),
    postMessage(msg) {
      window.__hostLog.push(msg);
      if (msg.type === 'command') {
        if (msg.method === 'ready') {
          ready = true;
          for (const [m, t] of queue.splice(0)) window.postMessage(m, '*', t || []);
          if (view === 'servicemap' && traceId) fetch(`/api/explore/trace/${traceId}/servicemap`).then(json).then((d) => notify('serviceMapData', d));
        } else if (msg.method === 'refresh') void sendSummaries();
        return;
      }
      if (msg.type !== 'request') return;
      const p = msg.params || {};
      if (msg.method === 'vocabulary') answer(msg.id, fetch('/api/explore/vocabulary').then(json));
      else if (msg.method === 'matchAttributes') answer(msg.id, fetch('/api/explore/match', { method: 'POST', body: JSON.stringify(p) }).then(json));
      else if (msg.method === 'serviceMap') answer(msg.id, fetch(`/api/explore/servicemap?${win(p)}`).then(json));
      else if (msg.method === 'nodeOperations') {
        const q = win(p);
        q.set('node', p.node);
        answer(msg.id, fetch(`/api/explore/operations?${q}`).then(json));
      } else answer(msg.id, Promise.reject(new Error(`unknown request ${msg.method}`)));
    },
  });
})();
