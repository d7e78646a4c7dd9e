/**
 * The queue operations every in-process contender offers, so that one drain
 * loop measures them all. Contenders without a batch API (the spec's Prisma
 * implementation) leave the batch operations out and are not measured there.
 */
export interface QueueOperations {
  enqueue(): Promise<void>;
  enqueueHundred(): Promise<void>;
  /** Claims one job and returns its id, or null when none is runnable. */
  dequeue(): Promise<string | null>;
  complete(jobId: string): Promise<void>;
  /** Claims up to `size` jobs in one statement (the floor only has the statements for 20). */
  dequeueBatch?(size: number): Promise<string[]>;
  completeBatch?(jobIds: string[]): Promise<void>;
  /** Completes `jobId` and claims the next job in one call (completeAndDequeue); null when none is runnable. */
  completeAndDequeue?(jobId: string): Promise<string | null>;
  close(): Promise<void>;
}

/** The job every contender enqueues: same run/stage spread, same small payload. */
export const benchJob = (i: number) => ({ workflowRunId: `run-${i % 10}`, stageId: `stage-${i}`, payload: { i } });
export const HUNDRED_JOBS = Array.from({ length: 100 }, (_, i) => benchJob(i));
