// A small log-bucketed latency histogram for the service map: four buckets per doubling from 1 µs (each ~19%
// wide, so a percentile read from it is within ±9.5%), 128 buckets (up to ~71 minutes; longer lands in the
// last). Counts can be taken away again (a trace leaving the store takes its calls with it).
export const HIST_BUCKETS = 128;
const PER_OCTAVE = 4;

export function histBucket(durationNs: number): number {
  if (!(durationNs >= 1000)) return 0;
  const b = Math.floor(PER_OCTAVE * Math.log2(durationNs / 1000)) + 1;
  return b >= HIST_BUCKETS ? HIST_BUCKETS - 1 : b;
}

/** the value reported for a bucket (its geometric middle), in ms */
export function histBucketMs(b: number): number {
  return b <= 0 ? 0.0005 : Math.pow(2, (b - 0.5) / PER_OCTAVE) / 1000;
}

/** nearest-rank percentile q (0..1) of a histogram holding `total` values, in ms (0 when empty) */
export function histPercentileMs(hist: ArrayLike<number>, total: number, q: number): number {
  if (total <= 0) return 0;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let b = 0; b < hist.length; b++) {
    seen += hist[b];
    if (seen >= rank) return histBucketMs(b);
  }
  return histBucketMs(hist.length - 1);
}

/** calls, errors and their latency histogram (one per map key and minute) */
export class CallStats {
  calls = 0;
  errors = 0;
  readonly hist = new Uint32Array(HIST_BUCKETS);

  add(durationNs: number, error: boolean, sign: 1 | -1): void {
    this.calls += sign;
    if (error) this.errors += sign;
    this.hist[histBucket(durationNs)] += sign;
  }

  merge(o: CallStats): void {
    this.calls += o.calls;
    this.errors += o.errors;
    const h = this.hist;
    const oh = o.hist;
    for (let b = 0; b < HIST_BUCKETS; b++) h[b] += oh[b];
  }

  p95Ms(): number {
    return histPercentileMs(this.hist, this.calls, 0.95);
  }
}
