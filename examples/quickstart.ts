// The quickstart: a SQLite file (or DATABASE_URL), migrated, and one workflow
// run taken through its life: claimed, a stage run, its output stored, done.
import { createKyselyWorkflowPersistence, migrateToLatest, openDatabase } from "kysely-workflow-persistence";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db"); // or "postgres://…"
try {
  await migrateToLatest(db); // the engine's tables, exactly as its Prisma schema defines them
  const persistence = createKyselyWorkflowPersistence(db);

  const run = await persistence.createRun({
    workflowId: "summarize",
    workflowName: "Summarize a document",
    workflowType: "document-pipeline",
    input: { url: "https://example.com/report.pdf" },
  });
  await persistence.claimNextPendingRun(); // PENDING → RUNNING, for one caller only
  const stage = await persistence.upsertStage({
    workflowRunId: run.id,
    stageId: "extract",
    create: { stageName: "Extract text", stageNumber: 1, executionGroup: 1 },
    update: { status: "RUNNING" },
  });
  await persistence.transaction(async (tx) => {
    await tx.updateStage(stage.id, { status: "COMPLETED", completedAt: new Date(), outputData: { pages: 12 } });
    await tx.updateRun(run.id, { status: "COMPLETED", completedAt: new Date(), totalTokens: 1234 });
  });
  console.log(`run ${run.id} is ${(await persistence.getRunStatus(run.id))?.toLowerCase()}`);
} finally {
  await db.destroy();
}
