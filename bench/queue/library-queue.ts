import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import type { QueueOperations } from "./floor-queue.js";

/** The library's queue behind the same operations as the floor. */
export function libraryQueue(url: string, workerId: string): QueueOperations {
  const db = openDatabase(url, { postgres: { max: 1 } });
  const queue = createKyselyJobQueue(db, { workerId, listen: false });
  const job = (i: number) => ({ workflowRunId: `run-${i % 10}`, stageId: `stage-${i}`, payload: { i } });
  const hundred = Array.from({ length: 100 }, (_, i) => job(i));
  let n = 0;
  return {
    enqueue: async () => void (await queue.enqueue(job(n++))),
    enqueueHundred: async () => void (await queue.enqueueParallel(hundred)),
    dequeue: async () => (await queue.dequeue())?.jobId ?? null,
    dequeueTwenty: async () => (await queue.dequeueBatch(20)).map((j) => j.jobId),
    complete: (jobId) => queue.complete(jobId),
    completeTwenty: (jobIds) => queue.completeMany(jobIds),
    close: () => db.destroy(),
  };
}
