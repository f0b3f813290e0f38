// The packing side of the harness on its own thread, for the benchmark: in VS Code the receiver (another
// process) packs a trace while the webview's files load from VS Code itself, so packing must not hold up
// the harness server's answers for the page and its bundle. Traces are generated here (generateTrace) so
// that the spans never cross threads. An `encode` with `head` answers twice, as the receiver's
// /packed?head=N does: the head (part 'head', only when the trace has more rows), then the whole trace.
import { parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { epoch, generateTrace } from './traces.mjs';

const require = createRequire(import.meta.url);
const { packTrace } = require('../../out/src/protocol/packedTrace.js');
const { TraceWindows } = require('../../out/src/receiver/traceWindows.js');
const { WINDOWED_SPANS } = require('../../out/src/protocol/rowWindow.js');
const traces = new Map();
// big traces are served a window at a time, as the receiver does (src/receiver/traceWindows.ts); the trace
// is ordered when it is generated, as the receiver keeps it ordered once a panel has asked
const byId = new Map();
const windows = new TraceWindows({ summary: (id) => (byId.has(id) ? { spanCount: byId.get(id).length } : undefined), spans: (id) => byId.get(id), spansPlacedByLogs: () => null, epoch });

const own = (bytes) => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice());

parentPort.on('message', async (m) => {
  if (m.type === 'generate') {
    const { spans } = generateTrace(m.n);
    traces.set(m.name, spans);
    byId.set(spans[0]?.traceId ?? '', spans);
    let orderMs = 0;
    let orderBlockMs = 0;
    if (spans.length > WINDOWED_SPANS) {
      // in steps, as the receiver's window route orders it (prepare): the longest step is what others wait
      const t0 = performance.now();
      await windows.prepare(spans[0].traceId);
      orderMs = performance.now() - t0;
      orderBlockMs = windows.lastOrder?.longestBlockMs ?? 0;
    }
    parentPort.postMessage({ id: m.id, traceId: spans[0]?.traceId ?? '', spanCount: spans.length, orderMs, orderBlockMs });
    return;
  }
  if (m.type === 'window') {
    const bytes = windows.window(m.traceId, m.req);
    if (!bytes) return parentPort.postMessage({ id: m.id, part: 'whole', error: 'no such trace' });
    const own2 = own(bytes);
    parentPort.postMessage({ id: m.id, part: 'whole', bytes: own2 }, [own2.buffer]);
    return;
  }
  const spans = traces.get(m.name);
  if (!spans) return parentPort.postMessage({ id: m.id, part: 'whole', error: 'no such trace' });
  const traceId = spans[0]?.traceId ?? '';
  const t0 = performance.now();
  const packer = packTrace(spans, epoch);
  if (m.head > 0 && m.head < packer.spanCount) {
    const head = own(packer.encode(m.head));
    parentPort.postMessage({ id: m.id, part: 'head', bytes: head, encodeMs: performance.now() - t0, traceId }, [head.buffer]);
  }
  const bytes = own(packer.encode());
  parentPort.postMessage({ id: m.id, part: 'whole', bytes, encodeMs: performance.now() - t0, traceId }, [bytes.buffer]);
});
