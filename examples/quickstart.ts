// The README's code example: migrates a SQLite file (or DATABASE_URL) and takes
// one workflow run through its life with the persistence API.
import { createKyselyWorkflowPersistence, migrateToLatest, openDatabase } from "../src/index.js";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db"); // or "postgres://…"
try {
  const migration = await migrateToLatest(db);
  for (const notice of migration.notices) console.log(`note: ${notice}`);
  const persistence = createKyselyWorkflowPersistence(db); // PostgreSQL or SQLite: detected

  const run = await persistence.createRun({
    workflowId: "summarize",
    workflowName: "Summarize a document",
    workflowType: "document-pipeline",
    input: { url: "https://example.com/report.pdf" },
  });
  const claimed = await persistence.claimNextPendingRun(); // PENDING → RUNNING, for one caller only
  const stage = await persistence.upsertStage({
    workflowRunId: run.id,
    stageId: "extract",
    create: { stageName: "Extract text", stageNumber: 1, executionGroup: 1 },
    update: { status: "RUNNING" },
  });
  await persistence.createLog({ workflowRunId: run.id, workflowStageId: stage.id, level: "INFO", message: "extracting" });

  // Complete the stage, store its output and finish the run atomically.
  const outputKey = await persistence.transaction(async (tx) => {
    await tx.updateStage(stage.id, { status: "COMPLETED", completedAt: new Date(), outputData: { pages: 12 } });
    const key = await tx.saveStageOutput(run.id, run.workflowType, "extract", { text: "…", pages: 12 });
    await tx.updateRun(run.id, { status: "COMPLETED", completedAt: new Date(), totalCost: 0.0042, totalTokens: 1234 });
    return key;
  });

  const finished = await persistence.getRun(run.id);
  console.log(`run ${run.id} (claimed: ${claimed?.id === run.id}) is ${finished?.status}`);
  console.log(`stage output stored at ${outputKey}:`, await persistence.loadArtifact(run.id, outputKey));
} finally {
  await db.destroy();
}
