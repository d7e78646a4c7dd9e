import { setTimeout as sleep } from "node:timers/promises";
import { ConflictError } from "../../errors.js";
import type { DequeueResult, WorkflowRunRecord } from "../../types.js";
import type { AICallLogger } from "../../interfaces/ai-call-logger.js";
import type { JobQueue } from "../../interfaces/job-queue.js";
import type { WorkflowPersistence } from "../../interfaces/workflow-persistence.js";
import { DEMO_MODELS, DEMO_PIPELINE, LAST_GROUP, demoStage, stagesOfGroup, type DemoStage } from "./demo-pipeline.js";

export interface DemoWorkerDeps {
  persistence: WorkflowPersistence;
  queue: JobQueue;
  /** Claims the next job of this demo's runs (the queue's claim, limited to them: see demo-claims.ts). */
  claim: () => Promise<DequeueResult | null>;
  /** The prefix of this demo's run ids: work of other runs is never touched. */
  runPrefix: string;
  aiCalls: AICallLogger;
  /** This demo's runs not claimed yet, shared by its workers (another demo's runs are not ours to start). */
  unclaimed: string[];
  /** True once every run of this demo has finished (counted by the database). */
  isDone: () => boolean;
  /** How long the review stage stays suspended. */
  reviewDelayMs: number;
  /** Simulated work per stage. */
  workMs: number;
  /** This demo's SUSPENDED jobs whose poll time has come. */
  readySuspended: () => Promise<Array<{ jobId: string; workflowRunId: string; stageId: string }>>;
  /** 0.12 jobs name their workflow; 0.1 jobs have no such field. */
  workflowId?: string;
}

/**
 * One worker loop of the demo, using the library's public interfaces as an
 * engine would: claim this demo's pending runs, resume its suspended jobs
 * whose time has come, and execute its stage jobs, advancing each run group
 * by group. Only this demo's work: jobs of other runs in the same database
 * are neither claimed nor resumed. Stops claiming once `signal` aborts; the
 * job in hand is finished first.
 */
export async function runDemoWorker(deps: DemoWorkerDeps, signal: AbortSignal): Promise<void> {
  const { persistence, queue } = deps;
  while (!signal.aborted && !deps.isDone()) {
    const runId = deps.unclaimed.shift();
    if (runId !== undefined) {
      if (await persistence.claimPendingRun(runId)) {
        await persistence.createLog({ workflowRunId: runId, level: "INFO", message: `run claimed by ${queue.workerId}` });
        await enqueueGroup(deps, runId, 1);
      }
      continue;
    }
    for (const ready of await deps.readySuspended()) {
      if (await queue.resume(ready.jobId)) {
        await persistence.updateStageByRunAndStageId(ready.workflowRunId, ready.stageId, { resumeData: { approved: true, by: "demo-reviewer" } });
      }
    }
    const job = await deps.claim();
    if (job) {
      await executeJob(deps, job);
      continue;
    }
    await queue.waitForJobs(25, signal);
  }
}

/** Creates the group's stage rows and enqueues their jobs; a second caller gets ConflictError and stops. */
async function enqueueGroup(deps: DemoWorkerDeps, runId: string, group: number): Promise<void> {
  const stages = stagesOfGroup(group);
  try {
    await deps.persistence.transaction(async (tx) => {
      for (const stage of stages) {
        await tx.createStage({
          workflowRunId: runId,
          stageId: stage.stageId,
          stageName: stage.stageName,
          stageNumber: stage.stageNumber,
          executionGroup: stage.executionGroup,
          inputData: { group },
        });
      }
    });
  } catch (error) {
    if (error instanceof ConflictError) return; // another worker advanced the run
    throw error;
  }
  await deps.queue.enqueueParallel(
    stages.map((stage) => ({
      workflowRunId: runId, stageId: stage.stageId, priority: 10 - group, payload: { group }, ...(deps.workflowId ? { workflowId: deps.workflowId } : {}),
    })),
  );
}

async function executeJob(deps: DemoWorkerDeps, job: DequeueResult): Promise<void> {
  const { persistence, queue } = deps;
  const definition = demoStage(job.stageId);
  const current = await persistence.getStage(job.workflowRunId, job.stageId);
  const resumedFromReview = current?.status === "SUSPENDED";
  const stage = await persistence.upsertStage({
    workflowRunId: job.workflowRunId,
    stageId: job.stageId,
    create: { stageName: definition.stageName, stageNumber: definition.stageNumber, executionGroup: definition.executionGroup },
    update: { status: "RUNNING", ...(current?.startedAt ? {} : { startedAt: new Date() }) },
  });
  await sleep(deps.workMs);

  if (definition.behaviour === "suspend-for-review" && !resumedFromReview) {
    const nextPollAt = new Date(Date.now() + deps.reviewDelayMs);
    await persistence.updateStage(stage.id, { status: "SUSPENDED", nextPollAt, pollInterval: deps.reviewDelayMs, suspendedState: { waitingFor: "review" } });
    await persistence.createLog({ workflowRunId: job.workflowRunId, workflowStageId: stage.id, level: "INFO", message: "waiting for review" });
    await queue.suspend(job.jobId, nextPollAt);
    return;
  }
  logAICalls(deps, job.workflowRunId, definition);
  // Written before the job is settled: the process that finishes the run (maybe
  // another demo on the same file) reads them into its cost, and logCall alone
  // buffers them for up to flushIntervalMs.
  await deps.aiCalls.flush();
  if (definition.behaviour === "fail-first-attempt" && job.attempt === 1) {
    await persistence.updateStage(stage.id, { errorMessage: "model overloaded (simulated); retrying" });
    await persistence.createLog({ workflowRunId: job.workflowRunId, workflowStageId: stage.id, level: "WARN", message: "attempt 1 failed; will retry" });
    await queue.fail(job.jobId, "model overloaded (simulated)", true);
    return;
  }

  const output = { stage: definition.stageId, attempt: job.attempt, words: 100 + Math.floor(Math.random() * 900) };
  await persistence.transaction(async (tx) => {
    await tx.updateStage(stage.id, { status: "COMPLETED", completedAt: new Date(), outputData: output, errorMessage: null, nextPollAt: null });
    await tx.saveStageOutput(job.workflowRunId, "document-pipeline", definition.stageId, output);
    await tx.createLog({ workflowRunId: job.workflowRunId, workflowStageId: stage.id, level: "INFO", message: `${definition.stageName} done` });
  });
  await queue.complete(job.jobId);
  await advance(deps, job.workflowRunId, definition.executionGroup);
}

/** After a stage completes: start the next group once its whole group is done, or finish the run. */
async function advance(deps: DemoWorkerDeps, runId: string, group: number): Promise<void> {
  const done = await deps.persistence.getStagesByRun(runId, { status: "COMPLETED" });
  const doneInGroup = done.filter((stage) => stage.executionGroup === group).length;
  if (doneInGroup < stagesOfGroup(group).length) return;
  if (group < LAST_GROUP) return enqueueGroup(deps, runId, group + 1);
  await finishRun(deps, runId);
}

async function finishRun(deps: DemoWorkerDeps, runId: string): Promise<void> {
  const run = (await deps.persistence.getRun(runId)) as WorkflowRunRecord;
  const stats = await deps.aiCalls.getStats(`workflow.${runId}.`);
  const completedAt = new Date();
  await deps.persistence.transaction(async (tx) => {
    await tx.saveArtifact({
      workflowRunId: runId,
      key: "report.json",
      type: "ARTIFACT",
      data: { stages: DEMO_PIPELINE.map((stage) => stage.stageId), cost: stats.totalCost, perModel: stats.perModel },
    });
    await tx.updateRun(runId, {
      status: "COMPLETED",
      completedAt,
      duration: completedAt.getTime() - (run.startedAt ?? run.createdAt).getTime(),
      output: { report: "report.json" },
      totalCost: stats.totalCost,
      totalTokens: stats.totalInputTokens + stats.totalOutputTokens,
    });
    await tx.createLog({ workflowRunId: runId, level: "INFO", message: "run completed" });
  });
}

function logAICalls(deps: DemoWorkerDeps, runId: string, stage: DemoStage): void {
  for (const modelKey of stage.aiCalls) {
    const model = DEMO_MODELS[modelKey];
    const inputTokens = 500 + Math.floor(Math.random() * 1500);
    const outputTokens = 50 + Math.floor(Math.random() * 400);
    deps.aiCalls.logCall({
      topic: `workflow.${runId}.stage.${stage.stageId}`,
      callType: "text",
      modelKey,
      modelId: model.modelId,
      prompt: `${stage.stageName} for run ${runId}`,
      response: `(simulated ${modelKey} answer)`,
      inputTokens,
      outputTokens,
      cost: inputTokens * model.input + outputTokens * model.output,
      metadata: { stage: stage.stageId },
    });
  }
}
