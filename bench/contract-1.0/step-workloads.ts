/**
 * The engine's 1.0 durable-step workloads, one unit each, on a 1.0 database:
 * - step claim: a new step claimed in a stage (insert-if-absent, read back);
 * - step update: a step's status, lease, result patched;
 * - step compareAndSet: the kernel's lease renewal (expect running, set the lease);
 * - step list: the 20 steps of a stage, by seq (what a stage re-run reads);
 * - lifecycle with durable steps: the 10-stage run of the lifecycle suite on
 *   the 1.0 contract, each stage running 3 durable steps (claim, then
 *   completed with a result) before it completes.
 * The single-step workloads work on a fixture the suite makes first (a run,
 * a stage to claim into, a stage with 20 steps); the floor keeps its ids.
 */
import { newId } from "../../src/database/ids.js";
import type { StepLedger, WorkflowPersistenceWithLegacy } from "../../src/v1.js";
import type { WorkflowPersistence as WorkflowPersistence01 } from "../../src/interfaces/workflow-persistence.js";
import { WORKFLOW_TYPE, libraryLifecycle } from "../lifecycle/lifecycle-steps.js";

export const STEP_WORKLOADS = {
  claim: "step claim (a new step)",
  update: "step update (status, lease, result)",
  compareAndSet: "step compareAndSet (lease renewal)",
  list: "step list (20 steps of a stage)",
  lifecycle: "run with 10 stages × 3 durable steps (1.0 contract)",
} as const;
export type StepWorkload = keyof typeof STEP_WORKLOADS;

export const LISTED_STEPS = 20;
export const STEPS_PER_STAGE = 3;

/** Rows the single-step workloads work on, made once per workload by the suite. */
export interface StepFixture {
  runId: string;
  /** The stage `claim` adds its steps to. */
  claimStageId: string;
  /** The stage holding LISTED_STEPS steps; `update` and `compareAndSet` work on its first. */
  listStageId: string;
  /** The step (of listStageId) `update` and `compareAndSet` patch. */
  stepId: string;
}

export interface StepContender {
  persistence: WorkflowPersistenceWithLegacy;
  ledger: StepLedger;
}

export function stepWork(workload: StepWorkload, { persistence, ledger }: StepContender, fixture: StepFixture): (n: number) => Promise<void> {
  switch (workload) {
    case "claim":
      return async (n) => {
        const { created } = await ledger.claim({ ...runningStep(fixture.claimStageId, newId(), n) });
        if (!created) throw new Error(`step ${n} was not created`);
      };
    case "update":
      return async (n) => {
        await ledger.update(fixture.listStageId, fixture.stepId, { status: "running", leaseExpiresAt: new Date(Date.now() + 30_000), result: { n } });
      };
    case "compareAndSet":
      return async (n) => {
        const row = await ledger.compareAndSet(fixture.listStageId, fixture.stepId, { status: "running" }, { leaseExpiresAt: new Date(Date.now() + 30_000) });
        if (!row) throw new Error(`compareAndSet ${n} did not apply`);
      };
    case "list":
      return async (n) => {
        const steps = await ledger.list(fixture.listStageId);
        if (steps.length !== LISTED_STEPS) throw new Error(`list ${n}: ${steps.length} steps`);
      };
    case "lifecycle":
      return (n) => lifecycleWithSteps(persistence, ledger, n);
  }
}

function runningStep(stageRecordId: string, stepId: string, seq: number) {
  return { stageRecordId, stepId, seq, kind: "run" as const, status: "running" as const, attempt: 1, leaseExpiresAt: new Date(Date.now() + 30_000), deadlineAt: null };
}

/** Makes the fixture through the library: a run, its two stages, the listed steps. */
export async function makeStepFixture(persistence: WorkflowPersistenceWithLegacy, ledger: StepLedger): Promise<StepFixture> {
  const run = await persistence.createRun({ workflowId: "bench", workflowName: "Bench", workflowType: WORKFLOW_TYPE, input: {} });
  const stage = (stageId: string, stageNumber: number) =>
    persistence.upsertStage({
      workflowRunId: run.id,
      stageId,
      create: { stageName: stageId, stageNumber, executionGroup: 1, status: "RUNNING" },
      update: {},
    });
  const claimStage = await stage("claims", 1);
  const listStage = await stage("listed", 2);
  const stepIds = Array.from({ length: LISTED_STEPS }, () => newId());
  for (const [seq, stepId] of stepIds.entries()) await ledger.claim(runningStep(listStage.id, stepId, seq));
  return { runId: run.id, claimStageId: claimStage.id, listStageId: listStage.id, stepId: stepIds[0]! };
}

/** The lifecycle suite's run on the 1.0 contract, each stage claiming and completing its durable steps. */
function lifecycleWithSteps(persistence: WorkflowPersistenceWithLegacy, ledger: StepLedger, n: number): Promise<void> {
  return libraryLifecycle(persistence as unknown as WorkflowPersistence01, n, async (stageRecordId, stage) => {
    for (let seq = 0; seq < STEPS_PER_STAGE; seq++) {
      const stepId = `${stage.stageId}.step-${seq}`;
      await ledger.claim(runningStep(stageRecordId, stepId, seq));
      await ledger.update(stageRecordId, stepId, { status: "completed", leaseExpiresAt: null, result: { seq, n } });
    }
  });
}
