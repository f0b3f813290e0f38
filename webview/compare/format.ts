// Numbers as the compare view shows them (the same words as the CLI's report). Pure.
export function ms(v: number): string {
  const a = Math.abs(v);
  if (a >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (a >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (a >= 100) return `${v.toFixed(0)} ms`;
  if (a >= 10) return `${v.toFixed(1)} ms`;
  if (a >= 1) return `${v.toFixed(2)} ms`;
  return `${(v * 1000).toFixed(0)} µs`;
}

export function delta(v: number | undefined): string {
  if (v === undefined) return '';
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${ms(Math.abs(v))}`;
}

export function pct(v: number | null | undefined): string {
  if (v === undefined) return '';
  if (v === null) return 'new time';
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(0)} %`;
}

/** 'slower' / 'faster' / '' for colouring a change that matters (≥ 1 ms and ≥ 10 %) */
export function tone(deltaMs: number | undefined, deltaPct: number | null | undefined): '' | 'slower' | 'faster' {
  if (deltaMs === undefined || Math.abs(deltaMs) < 1) return '';
  if (deltaPct !== null && deltaPct !== undefined && Math.abs(deltaPct) < 10) return '';
  return deltaMs > 0 ? 'slower' : 'faster';
}
