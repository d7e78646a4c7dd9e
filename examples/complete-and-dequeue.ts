// A worker that goes straight on to its next job: completeAndDequeue completes
// the job in hand and claims the next in one call (one statement on PostgreSQL).
import { createKyselyJobQueue, migrateToLatest, openDatabase } from "kysely-workflow-persistence";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db");
await migrateToLatest(db);
const jobQueue = createKyselyJobQueue(db, { workerId: "worker-b" });
await jobQueue.enqueueParallel(["fetch", "parse", "index"].map((stageId) => ({ workflowRunId: "run-2", stageId })));

let done = 0;
let job = await jobQueue.dequeue();
while (job) {
  try {
    // … run the stage
  } catch (error) {
    await jobQueue.fail(job.jobId, String(error), true); // retried with backoff while attempts remain
    job = await jobQueue.dequeue();
    continue;
  }
  job = await jobQueue.completeAndDequeue(job.jobId); // completes this one, claims the next (or null)
  done++;
}
console.log(`chained ${done} jobs`);
await db.destroy();
