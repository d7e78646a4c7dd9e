import type { DequeueResult, EnqueueJobInput, QueueStats, SuspendedJobReadyToPoll } from "../types.js";

/**
 * The job queue (the engine's `JobQueue`), claimed and acknowledged by one
 * worker identity. Acknowledgements (`complete`, `completeMany`,
 * `completeAndDequeue`, `suspend`, `fail`, `heartbeat`) are fenced: they only
 * touch a job that is RUNNING under this queue's `workerId`, and a worker
 * whose lease was lost gets a `JobLeaseLostError` instead of overwriting the
 * new owner's result. "Now" is the database clock on PostgreSQL.
 */
export interface JobQueue {
  /** The id of the worker this queue claims jobs for. */
  readonly workerId: string;
  /**
   * Adds a PENDING job (priority 5, payload `{}`, `maxAttempts` 3 by default);
   * `scheduledFor` keeps it from running before then. Returns its id.
   *
   * @example
   * ```ts
   * const jobId = await jobQueue.enqueue({ workflowRunId: run.id, stageId: "extract", priority: 7 });
   * ```
   */
  enqueue(options: EnqueueJobInput): Promise<string>;
  /** One multi-row insert (1,000-row statements in one transaction beyond that), all or nothing; ids in input order. */
  enqueueParallel(jobs: EnqueueJobInput[]): Promise<string[]>;
  /**
   * Claims the next runnable job (PENDING and due: highest priority, then oldest,
   * then id), RUNNING under this worker with `attempt` + 1, or null when there is
   * none. One statement; database errors are thrown, never reported as an empty queue.
   *
   * @example
   * ```ts
   * const job = await jobQueue.dequeue();
   * if (job) {
   *   try { await runStage(job); await jobQueue.complete(job.jobId); }
   *   catch (error) { await jobQueue.fail(job.jobId, String(error), true); } // retried while attempts remain
   * }
   * ```
   */
  dequeue(): Promise<DequeueResult | null>;
  /** Claims up to `limit` (1–10,000) runnable jobs in one statement, returned in claim order. */
  dequeueBatch(limit: number): Promise<DequeueResult[]>;
  /**
   * COMPLETED with `completedAt`. Completing a job this worker already completed is a no-op.
   * @throws NotFoundError for a missing job; JobLeaseLostError when another worker holds it.
   */
  complete(jobId: string): Promise<void>;
  /**
   * Completes several jobs this worker holds (at most 10,000), all or none: one transaction (a savepoint inside one).
   * @throws NotFoundError / JobLeaseLostError as `complete` does, naming the job.
   */
  completeMany(jobIds: string[]): Promise<void>;
  /**
   * `complete(jobId)` then `dequeue()` as one step: on PostgreSQL one statement
   * and one commit instead of two. The next job is claimed only once the
   * completion succeeded; a lost or missing job throws as `complete` does, and
   * nothing new is held then. A job this worker already completed counts as
   * acknowledged, so a retried call still claims.
   */
  completeAndDequeue(jobId: string): Promise<DequeueResult | null>;
  /**
   * SUSPENDED until `nextPollAt`, lock cleared.
   * @throws NotFoundError / JobLeaseLostError as `complete` does.
   */
  suspend(jobId: string, nextPollAt: Date): Promise<void>;
  /**
   * Makes a SUSPENDED job runnable again (PENDING, due now). True only for the
   * one caller that resumed it, so several pollers never resume a job twice.
   */
  resume(jobId: string): Promise<boolean>;
  /**
   * Records `error`. With `shouldRetry` and attempts left: back to PENDING,
   * due after 2^attempt seconds (exponent capped at 20); otherwise FAILED. One statement.
   * @throws NotFoundError / JobLeaseLostError as `complete` does.
   */
  fail(jobId: string, error: string, shouldRetry?: boolean): Promise<void>;
  /**
   * Renews the lock on a long-running job; false when this worker no longer holds it.
   * @throws NotFoundError for a missing job.
   */
  heartbeat(jobId: string): Promise<boolean>;
  /** SUSPENDED jobs whose `nextPollAt` has come, earliest first. */
  getSuspendedJobsReadyToPoll(): Promise<SuspendedJobReadyToPoll[]>;
  /**
   * RUNNING jobs locked longer than the threshold (default 5 minutes) go back
   * to PENDING; a job out of attempts becomes FAILED, and its stage and run
   * become FAILED where still RUNNING, in the same transaction. Returns how many
   * jobs were released.
   */
  releaseStaleJobs(staleThresholdMs?: number): Promise<number>;
  /** Jobs per status, counted by the database. */
  getQueueStats(): Promise<QueueStats>;
  /**
   * Resolves when new jobs may be runnable: on PostgreSQL as soon as a job is
   * enqueued (LISTEN/NOTIFY on one connection shared by the handle's queues,
   * when the trigger migration is applied), otherwise after `timeoutMs`; at
   * once when `signal` aborts.
   * @throws ConfigurationError on a queue made from a transaction.
   */
  waitForJobs(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Gives back this queue's share of the listening connection (it ends with the last share, or with the handle). */
  close(): Promise<void>;
}
