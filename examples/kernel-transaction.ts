// What joins a transaction: the engine's kernel calls the queue it was given
// at start-up inside persistence.withTransaction. Made from the same handle,
// the queue joins the transaction: the run and its first job commit together,
// and a rollback leaves neither.
import { createKyselyJobQueue, createKyselyWorkflowPersistence, migrateToLatest, openDatabase } from "kysely-workflow-persistence/v0.12";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow-0.12.db");
await migrateToLatest(db, { target: "0.12" });
const persistence = createKyselyWorkflowPersistence(db); // one handle for both: that is the rule
const jobQueue = createKyselyJobQueue(db);

async function startRun(workflowId: string, refuse: boolean) {
  return persistence.withTransaction(async (tx) => {
    const run = await tx.createRun({ workflowId, workflowName: workflowId, workflowType: "demo", input: {} });
    await jobQueue.enqueue({ workflowRunId: run.id, workflowId, stageId: "first" }); // runs on tx's transaction
    if (refuse) throw new Error(`${workflowId} refused`);
    return run.id;
  });
}

const runId = await startRun("accepted", false);
await startRun("refused", true).catch((error: Error) => console.log(`rolled back: ${error.message}`));
const jobs = await jobQueue.getJobsByWorkflowRun(runId);
console.log(`run ${runId} has ${jobs.length} job; ${(await jobQueue.getQueueStats()).PENDING} pending in all`);
await db.destroy();
