// Exact nanosecond arithmetic without bigint in the hot path. See span.ts for why spans hold offsets.

/** The store's epoch: a whole number of Unix seconds. Offsets are exact within ±2^53 ns (~104 days). */
export class EpochNs {
  readonly sec: number;
  /** epoch in ns split as hi*2^32 + lo, for fixed64 values decoded as two uint32 halves */
  readonly hi: number;
  readonly lo: number;

  constructor(sec: number) {
    this.sec = Math.floor(sec);
    const ns = BigInt(this.sec) * 1_000_000_000n;
    this.hi = Number(ns >> 32n);
    this.lo = Number(ns & 0xffffffffn);
  }

  static now(): EpochNs {
    return new EpochNs(Math.floor(Date.now() / 1000));
  }

  /** offset from a fixed64 given as (lo, hi) uint32 halves — exact */
  fromParts(lo: number, hi: number): number {
    return (hi - this.hi) * 4294967296 + (lo - this.lo);
  }

  /** offset from a decimal string or a number of Unix ns (JSON); NaN for anything else */
  fromDecimal(v: string | number): number {
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || v < 0) return NaN;
      if (Number.isSafeInteger(v)) return (v - this.sec * 1e9); // small or already imprecise
      v = BigInt(Math.round(v)).toString();
    }
    if (!/^\d{1,20}$/.test(v)) return NaN;
    if (v.length <= 9) return Number(v) - this.sec * 1e9;
    const sec = Number(v.slice(0, -9));
    const ns = Number(v.slice(-9));
    return (sec - this.sec) * 1e9 + ns;
  }

  /** back to a Unix-ns decimal string (OTLP JSON int64) */
  toDecimal(offset: number): string {
    const total = BigInt(this.sec) * 1_000_000_000n + BigInt(Math.round(offset));
    return (total < 0n ? 0n : total).toString();
  }

  /** Unix milliseconds (for display; not exact) */
  toUnixMs(offset: number): number {
    return this.sec * 1000 + offset / 1e6;
  }
}
