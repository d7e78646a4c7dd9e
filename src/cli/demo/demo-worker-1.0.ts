import { setTimeout as sleep } from "node:timers/promises";
import { ConflictError } from "../../errors.js";
import type { AICallLogger, DequeueResult, JobAckFence, JobQueue, ServedDefinition, StepLedger, WorkflowPersistenceWithLegacy, WorkflowRunRecord } from "../../v1.js";
import { DEMO_MODELS, DEMO_PIPELINE, DEMO_WORKFLOW_10, LAST_GROUP, demoStage, stagesOfGroup, type DemoStage } from "./demo-pipeline.js";

/**
 * One worker loop of the 1.0 demo, calling the library as the engine's 1.0
 * kernel would: runs claimed by id (this demo's only), jobs claimed with
 * `dequeue({ serves })` (its own workflow's versions only, under the queue's
 * fairness cap per tenant), acknowledgements fenced and made in the same
 * transaction as the stage's own writes (rolled back when superseded), durable
 * steps in the ledger (a retried stage replays the step its first attempt
 * completed instead of calling the model again), a review that waits on a
 * signal step with a deadline, annotations, AI calls with the cost columns,
 * and on completion an outbox event the demo's publisher delivers (one of
 * them dead-lettered).
 */
export interface DemoWorker10Deps {
  persistence: WorkflowPersistenceWithLegacy;
  queue: JobQueue;
  steps: StepLedger;
  aiCalls: AICallLogger;
  /** The definitions this host serves. */
  serves: readonly ServedDefinition[];
  /** The prefix of this demo's run ids: work of other runs is never touched. */
  runPrefix: string;
  /** This demo's runs not claimed yet, shared by its workers. */
  unclaimed: string[];
  isDone: () => boolean;
  /** How long a review waits, unless the run's job says otherwise (the waiting run's reviewer takes a day). */
  reviewDelayMs: number;
  workMs: number;
  /** Delivers a finished run's outbox events (demo-publisher.ts). */
  publish: (runId: string) => Promise<void>;
}

/** The fenced acknowledgement came back "superseded": the transaction it ran in is rolled back. */
class SupersededAcknowledgement extends Error {}

export async function runDemoWorker10(deps: DemoWorker10Deps, signal: AbortSignal): Promise<void> {
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
    await resumeReviewedStages(deps);
    const job = await queue.dequeue({ serves: deps.serves });
    if (job) {
      await executeJob(deps, job);
      continue;
    }
    await queue.waitForJobs(25, signal);
  }
}

/**
 * What a run's config asks of the demo, carried into its jobs' payloads so
 * that whichever demo's worker claims a job (demos on one database serve each
 * other's) does the same: the showcase run's scripted rerun, the waiting run's
 * day-long review.
 */
export interface DemoRunConfig {
  showcase?: boolean;
  reviewWaitMs?: number;
}

async function enqueueGroup(deps: DemoWorker10Deps, runId: string, group: number): Promise<void> {
  const stages = stagesOfGroup(group);
  const run = await deps.persistence.getRun(runId);
  if (!run) return;
  try {
    await deps.persistence.withTransaction(async (tx) => {
      for (const stage of stages) {
        await tx.createStage({ workflowRunId: runId, stageId: stage.stageId, stageName: stage.stageName, stageNumber: stage.stageNumber, executionGroup: group, inputData: { group } });
      }
      // Inside the transaction, as the kernel enqueues: the jobs exist exactly when their stages do.
      await deps.queue.enqueueParallel(stages.map((stage) => job(run, stage, group, (run.config ?? {}) as DemoRunConfig)));
    });
  } catch (error) {
    if (error instanceof ConflictError) return; // another worker advanced the run
    throw error;
  }
}

/** A stage's job: the run's tenant is its fairness group, the run's definition version its pin. */
const job = (run: WorkflowRunRecord, stage: DemoStage, group: number, config: DemoRunConfig) => ({
  workflowRunId: run.id,
  workflowId: DEMO_WORKFLOW_10.workflowId,
  stageId: stage.stageId,
  priority: 10 - group,
  payload: {
    group,
    ...(config.showcase && stage.stageId === "extract-tables" ? { rerunWhileRunning: true } : {}),
    ...(config.reviewWaitMs !== undefined && stage.behaviour === "suspend-for-review" ? { reviewWaitMs: config.reviewWaitMs } : {}),
  },
  groupKey: String((run.input as { tenant?: unknown } | null)?.tenant ?? "default"),
  definitionVersion: run.definitionVersion,
});

/** Stages whose review wait is over: the signal arrives, the wait step completes, the job is queued again. */
async function resumeReviewedStages(deps: DemoWorker10Deps): Promise<void> {
  const due = await deps.persistence.getSuspendedStages(new Date(), { limit: 20, serves: deps.serves });
  for (const stage of due) {
    if (!stage.workflowRunId.startsWith(deps.runPrefix)) continue;
    const held = (await deps.queue.getJobsByWorkflowRun(stage.workflowRunId)).find((row) => row.stageId === stage.stageId && row.status === "SUSPENDED");
    if (!held || !(await deps.queue.resume(held.id))) continue; // another worker took it
    const applied = await deps.steps.compareAndSet(stage.id, "approval", { status: "pending" }, { status: "completed", result: { approved: true, by: "demo-reviewer" } });
    await deps.persistence.updateStage(stage.id, { resumeData: { approved: true, by: "demo-reviewer" }, nextPollAt: null });
    if (applied.applied) {
      await deps.persistence.createLog({ workflowRunId: stage.workflowRunId, workflowStageId: stage.id, level: "INFO", message: "review approved: the approval step completed" });
    }
  }
}

async function executeJob(deps: DemoWorker10Deps, claimed: DequeueResult): Promise<void> {
  const { persistence, queue } = deps;
  const definition = demoStage(claimed.stageId);
  const fence: JobAckFence = { startedAt: claimed.startedAt, attempt: claimed.attempt };
  const current = await persistence.getStage(claimed.workflowRunId, claimed.stageId);
  const resumedFromReview = current?.resumeData != null;
  const stage = await persistence.upsertStage({
    workflowRunId: claimed.workflowRunId,
    stageId: claimed.stageId,
    create: { stageName: definition.stageName, stageNumber: definition.stageNumber, executionGroup: definition.executionGroup },
    update: { status: "RUNNING", ...(current?.startedAt ? {} : { startedAt: new Date() }) },
  });
  await sleep(deps.workMs);

  if (definition.behaviour === "suspend-for-review" && !resumedFromReview) {
    const delay = typeof claimed.payload.reviewWaitMs === "number" ? claimed.payload.reviewWaitMs : deps.reviewDelayMs;
    const nextPollAt = new Date(Date.now() + delay);
    // A wait step: the reviewer has a day, the stage is polled until then.
    await deps.steps.claim({
      stageRecordId: stage.id, stepId: "approval", seq: 1, kind: "wait", status: "pending", attempt: 1,
      leaseExpiresAt: null, deadlineAt: new Date(Date.now() + Math.max(delay, 86_400_000)), waitState: { everyMs: delay, pollFailures: 0 },
    });
    await persistence.withTransaction(async (tx) => {
      await tx.updateStage(stage.id, { status: "SUSPENDED", nextPollAt, pollInterval: delay, maxWaitUntil: new Date(Date.now() + Math.max(delay, 86_400_000)), suspendedState: { waitingFor: "review" } });
      await tx.createLog({ workflowRunId: claimed.workflowRunId, workflowStageId: stage.id, level: "INFO", message: "waiting for review" });
      if ((await queue.suspend(claimed.jobId, nextPollAt, fence)) === "superseded") throw new SupersededAcknowledgement();
    });
    return;
  }

  const output = definition.behaviour === "fail-first-attempt" ? await draftWithSteps(deps, claimed, stage.id, definition) : await work(deps, claimed, stage.id, definition);
  if (output === "failed") return;

  if (claimed.payload.rerunWhileRunning === true) {
    // An operator reruns this stage while its first attempt is still in hand: the
    // queue replaces the row (one per run and stage; the new payload has no such
    // mark), so the acknowledgement below is superseded.
    await queue.enqueueParallel([job((await persistence.getRun(claimed.workflowRunId))!, definition, definition.executionGroup, {})]);
    await persistence.createLog({ workflowRunId: claimed.workflowRunId, workflowStageId: stage.id, level: "WARN", message: "stage rerun while its first attempt was running" });
  }
  // The stage's model calls are written before it is settled: the process that
  // finishes the run (maybe another demo on the same file) reads them into its
  // cost, and logCall alone buffers them for up to flushIntervalMs.
  await deps.aiCalls.flush();
  try {
    // The stage's writes and its fenced acknowledgement in one transaction:
    // both land, or (superseded) neither does.
    await persistence.withTransaction(async (tx) => {
      await tx.updateStage(stage.id, { status: "COMPLETED", completedAt: new Date(), outputData: output, errorMessage: null, nextPollAt: null });
      await tx.createLog({ workflowRunId: claimed.workflowRunId, workflowStageId: stage.id, level: "INFO", message: `${definition.stageName} done` });
      if ((await queue.complete(claimed.jobId, fence)) === "superseded") throw new SupersededAcknowledgement();
    });
  } catch (error) {
    if (!(error instanceof SupersededAcknowledgement)) throw error;
    await persistence.createLog({
      workflowRunId: claimed.workflowRunId, workflowStageId: stage.id, level: "WARN",
      message: `acknowledgement superseded (attempt ${claimed.attempt}): a newer attempt owns the job; this one's writes were rolled back`,
    });
    return;
  }
  await advance(deps, claimed.workflowRunId, definition.executionGroup);
}

/** A stage's work: its model calls and, for the classifier, a routing decision recorded as an annotation. */
async function work(deps: DemoWorker10Deps, claimed: DequeueResult, stageRecordId: string, definition: DemoStage) {
  for (const modelKey of definition.aiCalls) logAICall(deps, claimed.workflowRunId, definition, modelKey);
  const words = 100 + Math.floor(Math.random() * 900);
  if (definition.stageId === "classify") {
    await deps.persistence.appendAnnotations([{
      workflowRunId: claimed.workflowRunId, workflowStageRecordId: stageRecordId, scope: "stage", scopeId: definition.stageId,
      actor: { kind: "agent", id: "classifier", version: "2" }, key: "route", value: words > 500 ? "detailed" : "fast-lane",
      idempotencyKey: `${claimed.workflowRunId}:route`,
    }]);
  }
  return { stage: definition.stageId, attempt: claimed.attempt, words };
}

/**
 * The summarizing stage as durable steps: `draft` (a model call) then
 * `polish`. Its first attempt completes `draft` and then fails; the retry
 * finds `draft` completed in the ledger and replays it without calling the
 * model again.
 */
async function draftWithSteps(deps: DemoWorker10Deps, claimed: DequeueResult, stageRecordId: string, definition: DemoStage) {
  const { steps, persistence } = deps;
  const lease = () => new Date(Date.now() + 60_000);
  const draft = await steps.claim({
    stageRecordId, stepId: "draft", seq: 1, kind: "run", status: "running", attempt: 1, leaseExpiresAt: lease(), deadlineAt: null,
    externalKey: `${claimed.workflowRunId}:draft`,
  });
  let draftResult = draft.record.result as { words: number } | null;
  if (draft.created || draft.record.status !== "completed") {
    logAICall(deps, claimed.workflowRunId, definition, "smart-model");
    draftResult = { words: 400 + Math.floor(Math.random() * 400) };
    await steps.update(stageRecordId, "draft", { status: "completed", result: draftResult, leaseExpiresAt: null });
  } else {
    await persistence.createLog({ workflowRunId: claimed.workflowRunId, workflowStageId: stageRecordId, level: "INFO", message: "step draft replayed from the ledger (no model call)" });
  }
  if (claimed.attempt === 1) {
    await deps.aiCalls.flush(); // the draft's model call, before the job is settled (see above)
    await persistence.updateStage(stageRecordId, { errorMessage: "model overloaded (simulated); retrying" });
    await persistence.createLog({ workflowRunId: claimed.workflowRunId, workflowStageId: stageRecordId, level: "WARN", message: "attempt 1 failed after its draft step; will retry" });
    await deps.queue.fail(claimed.jobId, "model overloaded (simulated)", true, { startedAt: claimed.startedAt, attempt: claimed.attempt });
    return "failed" as const;
  }
  const polish = await steps.claim({ stageRecordId, stepId: "polish", seq: 2, kind: "run", status: "running", attempt: 1, leaseExpiresAt: lease(), deadlineAt: null });
  if (polish.created || polish.record.status !== "completed") {
    logAICall(deps, claimed.workflowRunId, definition, "fast-model");
    await steps.update(stageRecordId, "polish", { status: "completed", result: { edited: true }, leaseExpiresAt: null });
  }
  return { stage: definition.stageId, attempt: claimed.attempt, words: draftResult?.words ?? 0 };
}

async function advance(deps: DemoWorker10Deps, runId: string, group: number): Promise<void> {
  const done = await deps.persistence.getStagesByRun(runId, { status: "COMPLETED" });
  if (done.filter((stage) => stage.executionGroup === group).length < stagesOfGroup(group).length) return;
  if (group < LAST_GROUP) return enqueueGroup(deps, runId, group + 1);
  await finishRun(deps, runId);
}

async function finishRun(deps: DemoWorker10Deps, runId: string): Promise<void> {
  const run = (await deps.persistence.getRun(runId))!;
  await deps.aiCalls.flush();
  const stats = await deps.aiCalls.getStats(`workflow.${runId}.`);
  const completedAt = new Date();
  const events = [{ workflowRunId: runId, eventType: "workflow:completed", payload: { runId, cost: stats.totalCost }, causationId: `demo:${runId}`, occurredAt: completedAt }];
  if ((run.config as DemoRunConfig | null)?.showcase) {
    events.push({ workflowRunId: runId, eventType: "report:published", payload: { runId, cost: stats.totalCost }, causationId: `demo:${runId}`, occurredAt: completedAt });
  }
  await deps.persistence.withTransaction(async (tx) => {
    await tx.saveArtifact({ workflowRunId: runId, key: "report.json", type: "ARTIFACT", data: { stages: DEMO_PIPELINE.map((stage) => stage.stageId), cost: stats.totalCost } });
    await tx.updateRun(runId, {
      status: "COMPLETED", completedAt, duration: completedAt.getTime() - (run.startedAt ?? run.createdAt).getTime(),
      output: { report: "report.json" }, totalCost: stats.totalCost, totalTokens: stats.totalInputTokens + stats.totalOutputTokens,
    });
    await tx.appendOutboxEvents(events);
    await tx.createLog({ workflowRunId: runId, level: "INFO", message: "run completed" });
  });
  await deps.publish(runId);
}

/** A simulated model call with the 1.0 cost columns: the provider reports a cost for smart-model calls; the catalogue estimates every call. */
function logAICall(deps: DemoWorker10Deps, runId: string, stage: DemoStage, modelKey: keyof typeof DEMO_MODELS): void {
  const model = DEMO_MODELS[modelKey];
  const inputTokens = 500 + Math.floor(Math.random() * 1500);
  const outputTokens = 50 + Math.floor(Math.random() * 400);
  const estimatedCost = inputTokens * model.input + outputTokens * model.output;
  const reported = modelKey === "smart-model";
  const reportedCost = reported ? estimatedCost * 0.97 : undefined;
  deps.aiCalls.logCall({
    topic: `workflow.${runId}.stage.${stage.stageId}`, callType: "text", modelKey, modelId: model.modelId,
    prompt: `${stage.stageName} for run ${runId}`, response: `(simulated ${modelKey} answer)`,
    inputTokens, outputTokens, cost: reportedCost ?? estimatedCost, estimatedCost,
    ...(reportedCost !== undefined ? { reportedCost } : {}),
    costSource: reported ? "reported" : "estimated", servedBy: reported ? "demo-provider-eu" : "demo-provider-us",
    cachedInputTokens: Math.floor(inputTokens / 4), ...(reported ? { reasoningTokens: Math.floor(outputTokens / 3) } : {}),
    metadata: { stage: stage.stageId },
  });
}
