/** A warm-up call (connection, statement caches), then `runs` timed calls of `run(n)`; runs/s and each call's ms. */
export async function timeRuns(run: (n: number) => Promise<void>, runs: number, first: number) {
  await run(first);
  const latencies: number[] = [];
  const start = performance.now();
  for (let r = 1; r <= runs; r++) {
    const t = performance.now();
    await run(first + r);
    latencies.push(performance.now() - t);
  }
  return { perSecond: (runs / (performance.now() - start)) * 1000, latencies };
}
