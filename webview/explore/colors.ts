// Concrete colours for the canvas: the waterfall's service palette (webview/model/serviceColors.ts) and theme
// colours resolved through a probe element (a canvas cannot read CSS variables).
import { SERVICE_COLORS } from '../model/serviceColors';

export interface PlotColors {
  services: string[];
  /** the same as pixels (RGBA bytes, little-endian: what a Uint32Array over ImageData holds) */
  servicePixels: Uint32Array;
  error: string;
  /** the error colour as a pixel (as servicePixels) */
  errorPixel: number;
  axis: string;
  grid: string;
  brush: string;
  brushFill: string;
  hover: string;
}

export function resolveColors(): PlotColors {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.appendChild(probe);
  const get = (expr: string, fallback: string) => {
    probe.style.color = '';
    probe.style.color = expr;
    return getComputedStyle(probe).color || fallback;
  };
  const services = SERVICE_COLORS.map((c) => get(c, '#888'));
  const out: PlotColors = {
    services,
    servicePixels: toPixels(services),
    error: get('var(--vscode-errorForeground, #f14c4c)', '#f14c4c'),
    axis: get('var(--vscode-descriptionForeground, #999)', '#999'),
    grid: get('color-mix(in srgb, var(--vscode-foreground, #ccc) 12%, transparent)', 'rgba(128,128,128,0.2)'),
    brush: get('var(--vscode-focusBorder, #0078d4)', '#0078d4'),
    brushFill: get('color-mix(in srgb, var(--vscode-focusBorder, #0078d4) 18%, transparent)', 'rgba(0,120,212,0.18)'),
    hover: get('var(--vscode-foreground, #ccc)', '#ccc'),
    errorPixel: 0,
  };
  out.errorPixel = toPixels([out.error])[0];
  probe.remove();
  return out;
}

/** colour slot per service string: services in name order, so a service keeps its colour between loads */
export function serviceSlotsByName(names: Map<number, string>, stringCount: number): Int32Array {
  const slots = new Int32Array(stringCount).fill(0);
  const sorted = [...names.entries()].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  sorted.forEach(([i], k) => (slots[i] = k % SERVICE_COLORS.length));
  return slots;
}

/** CSS colours as opaque pixels, read back from a 1×1 canvas (any colour syntax the browser knows) */
function toPixels(colors: string[]): Uint32Array {
  const out = new Uint32Array(colors.length);
  const cv = document.createElement('canvas');
  cv.width = 1;
  cv.height = 1;
  const ctx = cv.getContext('2d', { willReadFrequently: true });
  if (!ctx) return out.fill(0xff888888);
  colors.forEach((c, i) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = c;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    out[i] = (0xff << 24) | (d[2] << 16) | (d[1] << 8) | d[0];
  });
  return out;
}
