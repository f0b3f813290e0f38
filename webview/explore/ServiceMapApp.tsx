// The service map: services (and the databases, queues and external hosts they call) laid out by dagre,
// edges with calls, error rate and p95 over the chosen window. A node's click lists its operations; an
// edge's click shows its traces in the search page. The same view shows one trace's map (no window then).
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  ExploreReady, GetNodeOperations, GetServiceMap, RunTraceAction, ShowEdgeTraces, ShowServiceMap,
  type NodeOperations, type ServiceMapData,
} from '../../src/protocol/explore';
import { formatDuration } from '../../src/tracelist/format';
import type { ExploreIpc } from './ipc';
import { edgeLabel, layoutMap, nodeFigures, NODE_H } from './mapLayout';

const WINDOWS: { id: string; label: string; ms: number | null }[] = [
  { id: 'all', label: 'All stored', ms: null },
  { id: '5m', label: 'Last 5 minutes', ms: 5 * 60_000 },
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
];
const REFRESH_MS = 5000;
const MIN_AUTO_SCALE = 0.85;
const KIND_MARK: Record<string, string> = { service: '', database: 'DB', queue: 'Q', external: '↗' };

export function ServiceMapApp({ ipc }: { ipc: ExploreIpc }) {
  const saved = ipc.state;
  const [data, setData] = useState<ServiceMapData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [windowId, setWindowId] = useState(typeof saved.window === 'string' ? saved.window : 'all');
  const [picked, setPicked] = useState<string | null>(null);
  const [ops, setOps] = useState<NodeOperations | null>(null);
  /** the visible part of the graph, in graph units; null: automatic (see autoView) */
  const [view, setView] = useState<{ x: number; y: number; w: number; h: number } | null>(null);
  const [box, setBox] = useState({ w: 800, h: 600 });
  const svgRef = useRef<SVGSVGElement>(null);
  const drag = useRef<{ x: number; y: number; vx: number; vy: number } | null>(null);
  const painted = useRef(false);
  const win = WINDOWS.find((w) => w.id === windowId) ?? WINDOWS[0];
  const traceMap = data?.traceId !== undefined;
  const range = () => (win.ms === null ? {} : { fromMs: Date.now() - win.ms, toMs: null });

  useEffect(() => {
    const off = ipc.on(ShowServiceMap, (d) => setData(d));
    ipc.command(ExploreReady, {});
    return off;
  }, [ipc]);

  // the store-wide map: asked for on open, on a new window and every few seconds (it is summed from minutes)
  useEffect(() => {
    if (traceMap || document.body.dataset.traceId) return;
    let stop = false;
    const load = () => ipc.request(GetServiceMap, range()).then((d) => !stop && (setData(d), setError(null)), (e: Error) => !stop && setError(e.message));
    void load();
    const t = setInterval(load, REFRESH_MS);
    return () => {
      stop = true;
      clearInterval(t);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ipc, windowId, traceMap]);

  useEffect(() => ipc.patchState({ window: windowId, ...(data?.traceId ? { traceId: data.traceId } : {}) }), [ipc, windowId, data?.traceId]);

  useEffect(() => {
    if (!picked || traceMap) {
      setOps(null);
      return;
    }
    ipc.request(GetNodeOperations, { node: picked, ...range() }).then(setOps, () => setOps(null));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ipc, picked, windowId, data]);

  const placed = useMemo(() => (data ? layoutMap(data, formatDuration) : null), [data]);
  useLayoutEffect(() => {
    const el = svgRef.current;
    if (!el) return;
    const measure = () => setBox({ w: Math.max(100, el.clientWidth), h: Math.max(100, el.clientHeight) });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [placed !== null]);
  useEffect(() => {
    if (placed && !painted.current) {
      painted.current = true;
      requestAnimationFrame(() => setTimeout(() => performance.mark('traceExplorer.explore.mapPainted'), 0));
    }
  }, [placed]);

  if (error) return <div className="loading">Could not load the service map: {error}</div>;
  if (!data || !placed) return <div className="loading">Loading the service map…</div>;
  const pickedNode = data.nodes.find((n) => n.id === picked);
  // automatic: the graph at its natural size, centred; shrunk to fit the panel, but text stays readable
  // (never below MIN_AUTO_SCALE: a bigger map is then panned and zoomed)
  const fit = (minScale: number) => {
    const k = Math.max(minScale, Math.min(1, box.w / placed.width, box.h / placed.height));
    const w = box.w / k;
    const h = box.h / k;
    return { x: k * placed.width <= box.w ? placed.width / 2 - w / 2 : 0, y: k * placed.height <= box.h ? placed.height / 2 - h / 2 : 0, w, h };
  };
  const v = view ?? fit(MIN_AUTO_SCALE);
  const maxCalls = Math.max(1, ...data.edges.map((e) => e.calls));
  return (
    <div className="map">
      <div className="toolbar" role="toolbar" aria-label="Service map">
        {traceMap ? (
          <span className="title">Services of trace {data.traceId!.slice(0, 8)}…</span>
        ) : (
          <select aria-label="Time window" value={windowId} onChange={(e) => setWindowId(e.target.value)}>
            {WINDOWS.map((w) => <option key={w.id} value={w.id}>{w.label}</option>)}
          </select>
        )}
        <span className="count">
          {data.nodes.filter((n) => n.kind === 'service').length} services · {data.edges.length} calls between nodes
        </span>
        <span className="spacer" />
        <button onClick={() => setView(fit(0))}>Fit</button>
        {traceMap && <button onClick={() => ipc.command(RunTraceAction, { action: 'open', traceIds: [data.traceId!] })}>Open Trace</button>}
      </div>
      <div className="map-body">
        {data.nodes.length === 0 ? (
          <div className="empty">No calls in this window. Traces with client and server spans (or database, queue and HTTP client spans) draw the map.</div>
        ) : (
          <svg
            className="map-svg"
            ref={svgRef}
            role="img"
            aria-label="Service map"
            viewBox={`${v.x} ${v.y} ${v.w} ${v.h}`}
            preserveAspectRatio="xMidYMid meet"
            onWheel={(e) => {
              const f = e.deltaY < 0 ? 1 / 1.15 : 1.15;
              const w = Math.min(placed.width * 8, Math.max(40, v.w * f));
              const h = (w / v.w) * v.h;
              setView({ x: v.x + (v.w - w) / 2, y: v.y + (v.h - h) / 2, w, h });
            }}
            onMouseDown={(e) => (drag.current = { x: e.clientX, y: e.clientY, vx: v.x, vy: v.y })}
            onMouseMove={(e) => {
              const d = drag.current;
              if (!d) return;
              const scale = v.w / box.w;
              setView({ ...v, x: d.vx - (e.clientX - d.x) * scale, y: d.vy - (e.clientY - d.y) * scale });
            }}
            onMouseUp={() => (drag.current = null)}
            onMouseLeave={() => (drag.current = null)}
          >
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" className="arrow" />
              </marker>
            </defs>
            {placed.edges.map((pe) => {
              const e = pe.edge;
              const d = pe.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
              const label = edgeLabel(e, formatDuration);
              return (
                <g
                  key={`${e.from}>${e.to}`}
                  className={`edge${e.errors ? ' has-error' : ''}`}
                  data-from={e.from}
                  data-to={e.to}
                  data-calls={e.calls}
                  role="button"
                  aria-label={`${e.from.slice(2)} calls ${e.to.slice(2)}: ${label}`}
                  onClick={() => !traceMap && ipc.command(ShowEdgeTraces, { from: e.from, to: e.to, ...range() })}
                >
                  <title>{`${e.from.slice(2)} → ${e.to.slice(2)}\n${label}${traceMap ? '' : '\nClick: these traces in the search page'}`}</title>
                  <path d={d} className="edge-hit" />
                  <path d={d} className="edge-line" markerEnd="url(#arrow)" style={{ strokeWidth: 1 + 3 * (Math.log1p(e.calls) / Math.log1p(maxCalls)) }} />
                  <text x={pe.labelX} y={pe.labelY - 9} className="edge-label" textAnchor="middle" dominantBaseline="middle">{label}</text>
                </g>
              );
            })}
            {placed.nodes.map((pn) => {
              const n = pn.node;
              return (
                <g
                  key={n.id}
                  className={`node kind-${n.kind}${n.errors ? ' has-error' : ''}${picked === n.id ? ' picked' : ''}`}
                  data-node={n.id}
                  transform={`translate(${pn.x},${pn.y})`}
                  role="button"
                  aria-label={`${n.kind} ${n.name}`}
                  onClick={() => setPicked(picked === n.id ? null : n.id)}
                >
                  <title>{`${n.name} (${n.kind})\n${n.calls} calls · ${n.errors} errors · p95 ${formatDuration(n.p95Ms)}`}</title>
                  <rect width={pn.w} height={NODE_H} rx={n.kind === 'service' ? 6 : 16} />
                  {KIND_MARK[n.kind] && <text x={10} y={17} className="node-kind">{KIND_MARK[n.kind]}</text>}
                  <text x={KIND_MARK[n.kind] ? 30 : 10} y={17} className="node-name">{clip(n.name, Math.floor((pn.w - 36) / 7.2))}</text>
                  <text x={10} y={35} className="node-figures">
                    {nodeFigures(n, formatDuration)}
                  </text>
                </g>
              );
            })}
          </svg>
        )}
        {pickedNode && (
          <aside className="side" aria-label={`Operations of ${pickedNode.name}`}>
            <div className="side-head">
              <strong>{pickedNode.name}</strong> <span className="dim">{pickedNode.kind}</span>
              <button className="link" onClick={() => setPicked(null)} aria-label="Close">✕</button>
            </div>
            {traceMap ? (
              <div className="dim">{pickedNode.calls} calls · {pickedNode.errors} errors · p95 {formatDuration(pickedNode.p95Ms)}</div>
            ) : !ops ? (
              <div className="dim">Loading…</div>
            ) : (
              <table className="ops">
                <thead>
                  <tr><th>{pickedNode.kind === 'service' ? 'Operation' : 'Caller'}</th><th>Calls</th><th>Errors</th><th>p95</th></tr>
                </thead>
                <tbody>
                  {ops.operations.map((o) => (
                    <tr key={o.name} className={o.entry ? 'entry' : ''}>
                      <td title={o.name}>{o.name}</td>
                      <td>{o.calls.toLocaleString('en-US')}</td>
                      <td className={o.errors ? 'err' : ''}>{o.errors || ''}</td>
                      <td>{formatDuration(o.p95Ms)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </aside>
        )}
      </div>
    </div>
  );
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, Math.max(1, n - 1))}…` : s;
}
