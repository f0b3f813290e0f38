// The fixed CPU workload every bench times in its own run and prints as `calibrationMs`: the figures of a run
// scale with it on a slow or busy machine, so compare calibrationMs between runs and machines before the rest.
// One workload for every bench, so their calibrationMs read alike.
export function calibrate() {
  const xs = [];
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    const m = new Map();
    for (let i = 0; i < 200_000; i++) m.set(`k${i}`, i);
    const a = Float64Array.from({ length: 300_000 }, (_, i) => Math.sin(i) * 1e6);
    a.sort();
    xs.push(performance.now() - t0);
  }
  xs.sort((x, y) => x - y);
  return xs[1];
}
