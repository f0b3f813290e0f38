// Service map layout with dagre (left to right, callers before callees): node boxes sized to their text,
// edges as polylines with their label's place. Cycles (A calls B calls A) are dagre's to break.
import { Graph, layout } from '@dagrejs/dagre';
import type { ServiceMapData, ServiceMapEdge, ServiceMapNode } from '../../src/protocol/explore';

export const NODE_H = 46;
const CHAR_W = 7.2;

export interface PlacedNode {
  node: ServiceMapNode;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PlacedEdge {
  edge: ServiceMapEdge;
  points: { x: number; y: number }[];
  labelX: number;
  labelY: number;
}

export interface MapLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export function edgeLabel(e: ServiceMapEdge, fmt: (ms: number) => string): string {
  const rate = e.calls ? (100 * e.errors) / e.calls : 0;
  return `${e.calls.toLocaleString('en-US')} · ${rate ? `${rate < 1 ? rate.toFixed(1) : Math.round(rate)}% err · ` : ''}p95 ${fmt(e.p95Ms)}`;
}

/** the line under a node's name */
export function nodeFigures(n: ServiceMapNode, fmt: (ms: number) => string): string {
  if (!n.calls) return 'no calls received';
  const rate = Math.round((100 * n.errors) / n.calls);
  return `${n.calls.toLocaleString('en-US')} calls${rate ? ` · ${rate}% err` : ''} · p95 ${fmt(n.p95Ms)}`;
}

export function layoutMap(data: ServiceMapData, fmt: (ms: number) => string): MapLayout {
  const g = new Graph({ multigraph: false, directed: true });
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 60, edgesep: 16, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of data.nodes) {
    // room for the name and the figures line under it ("1,234 calls · 12% err · p95 85.3 ms")
    const w = Math.min(300, Math.max(110, 24 + Math.max(CHAR_W * n.name.length + 20, 6.3 * nodeFigures(n, fmt).length)));
    g.setNode(n.id, { width: w, height: NODE_H });
  }
  for (const e of data.edges) {
    if (!g.hasNode(e.from) || !g.hasNode(e.to)) continue;
    g.setEdge(e.from, e.to, { width: 6.4 * edgeLabel(e, fmt).length, height: 28, labelpos: 'c' });
  }
  layout(g);
  const nodes: PlacedNode[] = data.nodes.map((n) => {
    const p = g.node(n.id);
    return { node: n, x: p.x - p.width / 2, y: p.y - p.height / 2, w: p.width, h: p.height };
  });
  const edges: PlacedEdge[] = [];
  for (const e of data.edges) {
    const p = g.edge(e.from, e.to);
    if (!p) continue;
    const pts = p.points ?? [];
    edges.push({ edge: e, points: pts, labelX: p.x ?? pts[pts.length >> 1]?.x ?? 0, labelY: p.y ?? pts[pts.length >> 1]?.y ?? 0 });
  }
  const gl = g.graph();
  return { nodes, edges, width: gl.width ?? 400, height: gl.height ?? 300 };
}
