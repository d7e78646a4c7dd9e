import type { Kysely } from "kysely";
import { contract012 } from "../contracts/contract-0.12.js";
import type { JobQueue } from "../interfaces/0.12/job-queue.js";
import { queueContext, queueOn, type KyselyJobQueueOptions } from "./kysely-job-queue.js";
import { publicApi } from "../database/public-api.js";
import { cancelByRun, getJobsByWorkflowRun, touchJob } from "./run-jobs.js";

/**
 * The engine's 0.12 JobQueue over a Kysely instance: the same claim and
 * acknowledgement statements as the 0.1 queue, with jobs that name their
 * workflow and the per-run operations 0.12 added.
 *
 * @example
 * ```ts
 * import { createKyselyJobQueue } from "kysely-workflow-persistence/v0.12";
 *
 * const jobQueue = createKyselyJobQueue(db, { workerId: "worker-a" });
 * await jobQueue.enqueue({ workflowRunId: run.id, workflowId: "summarize", stageId: "extract" });
 * const jobs = await jobQueue.getJobsByWorkflowRun(run.id);
 * ```
 */
export function createKyselyJobQueue012(db: Kysely<any>, options: KyselyJobQueueOptions = {}): JobQueue {
  const ctx = queueContext(db, options, contract012());
  // Same methods; their results carry workflowId at run time (the contract adds it).
  const { getSuspendedJobsReadyToPoll: _gone, ...shared } = queueOn(db, ctx, options);
  const queue: JobQueue = {
    ...(shared as unknown as Omit<JobQueue, "cancelByRun" | "getJobsByWorkflowRun" | "touchJob">),
    cancelByRun: (workflowRunId: string) => cancelByRun(ctx, workflowRunId),
    getJobsByWorkflowRun: (workflowRunId: string) => getJobsByWorkflowRun(ctx, workflowRunId),
    touchJob: (jobId: string) => touchJob(ctx, jobId),
  };
  return publicApi(queue, ctx, { component: "queue", expectation: { contract: "0.12" }, except: ["close"] });
}
