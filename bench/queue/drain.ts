import type { QueueOperations } from "./queue-operations.js";

/**
 * How a worker acknowledges a job before taking the next:
 * - awaited: complete, then claim (two calls, each awaited);
 * - overlapped: the completion is not awaited before the next claim (at most
 *   one in flight per worker), as graphile-worker's workers do;
 * - chained: one call completes the job and claims the next
 *   (completeAndDequeue; one job at a time).
 */
export type Acknowledgement = "awaited" | "overlapped" | "chained";

/**
 * Claims and completes jobs (one at a time, or `batchSize` per claim) until
 * the queue is empty; returns how many it completed and pushes the time of
 * each cycle (ms) to `latencies`.
 */
export async function drain(
  queue: QueueOperations,
  batchSize: number | null,
  latencies: number[] = [],
  acknowledgement: Acknowledgement = "awaited",
): Promise<number> {
  const claim = async () => (batchSize === null ? [await queue.dequeue()].filter((id) => id !== null) : queue.dequeueBatch!(batchSize));
  let completed = 0;
  if (acknowledgement === "chained") {
    if (batchSize !== null) throw new Error("chained acknowledgements take one job at a time");
    let ids = await claim();
    let start = performance.now();
    while (ids.length > 0) {
      const held = ids;
      ids = [await queue.completeAndDequeue!(held[0]!)].filter((id) => id !== null);
      completed += held.length;
      const now = performance.now();
      latencies.push(now - start);
      start = now;
    }
    return completed;
  }
  let inFlight: Promise<void> | undefined;
  for (;;) {
    const start = performance.now();
    const ids = await claim();
    await inFlight;
    if (ids.length === 0) return completed;
    const acknowledged = batchSize === null ? queue.complete(ids[0]!) : queue.completeBatch!(ids);
    if (acknowledgement === "overlapped") inFlight = acknowledged;
    else await acknowledged;
    completed += ids.length;
    latencies.push(performance.now() - start);
  }
}
