/**
 * `warmups` untimed calls (the first opens the connection and fills the
 * statement caches; more let the JIT compile the hot path), then `runs` timed
 * calls of `run(n)`; runs/s and each call's ms. Units are numbered from `first`.
 */
export async function timeRuns(run: (n: number) => Promise<void>, runs: number, first: number, warmups = 1) {
  for (let w = 0; w < warmups; w++) await run(first + w);
  const latencies: number[] = [];
  const start = performance.now();
  for (let r = warmups; r < warmups + runs; r++) {
    const t = performance.now();
    await run(first + r);
    latencies.push(performance.now() - t);
  }
  return { perSecond: (runs / (performance.now() - start)) * 1000, latencies };
}
