import type { JobQueue as JobQueue012 } from "../0.12/job-queue.js";
import type { DequeueOptions, DequeueResult, EnqueueJobInput, JobAckFence, JobAckOutcome, JobRecord } from "./types.js";

/**
 * The engine's 1.0 `JobQueue`, with this library's additions (batch claims,
 * completeAndDequeue, waitForJobs, …) as before. What changed: one job row per
 * (run, stage), re-enqueueing replaces it; claims take `serves` and hand out
 * `startedAt`; acknowledgements take a fence and say whether they landed;
 * `defer`, `deleteByRunAndStages`, the absolute lease tier, fairness.
 */
export interface JobQueue
  extends Omit<
    JobQueue012,
    "enqueue" | "enqueueParallel" | "dequeue" | "dequeueBatch" | "completeAndDequeue" | "complete" | "suspend" | "fail" | "getJobsByWorkflowRun"
  > {
  /** The payload path the fairness cap reads, or null when fairness is off. */
  readonly fairnessGroupBy: string | null;
  /**
   * Not in the 1.0 port (kept for code that calls it): enqueueParallel of one
   * job, so it too replaces the row already queued for the (run, stage).
   */
  enqueue(options: EnqueueJobInput): Promise<string>;
  /**
   * One row per (run, stage): a pair already queued is replaced in place (its
   * id kept; attempt, status, worker, lock, lastError and nextPollAt reset),
   * others are inserted; all or none, ids in input order (a pair named twice
   * gets the same id).
   */
  enqueueParallel(jobs: EnqueueJobInput[]): Promise<string[]>;
  /** Deletes the named stages' job rows of the run, whatever their status; returns how many. */
  deleteByRunAndStages(workflowRunId: string, stageIds: string[]): Promise<number>;
  /** Claims the next runnable job this caller serves, under the fairness cap; null when none. */
  dequeue(options?: DequeueOptions): Promise<DequeueResult | null>;
  /** Claims up to `limit` (1–10,000) runnable jobs, as dequeue would one by one. */
  dequeueBatch(limit: number, options?: DequeueOptions): Promise<DequeueResult[]>;
  /**
   * complete(jobId) without a fence (this worker's job: JobLeaseLostError
   * otherwise, and nothing claimed), then dequeue(options); on PostgreSQL one
   * statement when neither `serves` nor fairness narrows the claim.
   */
  completeAndDequeue(jobId: string, options?: DequeueOptions): Promise<DequeueResult | null>;
  /**
   * COMPLETED. With a fence: only if the job is still that claim, RUNNING
   * ("superseded" otherwise, also for a deleted job; nothing written).
   * Without: as in 0.12 (the holding worker, or a SUSPENDED job), "acknowledged".
   */
  complete(jobId: string, fence?: JobAckFence): Promise<JobAckOutcome>;
  /** SUSPENDED until `nextPollAt`, the lock released; fenced as complete is. */
  suspend(jobId: string, nextPollAt: Date, fence?: JobAckFence): Promise<JobAckOutcome>;
  /**
   * FAILED, or with `shouldRetry` (default false) and attempts left PENDING
   * after a backoff of 2^attempt seconds; fenced as complete is.
   */
  fail(jobId: string, error: string, shouldRetry?: boolean, fence?: JobAckFence): Promise<JobAckOutcome>;
  /**
   * Back to PENDING, due at `nextPollAt`, without spending the attempt the
   * claim counted (a host declining work it cannot serve); `reason` is kept
   * as lastError. Fenced as complete is.
   */
  defer(jobId: string, nextPollAt: Date, reason: string, fence?: JobAckFence): Promise<JobAckOutcome>;
  /**
   * FAILED with a `LEASE_ABSOLUTE_CAP` lastError for every RUNNING job claimed
   * more than `absoluteTimeoutMs` ago, heartbeating or not; returns how many.
   */
  expireRunawayJobs(absoluteTimeoutMs: number): Promise<number>;
  /**
   * The id this queue writes to job_queue.workerId: `workerId` unless the
   * queue was made with one of its own. Returns the id in use.
   */
  adoptWorkerId(workerId: string): string;
  /** Every job row of the run, oldest first; payloads without the queue's own keys. */
  getJobsByWorkflowRun(workflowRunId: string): Promise<JobRecord[]>;
}
