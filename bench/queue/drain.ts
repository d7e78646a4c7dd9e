import type { QueueOperations } from "./queue-operations.js";

/**
 * Claims and completes jobs (one at a time, or `batchSize` per claim) until the queue is empty; returns how many it
 * completed and pushes the time of each claim+complete cycle (ms) to `latencies`.
 */
export async function drain(queue: QueueOperations, batchSize: number | null, latencies: number[] = []): Promise<number> {
  let completed = 0;
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
