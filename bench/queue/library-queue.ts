import type { JobQueue } from "../../src/interfaces/job-queue.js";
import { benchJob, HUNDRED_JOBS, type QueueOperations } from "./queue-operations.js";

/** The library's JobQueue (direct or through the Prisma adapter) behind the bench's operations. */
export function libraryQueue(queue: JobQueue, close: () => Promise<void>): QueueOperations {
  let n = 0;
  return {
    enqueue: async () => void (await queue.enqueue(benchJob(n++))),
    enqueueHundred: async () => void (await queue.enqueueParallel(HUNDRED_JOBS)),
    dequeue: async () => (await queue.dequeue())?.jobId ?? null,
    dequeueBatch: async (size) => (await queue.dequeueBatch(size)).map((job) => job.jobId),
    complete: (jobId) => queue.complete(jobId),
    completeBatch: (jobIds) => queue.completeMany(jobIds),
    completeAndDequeue: async (jobId) => (await queue.completeAndDequeue(jobId))?.jobId ?? null,
    close,
  };
}

