// The packing side of the harness on its own thread, for the benchmark: in VS Code the receiver (another
// process) packs a trace while the webview's files load from VS Code itself, so packing must not hold up
// the harness server's answers for the page and its bundle. Traces are generated here (generateTrace) so
// that the spans never cross threads.
import { parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { epoch, generateTrace } from './traces.mjs';

const require = createRequire(import.meta.url);
const { encodePackedTrace } = require('../../out/src/protocol/packedTrace.js');
const traces = new Map();

parentPort.on('message', (m) => {
  if (m.type === 'generate') {
    const { spans } = generateTrace(m.n);
    traces.set(m.name, spans);
    parentPort.postMessage({ id: m.id, traceId: spans[0]?.traceId ?? '' });
    return;
  }
  const spans = traces.get(m.name);
  if (!spans) return parentPort.postMessage({ id: m.id, error: 'no such trace' });
  const t0 = performance.now();
  const bytes = encodePackedTrace(spans, epoch);
  const encodeMs = performance.now() - t0;
  const copy = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  parentPort.postMessage({ id: m.id, bytes: copy, encodeMs, traceId: spans[0]?.traceId ?? '' }, [copy.buffer]);
});
