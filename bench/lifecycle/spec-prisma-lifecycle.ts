/**
 * The same lifecycle through the spec's Prisma implementation, written from
 * the spec (one model call per interface method; `saveStageOutput` looks the
 * stage up, then upserts the artifact). A baseline, not product code.
 */
import { runInput, STAGES, stageOutput, WORKFLOW_TYPE } from "./lifecycle-steps.js";

export async function specPrismaLifecycle(prisma: any, n: number): Promise<void> {
  const startedAt = new Date();
  const run = await prisma.workflowRun.create({
    data: { workflowId: "bench", workflowName: "Bench workflow", workflowType: WORKFLOW_TYPE, input: runInput(n), config: {}, priority: 5 },
  });
  await prisma.workflowRun.update({ where: { id: run.id }, data: { status: "RUNNING", startedAt } });
  for (const stage of STAGES) {
    const stageStart = new Date();
    const key = { workflowRunId: run.id, stageId: stage.stageId };
    const row = await prisma.workflowStage.upsert({
      where: { workflowRunId_stageId: key },
      create: { ...key, stageName: stage.stageName, stageNumber: stage.stageNumber, executionGroup: stage.executionGroup, status: "PENDING" },
      update: { status: "PENDING" },
    });
    await prisma.workflowStage.update({ where: { id: row.id }, data: { status: "RUNNING", startedAt: stageStart } });
    await saveStageOutput(prisma, run.id, stage.stageId, stageOutput(n, stage.stageId));
    await prisma.workflowLog.create({
      data: { workflowRunId: run.id, workflowStageId: row.id, level: "INFO", message: `${stage.stageName} done`, metadata: { n } },
    });
    await prisma.workflowStage.update({
      where: { id: row.id },
      data: { status: "COMPLETED", completedAt: new Date(), duration: Date.now() - stageStart.getTime() },
    });
  }
  await prisma.workflowRun.update({
    where: { id: run.id },
    data: { status: "COMPLETED", completedAt: new Date(), duration: Date.now() - startedAt.getTime(), output: { stages: 10 } },
  });
}

async function saveStageOutput(prisma: any, workflowRunId: string, stageId: string, output: unknown): Promise<string> {
  const key = `workflow-v2/${WORKFLOW_TYPE}/${workflowRunId}/${stageId}/output.json`;
  const stage = await prisma.workflowStage.findUnique({ where: { workflowRunId_stageId: { workflowRunId, stageId } }, select: { id: true } });
  const size = Buffer.byteLength(JSON.stringify(output));
  await prisma.workflowArtifact.upsert({
    where: { workflowRunId_key: { workflowRunId, key } },
    create: { workflowRunId, workflowStageId: stage?.id ?? null, key, type: "STAGE_OUTPUT", data: output, size },
    update: { data: output, size, workflowStageId: stage?.id ?? null },
  });
  return key;
}
