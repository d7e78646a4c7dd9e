import type { Kysely } from "kysely";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type pg from "pg";
import type { PostgresConnectionSettings } from "../dialects/postgres/postgres-settings.js";
import { createQueryContext, type QueryContextOptions } from "../database/query-context.js";
import { listenTargetFrom, listenTargetOfDatabase } from "../dialects/postgres/postgres-pool.js";
import type { EnqueueJobInput } from "../types.js";
import type { JobQueue } from "../interfaces/job-queue.js";
import { nonEmptyTextSchema } from "../validation/input-schemas.js";
import { abortSignalSchema, waitMsSchema } from "../validation/primitives.js";
import { parseInput } from "../validation/parse-input.js";
import { complete, completeMany, fail, heartbeat, resume, suspend } from "./acknowledge-jobs.js";
import { dequeue, dequeueBatch } from "./claim-jobs.js";
import { completeAndDequeue } from "./complete-and-claim.js";
import { enqueue, enqueueParallel } from "./enqueue.js";
import { claimRecoveringLostReplies } from "./lost-claims.js";
import { pollingOnly, sharedPostgresNotifications, type JobNotifications, type ListenErrorHandler } from "./job-notifications.js";
import { beforeDestroy } from "../database/database-handle.js";
import { publicApi } from "../database/public-api.js";
import { checkKysely, parseOptions, queueOptions } from "../validation/factory-options.js";
import { TransactionScopeError } from "../errors.js";
import { getQueueStats, getSuspendedJobsReadyToPoll, releaseStaleJobs } from "./queue-maintenance.js";
import type { QueueContext } from "./queue-context.js";
import { CONTRACT_0_1 } from "../contracts/contract-0.1.js";
import type { ContractSupport } from "../contracts/contract-support.js";

export interface KyselyJobQueueOptions extends QueryContextOptions {
  /** Identifies this worker in `job_queue.workerId`; default: host, pid and a random suffix. */
  workerId?: string;
  /**
   * PostgreSQL: where waitForJobs LISTENs. Defaults to the settings of the pool
   * openDatabase() made for `db`; give pg pool settings (e.g. `{ connectionString }`)
   * for a Kysely instance you built yourself. `false` turns listening off (polling only).
   */
  listen?: PostgresConnectionSettings | false;
  /**
   * PostgreSQL: told when waitForJobs cannot LISTEN (it then waits out its
   * timeout, polling), once per outage, and when it listens again. Default:
   * a line on stderr for each, so a failed LISTEN is never silent.
   */
  onListenError?: (error: unknown, recovered: boolean) => void;
}

/** A worker id unique enough across machines and restarts: `host:pid:random`. */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

/**
 * JobQueue over a Kysely instance (PostgreSQL or SQLite, detected). Claims are
 * one statement each; acknowledgements are fenced to the worker holding the job.
 *
 * @example
 * ```ts
 * const jobQueue = createKyselyJobQueue(db, { workerId: "worker-a" });
 * await jobQueue.enqueue({ workflowRunId: run.id, stageId: "extract" });
 * const job = await jobQueue.dequeue(); // null when nothing is runnable
 * if (job) await jobQueue.complete(job.jobId);
 * ```
 */
export function createKyselyJobQueue(db: Kysely<any>, options: KyselyJobQueueOptions = {}): JobQueue {
  const ctx = queueContext(db, options, CONTRACT_0_1);
  return publicApi(queueOn(db, ctx, options), ctx, { component: "queue", expectation: { contract: "0.1" }, except: ["close"] });
}

/** The queue's context for `contract`. */
export function queueContext(db: Kysely<any>, options: KyselyJobQueueOptions, contract: ContractSupport): QueueContext {
  checkKysely("createKyselyJobQueue", db);
  parseOptions("createKyselyJobQueue", queueOptions, options);
  // An empty workerId means "generate one", as in the engine's own createPrismaJobQueue.
  const workerId = parseInput("createKyselyJobQueue", "workerId", nonEmptyTextSchema, options.workerId || defaultWorkerId());
  // Assigned, not spread: the context's connection is looked up per call (it
  // joins a transaction open on `db` around the call), a spread would freeze it.
  return Object.assign(createQueryContext(db, options, contract), { workerId });
}

/** The methods of both contracts' queues, on `ctx` (the 0.12 factory adds its own). */
export function queueOn(db: Kysely<any>, ctx: QueueContext, options: KyselyJobQueueOptions): JobQueue {
  const { workerId } = ctx;
  const notifications = notificationsFor(db, ctx, options.listen, options.onListenError);
  return {
    workerId,
    enqueue: (input: EnqueueJobInput) => enqueue(ctx, input),
    enqueueParallel: (jobs: EnqueueJobInput[]) => enqueueParallel(ctx, jobs),
    dequeue: () => claimRecoveringLostReplies(ctx, () => dequeue(ctx), (job) => (job ? [job.jobId] : [])),
    dequeueBatch: (limit: number) => claimRecoveringLostReplies(ctx, () => dequeueBatch(ctx, limit), (jobs) => jobs.map((job) => job.jobId)),
    complete: (jobId: string) => complete(ctx, jobId),
    completeMany: (jobIds: string[]) => completeMany(ctx, jobIds),
    completeAndDequeue: (jobId: string) => claimRecoveringLostReplies(ctx, () => completeAndDequeue(ctx, jobId), (job) => (job ? [job.jobId] : [])),
    suspend: (jobId: string, nextPollAt: Date) => suspend(ctx, jobId, nextPollAt),
    resume: (jobId: string) => resume(ctx, jobId),
    fail: (jobId: string, error: string, shouldRetry?: boolean) => fail(ctx, jobId, error, shouldRetry),
    heartbeat: (jobId: string) => heartbeat(ctx, jobId),
    getSuspendedJobsReadyToPoll: () => getSuspendedJobsReadyToPoll(ctx),
    releaseStaleJobs: (staleThresholdMs?: number) => releaseStaleJobs(ctx, staleThresholdMs),
    getQueueStats: () => getQueueStats(ctx),
    waitForJobs: (timeoutMs: number, signal?: AbortSignal) => {
      // Checked before a timer is armed: a bad signal must not leave one behind that throws later.
      try {
        parseInput("waitForJobs", "timeoutMs", waitMsSchema, timeoutMs);
        parseInput("waitForJobs", "signal", abortSignalSchema, signal);
      } catch (error) {
        return Promise.reject(error);
      }
      if (ctx.inTransaction) {
        return Promise.reject(
          new TransactionScopeError(
            "waitForJobs",
            "inside a transaction it would keep the transaction open while it waits (and a job enqueued elsewhere " +
              "is not visible to it before the transaction ends); wait outside the transaction",
          ),
        );
      }
      return notifications.wait(timeoutMs, signal);
    },
    close: () => notifications.close(),
  };
}

function notificationsFor(db: Kysely<any>, ctx: QueueContext, listen: PostgresConnectionSettings | false | undefined, onListenError?: ListenErrorHandler): JobNotifications {
  if (ctx.dialect.databaseType !== "postgresql" || listen === false) return pollingOnly;
  const target = listen !== undefined ? listenTargetFrom(listen as pg.PoolConfig) : listenTargetOfDatabase(db);
  if (!target) return pollingOnly;
  return sharedPostgresNotifications(db, target, ctx.dialect.schema, (close) => beforeDestroy(db, close), onListenError);
}
