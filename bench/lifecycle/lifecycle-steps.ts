/**
 * The workflow lifecycle every contender performs: a run with 10 stages in 3
 * execution groups (4, 3, 3); for each stage, in order: upsert → RUNNING →
 * save its output → log → COMPLETED; then the run is finished.
 */
import type { WorkflowPersistence } from "../../src/interfaces/workflow-persistence.js";

export const STAGES = Array.from({ length: 10 }, (_, i) => ({
  stageId: `stage-${i + 1}`,
  stageName: `Stage ${i + 1}`,
  stageNumber: i + 1,
  executionGroup: i < 4 ? 1 : i < 7 ? 2 : 3,
}));

export const WORKFLOW_TYPE = "bench-workflow";
export const runInput = (n: number) => ({ documentId: `doc-${n}`, options: { language: "en", pages: [1, 2, 3] } });
export const stageOutput = (n: number, stageId: string) => ({ stageId, summary: `output of ${stageId} for run ${n}`, tokens: 1234, items: [1, 2, 3] });

/**
 * One lifecycle through the library's WorkflowPersistence (direct or through
 * the Prisma adapter). `duringStage` runs while each stage is RUNNING, before
 * its output is saved (the 1.0 suite runs the stage's durable steps there).
 */
export async function libraryLifecycle(
  persistence: WorkflowPersistence,
  n: number,
  duringStage?: (stageRecordId: string, stage: (typeof STAGES)[number]) => Promise<void>,
): Promise<void> {
  const startedAt = new Date();
  const run = await persistence.createRun({ workflowId: "bench", workflowName: "Bench workflow", workflowType: WORKFLOW_TYPE, input: runInput(n) });
  await persistence.updateRun(run.id, { status: "RUNNING", startedAt });
  for (const stage of STAGES) {
    const stageStart = new Date();
    const row = await persistence.upsertStage({
      workflowRunId: run.id,
      stageId: stage.stageId,
      create: { stageName: stage.stageName, stageNumber: stage.stageNumber, executionGroup: stage.executionGroup, status: "PENDING" },
      update: { status: "PENDING" },
    });
    await persistence.updateStage(row.id, { status: "RUNNING", startedAt: stageStart });
    await duringStage?.(row.id, stage);
    await persistence.saveStageOutput(run.id, WORKFLOW_TYPE, stage.stageId, stageOutput(n, stage.stageId));
    await persistence.createLog({ workflowRunId: run.id, workflowStageId: row.id, level: "INFO", message: `${stage.stageName} done`, metadata: { n } });
    await persistence.updateStage(row.id, { status: "COMPLETED", completedAt: new Date(), duration: Date.now() - stageStart.getTime() });
  }
  await persistence.updateRun(run.id, { status: "COMPLETED", completedAt: new Date(), duration: Date.now() - startedAt.getTime(), output: { stages: 10 } });
}
