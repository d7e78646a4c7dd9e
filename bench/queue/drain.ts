import type { QueueOperations } from "./floor-queue.js";

/** Claims and completes jobs until the queue is empty; returns how many it completed. */
export async function drain(queue: QueueOperations, batched: boolean): Promise<number> {
  let completed = 0;
  for (;;) {
    if (batched) {
      const ids = await queue.dequeueTwenty();
      if (ids.length === 0) return completed;
      await queue.completeTwenty(ids);
      completed += ids.length;
    } else {
      const id = await queue.dequeue();
      if (id === null) return completed;
      await queue.complete(id);
      completed++;
    }
  }
}
