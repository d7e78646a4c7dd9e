import type { Kysely } from "kysely";
import { contract10 } from "../contracts/contract-1.0.js";
import { GROUP_KEY_PAYLOAD_KEY } from "../contracts/job-payload.js";
import { claimRecoveringLostReplies } from "./lost-claims.js";
import { publicApi } from "../database/public-api.js";
import type { JobQueue } from "../interfaces/1.0/job-queue.js";
import type { DequeueOptions, DequeueResult, EnqueueJobInput, JobAckFence, JobQueueFairness, JobRecord } from "../interfaces/1.0/types.js";
import { parseOptions, queue10Options } from "../validation/factory-options.js";
import { batchSizeSchema, idSchema, textSchema } from "../validation/input-schemas.js";
import { dequeueOptionsSchema } from "../validation/input-schemas-1.0.js";
import { parseInput } from "../validation/parse-input.js";
import { completeIds } from "./acknowledge-jobs.js";
import { completeAndDequeue } from "./complete-and-claim.js";
import { enqueueParallelReplacing, enqueueReplacing } from "./enqueue-replacing.js";
import { claimJobs10, type ClaimRequest, type Fairness } from "./fair-claims.js";
import { completeFenced, defer, failFenced, suspendFenced } from "./fenced-acknowledgements.js";
import { queueContext, queueOn, type KyselyJobQueueOptions } from "./kysely-job-queue.js";
import type { QueueContext } from "./queue-context.js";
import { cancelByRun, getJobsByWorkflowRun, touchJob } from "./run-jobs.js";
import { expireRunawayJobs } from "./runaway-jobs.js";
import { deleteByRunAndStages } from "./stage-jobs.js";

export interface KyselyJobQueue10Options extends KyselyJobQueueOptions {
  /**
   * A concurrency cap per group of jobs (off by default): a group holding
   * `maxConcurrentPerGroup` RUNNING jobs is skipped by this queue's claims.
   * `groupBy` is the dotted payload path of the group (default `_groupKey`,
   * where EnqueueJobInput.groupKey is kept).
   */
  fairness?: JobQueueFairness;
}

/**
 * The engine's 1.0 JobQueue over a Kysely instance, on a database migrated
 * with `target: "1.0"`: the 0.12 queue's statements, with one row per (run,
 * stage), fenced acknowledgements, the served definitions and the fairness
 * cap in the claim, defer, and the two lease tiers.
 *
 * @example
 * ```ts
 * import { createKyselyJobQueue } from "kysely-workflow-persistence/v1";
 *
 * const jobQueue = createKyselyJobQueue(db, { fairness: { maxConcurrentPerGroup: 4 } });
 * await jobQueue.enqueueParallel([{ workflowRunId: run.id, workflowId: "w", stageId: "extract", groupKey: "tenant-a" }]);
 * const job = await jobQueue.dequeue({ serves: [{ workflowId: "w", version: "v3" }] });
 * if (job) await jobQueue.complete(job.jobId, { startedAt: job.startedAt, attempt: job.attempt }); // "acknowledged" | "superseded"
 * ```
 */
export function createKyselyJobQueue10(db: Kysely<any>, options: KyselyJobQueue10Options = {}): JobQueue {
  parseOptions("createKyselyJobQueue", queue10Options, options);
  const { fairness: fairnessOption, ...queueOptions } = options;
  const ctx = queueContext(db, queueOptions, contract10());
  const fairness: Fairness | undefined = fairnessOption && {
    cap: fairnessOption.maxConcurrentPerGroup,
    path: (fairnessOption.groupBy ?? GROUP_KEY_PAYLOAD_KEY).split("."),
  };
  const { getSuspendedJobsReadyToPoll: _gone, ...shared } = queueOn(db, ctx, queueOptions);
  const claim = (operation: string, limit: number, options: DequeueOptions | undefined) => {
    const parsed = parseInput(operation, "options", dequeueOptionsSchema, options) ?? {};
    const request: ClaimRequest = parsed.serves !== undefined ? { serves: parsed.serves } : {};
    return claimRecoveringLostReplies(ctx, () => claimJobs10(ctx, limit, request, fairness), (jobs) => jobs.map((job) => job.jobId));
  };
  const queue: JobQueue = {
    ...(shared as unknown as Pick<JobQueue, "completeMany" | "resume" | "heartbeat" | "releaseStaleJobs" | "getQueueStats" | "waitForJobs" | "close">),
    workerId: ctx.workerId,
    fairnessGroupBy: fairnessOption ? (fairnessOption.groupBy ?? GROUP_KEY_PAYLOAD_KEY) : null,

    enqueue: (input: EnqueueJobInput) => enqueueReplacing(ctx, input),
    enqueueParallel: (jobs: EnqueueJobInput[]) => enqueueParallelReplacing(ctx, jobs),
    deleteByRunAndStages: (workflowRunId: string, stageIds: string[]) => deleteByRunAndStages(ctx, workflowRunId, stageIds),

    dequeue: async (options?: DequeueOptions) => (await claim("dequeue", 1, options))[0] ?? null,
    dequeueBatch: (limit: number, options?: DequeueOptions) => {
      parseInput("dequeueBatch", "limit", batchSizeSchema, limit);
      return claim("dequeueBatch", limit, options);
    },
    completeAndDequeue: async (jobId: string, options?: DequeueOptions): Promise<DequeueResult | null> => {
      const parsed = parseInput("completeAndDequeue", "options", dequeueOptionsSchema, options) ?? {};
      const handedOut = (job: DequeueResult | null) => (job ? [job.jobId] : []);
      if (parsed.serves === undefined && !fairness) {
        return claimRecoveringLostReplies(ctx, () => completeAndDequeue(ctx, jobId) as Promise<DequeueResult | null>, handedOut);
      }
      parseInput("completeAndDequeue", "jobId", idSchema, jobId);
      await completeIds(ctx, [jobId], "completeAndDequeue");
      const request = parsed.serves !== undefined ? { serves: parsed.serves } : {};
      return claimRecoveringLostReplies(ctx, async () => (await claimJobs10(ctx, 1, request, fairness))[0] ?? null, handedOut);
    },

    complete: (jobId: string, fence?: JobAckFence) => completeFenced(ctx, jobId, fence),
    suspend: (jobId: string, nextPollAt: Date, fence?: JobAckFence) => suspendFenced(ctx, jobId, nextPollAt, fence),
    fail: (jobId: string, error: string, shouldRetry?: boolean, fence?: JobAckFence) => failFenced(ctx, jobId, error, shouldRetry, fence),
    defer: (jobId: string, nextPollAt: Date, reason: string, fence?: JobAckFence) => defer(ctx, jobId, nextPollAt, reason, fence),
    expireRunawayJobs: (absoluteTimeoutMs: number) => expireRunawayJobs(ctx, absoluteTimeoutMs),

    cancelByRun: (workflowRunId: string) => cancelByRun(ctx, workflowRunId),
    getJobsByWorkflowRun: (workflowRunId: string) => getJobsByWorkflowRun(ctx, workflowRunId) as Promise<JobRecord[]>,
    touchJob: (jobId: string) => touchJob(ctx, jobId),
    adoptWorkerId: (workerId: string) => adoptWorkerId(ctx, workerId, options.workerId),
  };
  return liveWorkerId(publicApi(queue, ctx, { component: "queue", expectation: { contract: "1.0" }, except: ["close", "adoptWorkerId"] }), ctx);
}

/**
 * The engine's host offers its worker id: taken unless the queue was made
 * with one of its own. An empty offer names no worker and is not taken, as an
 * empty option is not at construction (the contract types it as any string).
 * Returns the id in use either way, so the host can see which.
 */
function adoptWorkerId(ctx: QueueContext, offered: string, configured: string | undefined): string {
  parseInput("adoptWorkerId", "workerId", textSchema, offered);
  if (!configured && offered !== "") (ctx as { workerId: string }).workerId = offered;
  return ctx.workerId;
}

/** `workerId` read from the context, so it shows an adopted id. */
export function liveWorkerId<Q extends { workerId: string }>(queue: Q, ctx: QueueContext): Q {
  return Object.defineProperty(queue, "workerId", { get: () => ctx.workerId, enumerable: true, configurable: true });
}
