// Log-bucketed latency histogram arithmetic shared by the location index and its tests.
//
// Bucket 0 holds durations under 1 µs; bucket b ≥ 1 holds [1 µs·2^((b-1)/8), 1 µs·2^(b/8)), i.e. eight
// buckets per doubling (each ~9% wide, so a reported percentile is within ±4.5% of the true one). 256
// buckets reach ~65 minutes; longer durations land in the last bucket.

export const BUCKETS = 256;
const PER_OCTAVE = 8;

export function bucketOf(durationNs: number): number {
  if (!(durationNs >= 1000)) return 0; // also NaN and negatives (clock skew)
  const b = Math.floor(PER_OCTAVE * Math.log2(durationNs / 1000)) + 1;
  return b >= BUCKETS ? BUCKETS - 1 : b;
}

/** lower bound of a bucket in ns */
export function bucketLowNs(b: number): number {
  return b <= 0 ? 0 : 1000 * Math.pow(2, (b - 1) / PER_OCTAVE);
}

/** the value reported for a bucket: its geometric middle, in ns */
export function bucketMidNs(b: number): number {
  return b <= 0 ? 500 : 1000 * Math.pow(2, (b - 0.5) / PER_OCTAVE);
}

/** precomputed mids in ms (a percentile read is then a scan plus a table lookup) */
export const BUCKET_MID_MS: Float64Array = (() => {
  const t = new Float64Array(BUCKETS);
  for (let b = 0; b < BUCKETS; b++) t[b] = bucketMidNs(b) / 1e6;
  return t;
})();

/**
 * Nearest-rank percentiles from a dense histogram with `total` entries. `qs` ascending (e.g. [0.5, 0.95]);
 * returns bucket indexes. One pass over the buckets [from, to] (the occupied range, when the caller knows it).
 */
export function percentileBuckets(hist: ArrayLike<number>, total: number, qs: readonly number[], from = 0, to = hist.length - 1): number[] {
  const out: number[] = [];
  if (total <= 0) return out;
  let qi = 0;
  let rank = Math.max(1, Math.ceil(qs[0] * total));
  let acc = 0;
  for (let b = Math.max(0, from); b <= to && qi < qs.length; b++) {
    acc += hist[b];
    while (qi < qs.length && acc >= rank) {
      out.push(b);
      qi++;
      if (qi < qs.length) rank = Math.max(1, Math.ceil(qs[qi] * total));
    }
  }
  while (out.length < qs.length) out.push(Math.min(hist.length - 1, Math.max(0, to)));
  return out;
}

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const idx = Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  return sorted[idx];
}

/** percentileBuckets without allocating: bucket indexes written to `out` (length ≥ qs.length). */
export function percentileBucketsInto(hist: ArrayLike<number>, total: number, qs: readonly number[], from: number, to: number, out: Int32Array): void {
  const nq = qs.length;
  let qi = 0;
  let rank = Math.max(1, Math.ceil(qs[0] * total));
  let acc = 0;
  for (let b = from < 0 ? 0 : from; b <= to && qi < nq; b++) {
    acc += hist[b];
    while (qi < nq && acc >= rank) {
      out[qi++] = b;
      if (qi < nq) rank = Math.max(1, Math.ceil(qs[qi] * total));
    }
  }
  const last = Math.min(hist.length - 1, Math.max(0, to));
  while (qi < nq) out[qi++] = last;
}
