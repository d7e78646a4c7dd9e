import type { QueueOperations } from "./queue-operations.js";

/**
 * Claims and completes jobs until the queue is empty; returns how many it
 * completed and pushes the time of each claim+complete cycle (ms) to `latencies`.
 */
export async function drain(queue: QueueOperations, batched: boolean, latencies: number[] = []): Promise<number> {
  let completed = 0;
  for (;;) {
    const start = performance.now();
    if (batched) {
      const ids = await queue.dequeueTwenty!();
      if (ids.length === 0) return completed;
      await queue.completeTwenty!(ids);
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
