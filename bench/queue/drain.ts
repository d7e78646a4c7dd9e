import type { QueueOperations } from "./queue-operations.js";

/**
 * Claims and completes jobs (one at a time, or `batchSize` per claim) until
 * the queue is empty; returns how many it completed and pushes the time of
 * each cycle (ms) to `latencies`. With `overlap`, a job's completion is not
 * awaited before the next claim (at most one completion in flight per worker),
 * as graphile-worker's workers do; it is awaited before the worker ends.
 */
export async function drain(queue: QueueOperations, batchSize: number | null, latencies: number[] = [], overlap = false): Promise<number> {
  let completed = 0;
  if (overlap) {
    let inFlight: Promise<void> | undefined;
    for (;;) {
      const start = performance.now();
      const id = await queue.dequeue();
      await inFlight;
      if (id === null) return completed;
      inFlight = queue.complete(id);
      completed++;
      latencies.push(performance.now() - start);
    }
  }
  for (;;) {
    const start = performance.now();
    if (batchSize !== null) {
      const ids = await queue.dequeueBatch!(batchSize);
      if (ids.length === 0) return completed;
      await queue.completeBatch!(ids);
      completed += ids.length;
    } else {
      const id = await queue.dequeue();
      if (id === null) return completed;
      await queue.complete(id);
      completed++;
    }
    latencies.push(performance.now() - start);
  }
}
