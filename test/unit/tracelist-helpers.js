// Builders for the trace-list tests (not a test file itself: no .test.js suffix).
let n = 0;
const BASE_MS = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A TraceSummary with sensible defaults; `startMs`/`durationMs` keep the exact ns strings consistent. */
function summary(over = {}) {
  n++;
  const startMs = over.startMs ?? BASE_MS + n;
  const durationMs = over.durationMs ?? 10;
  const s = {
    traceId: over.traceId ?? n.toString(16).padStart(32, '0'),
    rootName: 'GET /',
    rootService: 'frontend',
    services: [over.rootService ?? 'frontend'],
    spanCount: 3,
    errorCount: 0,
    startTimeUnixNano: (BigInt(Math.round(startMs * 1000)) * 1000n).toString(),
    durationNano: (BigInt(Math.round(durationMs * 1000)) * 1000n).toString(),
    startMs,
    durationMs,
    pinned: false,
    source: 'otlp',
    brokenParents: 0,
    ...over,
  };
  return s;
}

module.exports = { summary, BASE_MS };
