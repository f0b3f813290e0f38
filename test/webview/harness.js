// A stand-in for the VS Code webview host: theme variables (?theme=light|dark|hc), and a fake
// acquireVsCodeApi that answers the waterfall protocol (src/protocol/waterfall.ts) from the harness server.
// Everything the webview sends is recorded in window.__hostLog for the tests.
(function () {
  const params = new URLSearchParams(location.search);
  const trace = params.get('trace') || 'sample';
  const theme = params.get('theme') || 'dark';
  const THEMES = {
    dark: {
      'font-family': 'system-ui, "Liberation Sans", sans-serif', 'font-size': '13px', 'editor-font-family': '"Liberation Mono", monospace',
      'foreground': '#cccccc', 'descriptionForeground': '#9d9d9d', 'editor-background': '#1f1f1f', 'sideBar-background': '#181818',
      'editorWidget-background': '#202020', 'panel-border': '#2b2b2b', 'focusBorder': '#0078d4', 'errorForeground': '#f85149',
      'editorWarning-foreground': '#cca700', 'list-hoverBackground': '#2a2d2e', 'list-activeSelectionBackground': '#04395e',
      'list-activeSelectionForeground': '#ffffff', 'button-background': '#0078d4', 'button-foreground': '#ffffff',
      'button-hoverBackground': '#026ec1', 'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc',
      'button-secondaryHoverBackground': '#3c3c3c', 'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c',
      'input-placeholderForeground': '#989898', 'dropdown-background': '#313131', 'dropdown-foreground': '#cccccc', 'dropdown-border': '#3c3c3c',
      'badge-background': '#616161', 'badge-foreground': '#f8f8f8', 'textLink-foreground': '#4daafc', 'textLink-activeForeground': '#4daafc',
      'editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)', 'editor-findMatchBackground': '#9e6a03',
      'editor-selectionBackground': '#264f78', 'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)', 'textCodeBlock-background': '#2b2b2b',
      'inputValidation-errorBackground': '#5a1d1d', 'inputValidation-errorBorder': '#be1100', 'tree-indentGuidesStroke': '#585858',
      'charts-red': '#f14c4c', 'charts-blue': '#3794ff', 'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-green': '#89d185',
      'charts-purple': '#b180d7', 'icon-foreground': '#cccccc', 'checkbox-background': '#313131',
    },
    light: {
      'font-family': 'system-ui, "Liberation Sans", sans-serif', 'font-size': '13px', 'editor-font-family': '"Liberation Mono", monospace',
      'foreground': '#3b3b3b', 'descriptionForeground': '#717171', 'editor-background': '#ffffff', 'sideBar-background': '#f8f8f8',
      'editorWidget-background': '#f8f8f8', 'panel-border': '#e5e5e5', 'focusBorder': '#005fb8', 'errorForeground': '#c72e0f',
      'editorWarning-foreground': '#bf8803', 'list-hoverBackground': '#f2f2f2', 'list-activeSelectionBackground': '#e8e8e8',
      'list-activeSelectionForeground': '#000000', 'button-background': '#005fb8', 'button-foreground': '#ffffff',
      'button-hoverBackground': '#0258a8', 'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b',
      'button-secondaryHoverBackground': '#cccccc', 'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece',
      'input-placeholderForeground': '#767676', 'dropdown-background': '#ffffff', 'dropdown-foreground': '#3b3b3b', 'dropdown-border': '#cecece',
      'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', 'textLink-foreground': '#005fb8', 'textLink-activeForeground': '#005fb8',
      'editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)', 'editor-findMatchBackground': '#a8ac94',
      'editor-selectionBackground': '#add6ff', 'toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)', 'textCodeBlock-background': '#f2f2f2',
      'inputValidation-errorBackground': '#f2dede', 'inputValidation-errorBorder': '#be1100', 'tree-indentGuidesStroke': '#a9a9a9',
      'charts-red': '#e51400', 'charts-blue': '#1a85ff', 'charts-yellow': '#bf8803', 'charts-orange': '#d18616', 'charts-green': '#388a34',
      'charts-purple': '#652d90', 'icon-foreground': '#3b3b3b', 'checkbox-background': '#f8f8f8',
    },
    hc: {
      'font-family': 'system-ui, "Liberation Sans", sans-serif', 'font-size': '13px', 'editor-font-family': '"Liberation Mono", monospace',
      'foreground': '#ffffff', 'descriptionForeground': '#ffffff', 'editor-background': '#000000', 'sideBar-background': '#000000',
      'editorWidget-background': '#0c141f', 'panel-border': '#6fc3df', 'focusBorder': '#f38518', 'errorForeground': '#f48771',
      'editorWarning-foreground': '#ffd700', 'list-hoverBackground': 'transparent', 'list-activeSelectionBackground': 'transparent',
      'list-activeSelectionForeground': '#ffffff', 'button-background': 'transparent', 'button-foreground': '#ffffff', 'button-border': '#6fc3df',
      'button-secondaryBackground': 'transparent', 'button-secondaryForeground': '#ffffff', 'input-background': '#000000',
      'input-foreground': '#ffffff', 'input-border': '#6fc3df', 'dropdown-background': '#000000', 'dropdown-foreground': '#ffffff',
      'dropdown-border': '#6fc3df', 'badge-background': '#000000', 'badge-foreground': '#ffffff', 'textLink-foreground': '#21a6ff',
      'textLink-activeForeground': '#21a6ff', 'editor-findMatchHighlightBackground': 'transparent', 'editor-findMatchHighlightBorder': '#f38518',
      'editor-findMatchBorder': '#f38518', 'contrastBorder': '#6fc3df', 'contrastActiveBorder': '#f38518', 'textCodeBlock-background': '#000000',
      'inputValidation-errorBackground': '#000000', 'inputValidation-errorBorder': '#f48771', 'tree-indentGuidesStroke': '#a9a9a9',
      'charts-red': '#f48771', 'charts-blue': '#3794ff', 'charts-yellow': '#ffd700', 'charts-orange': '#d18616', 'charts-green': '#89d185',
      'charts-purple': '#b180d7', 'icon-foreground': '#ffffff', 'editor-selectionBackground': '#ffffff',
    },
  };
  const vars = THEMES[theme] || THEMES.dark;
  for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(`--vscode-${k}`, v);
  document.body.className = theme === 'light' ? 'vscode-light' : theme === 'hc' ? 'vscode-high-contrast' : 'vscode-dark';

  window.__hostLog = [];
  window.__timing = {};
  // what the webview remembers survives a reload of this page, as VS Code keeps it for a recreated webview
  let state = JSON.parse(sessionStorage.getItem('__webviewState') || 'null');
  let traceId = '';
  const send = (msg, transfer) => window.postMessage(msg, '*', transfer || []);

  // Like WaterfallPanel: the packed trace is fetched as soon as the panel exists, in parallel with the
  // webview booting, and the notifications wait in a queue until the webview says `ready` (then flushed in
  // order). A `ready` after the trace was shown (a reloaded document) fetches it again, as the host does.
  let ready = false;
  let queue = [];
  let shown = false;
  let loading = null;
  // (a newer trace replaces a queued one, as WaterfallPanel.notify does: the whole trace its queued head)
  const notify = (msg, transfer) => {
    if (ready) send(msg, transfer);
    else {
      if (msg.method === 'trace') queue = queue.filter(([m]) => m.method !== 'trace');
      queue.push([msg, transfer]);
    }
  };
  // a head (the first rows only) is flagged partial in the packed header (src/protocol/packedTrace.ts)
  const isHead = (buf) => buf.byteLength >= 64 && (new DataView(buf).getUint16(6, true) & 2) !== 0;
  // ?head=N: rows in the head (default: the panel's, PANEL_HEAD_ROWS, chosen by the server)
  const headParam = params.get('head') || '';

  // A first load asks for the head first (frames, as WaterfallPanel asks the receiver): the head is shown
  // as soon as it is here, then the whole trace replaces it in place once the webview says `headShown` (at
  // most HEAD_WAIT_MS after the head was posted). A live update sends the whole trace.
  const HEAD_WAIT_MS = 1000; // (as WaterfallPanel: `ready` comes before React's first render)
  let headAck = null;
  async function sendTrace(name, update, focusSpanId) {
    window.__timing.requestStart = performance.now();
    window.__timing.received = undefined;
    let headShown = false;
    let whole = null;
    const res = await fetchPacked(`/packed?trace=${encodeURIComponent(name)}${update ? '' : `&head=${headParam}`}`, (buf, headers) => {
      traceId = headers.traceId || name;
      window.__timing.received ??= performance.now();
      if (isHead(buf)) {
        window.__timing.headBytes = buf.byteLength;
        headAck = { painted: false };
        notify({ type: 'notification', method: 'trace', params: { traceId, packed: buf, update: false } }, [buf]);
        headShown = true;
        shown = true;
      } else whole = buf;
    });
    if (!res.ok) {
      notify({ type: 'notification', method: 'status', params: { traceId: name, state: shown ? 'removed' : 'missing' } });
      return;
    }
    traceId = res.headers.traceId || name;
    whole ??= res.buf;
    window.__timing.received ??= performance.now();
    window.__timing.wholeReceived = performance.now();
    // ?hold=1 (tests): the whole trace waits for window.__releaseWhole(), so the head can be looked at
    if (headShown && params.get('hold')) await new Promise((resolve) => (window.__releaseWhole = resolve));
    const ack = headAck;
    if (headShown && ack && !ack.painted) {
      await new Promise((resolve) => {
        let timer;
        const arm = () => (timer = setTimeout(resolve, HEAD_WAIT_MS));
        ack.wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (ready) arm();
        else ack.posted = arm;
      });
    }
    window.__timing.headAcked = ack ? ack.painted : null;
    headAck = null;
    window.__timing.bytes = whole.byteLength;
    window.__timing.encodeMs = Number(res.headers.encodeMs || 0);
    notify({ type: 'notification', method: 'trace', params: { traceId, packed: whole, update: !!update || headShown, focusSpanId } }, [whole]);
    shown = true;
  }
  window.__sendTrace = sendTrace;

  // packed traces come through a worker (harnessFetch.js): each frame reaches this page in a transferred
  // message; onFrame(buf, headers) gets the frames of a frames answer, the result the end (or a plain body)
  const fetcher = new Worker('/harnessFetch.js');
  const fetches = new Map();
  let fetchId = 0;
  fetcher.onmessage = (e) => {
    const f = fetches.get(e.data.id);
    if (!f) return;
    if (!e.data.last) return f.onFrame(e.data.buf, e.data.headers);
    fetches.delete(e.data.id);
    f.resolve(e.data);
  };
  function fetchPacked(url, onFrame) {
    return new Promise((resolve) => {
      const id = ++fetchId;
      fetches.set(id, { resolve, onFrame });
      fetcher.postMessage({ id, url });
    });
  }

  window.__currentTrace = trace;

  // Like WaterfallPanel: the summary first; a trace over the windowed threshold (?windowAbove=N, else
  // WINDOWED_SPANS) is not sent whole: the webview asks for windows of its rows (src/protocol/rowWindow.ts)
  const windowAbove = Number(params.get('windowAbove') || 200000);
  let windowed = null;
  async function openTrace(name, focusSpanId) {
    window.__timing.requestStart = performance.now();
    const res = await fetch(`/summary?trace=${encodeURIComponent(name)}`);
    const s = res.ok ? await res.json() : null;
    if (s && s.spanCount > windowAbove) {
      traceId = s.traceId;
      windowed = { traceId: s.traceId, spanCount: s.spanCount, update: false, focusSpanId };
      notify({ type: 'notification', method: 'windowed', params: windowed });
      shown = true;
      return;
    }
    windowed = null;
    await sendTrace(name, false, focusSpanId);
  }
  window.__openTrace = openTrace;
  notify({ type: 'notification', method: 'status', params: { traceId: trace, state: 'loading' } });
  loading = openTrace(trace, params.get('focus') || undefined).finally(() => { loading = null; });

  async function handle(msg) {
    if (msg.type === 'command' && msg.method === 'ready') {
      ready = true;
      const q = queue;
      queue = [];
      for (const [m, transfer] of q) send(m, transfer);
      if (q.some(([m]) => m.method === 'trace') && headAck && headAck.posted) headAck.posted();
      if (windowed && !q.some(([m]) => m.method === 'windowed')) send({ type: 'notification', method: 'windowed', params: { ...windowed, focusSpanId: undefined } });
      else if (!windowed && shown && !loading && !q.some(([m]) => m.method === 'trace')) await sendTrace(window.__currentTrace, false);
    } else if (msg.type === 'command' && msg.method === 'headShown') {
      if (headAck) {
        headAck.painted = true;
        if (headAck.wake) headAck.wake();
      }
    } else if (msg.type === 'request' && msg.method === 'resolveFrames') {
      // the stand-in workspace holds the payments service only (the host asks its resolver)
      window.__frameQueries = (window.__frameQueries || 0) + 1;
      send({ type: 'response', id: msg.id, result: msg.params.frames.map((f) => f.file.startsWith('/app/src/payments/')) });
    } else if (msg.type === 'request' && msg.method === 'rowWindow') {
      window.__windowRequests = (window.__windowRequests || 0) + 1;
      const res = await fetch(`/window?trace=${encodeURIComponent(window.__currentTrace)}`, { method: 'POST', body: JSON.stringify(msg.params) });
      if (!res.ok) return send({ type: 'response', id: msg.id, error: await res.text() });
      const buf = await res.arrayBuffer();
      window.__timing.received ??= performance.now();
      window.__timing.bytes = (window.__timing.bytes || 0) + buf.byteLength;
      window.__timing.wholeReceived = window.__timing.received;
      send({ type: 'response', id: msg.id, result: buf }, [buf]);
    } else if (msg.type === 'request' && msg.method === 'spanDetail') {
      const res = await fetch(`/detail?trace=${encodeURIComponent(window.__currentTrace)}&span=${encodeURIComponent(msg.params.spanId)}`);
      const body = await res.json();
      send(res.ok ? { type: 'response', id: msg.id, result: body } : { type: 'response', id: msg.id, error: body.error || `HTTP ${res.status}` });
    }
  }

  window.acquireVsCodeApi = function () {
    return {
      postMessage(msg) {
        window.__hostLog.push(JSON.parse(JSON.stringify(msg)));
        handle(msg);
      },
      getState: () => state,
      setState: (s) => {
        state = s;
        sessionStorage.setItem('__webviewState', JSON.stringify(s));
      },
    };
  };
  // Performance marks are reported to the server: the benchmark waits for the first-rows mark by watching for
  // this request, since polling the page from the test driver ran its own scripts on the page's thread in the
  // middle of the frame being measured.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name.startsWith('traceExplorer.')) fetch(`/mark?name=${encodeURIComponent(e.name)}`).catch(() => {});
  }).observe({ type: 'mark' });
  // hostile markup must never run: a successful alert or onerror would set this
  window.alert = () => { window.__alerted = true; };
})();
