import type { JobQueue as JobQueue01 } from "../job-queue.js";
import type { DequeueResult, EnqueueJobInput, JobRecord } from "./types.js";

/**
 * The engine's 0.12 `JobQueue`, with this library's additions (batch claims,
 * completeAndDequeue, waitForJobs, …) as in 0.1. What changed: jobs name their
 * workflow (`workflowId`, kept in the payload as the engine keeps it); a
 * SUSPENDED job may be completed or failed from any queue instance (nobody
 * holds it; RUNNING jobs stay fenced to their worker); `cancelByRun`,
 * `getJobsByWorkflowRun` and `touchJob` are new; getSuspendedJobsReadyToPoll
 * is gone.
 */
export interface JobQueue
  extends Omit<JobQueue01, "enqueue" | "enqueueParallel" | "dequeue" | "dequeueBatch" | "completeAndDequeue" | "getSuspendedJobsReadyToPoll"> {
  /** Adds a PENDING job of `workflowId`'s run; returns its id.
   *
   * @example
   * ```ts
   * const jobId = await jobQueue.enqueue({ workflowRunId: run.id, workflowId: "summarize", stageId: "extract" });
   * ```
   */
  enqueue(options: EnqueueJobInput): Promise<string>;
  /** Adds the jobs in one statement, all or none; ids in input order. */
  enqueueParallel(jobs: EnqueueJobInput[]): Promise<string[]>;
  /** Claims the next runnable job (priority, then oldest), or null. */
  dequeue(): Promise<DequeueResult | null>;
  /** Claims up to `limit` runnable jobs in one statement, in claim order. */
  dequeueBatch(limit: number): Promise<DequeueResult[]>;
  /** complete(jobId), then dequeue(), as one step. */
  completeAndDequeue(jobId: string): Promise<DequeueResult | null>;
  /** PENDING and SUSPENDED jobs of the run become CANCELLED (RUNNING ones finish); returns how many. */
  cancelByRun(workflowRunId: string): Promise<number>;
  /** Every job row of the run, whatever its status, oldest first. */
  getJobsByWorkflowRun(workflowRunId: string): Promise<JobRecord[]>;
  /**
   * Renews the lease of a job RUNNING under this worker; does nothing (and
   * does not throw) for any other job, a missing one included.
   */
  touchJob(jobId: string): Promise<void>;
}
