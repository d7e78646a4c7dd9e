// A worker loop: enqueue a few jobs, claim and complete them, and shut down
// the usual way. A real worker waits forever; this one stops after a few idle
// waits (or at SIGTERM).
import { createKyselyJobQueue, migrateToLatest, openDatabase } from "kysely-workflow-persistence";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db");
await migrateToLatest(db);
const jobQueue = createKyselyJobQueue(db, { workerId: "worker-a" }); // workerId defaults to host:pid:random
for (const stageId of ["extract", "classify", "summarize"]) {
  await jobQueue.enqueue({ workflowRunId: "run-1", stageId, priority: 7 });
}

const stopping = new AbortController();
process.once("SIGTERM", () => stopping.abort());
let completed = 0;
let idleWaits = 0;
while (!stopping.signal.aborted && idleWaits < 3) {
  const job = await jobQueue.dequeue(); // RUNNING, locked by this worker, attempt + 1
  if (!job) {
    idleWaits++;
    await jobQueue.waitForJobs(100, stopping.signal); // on PostgreSQL an enqueue wakes it at once
    continue;
  }
  try {
    // … run the stage; call jobQueue.heartbeat(job.jobId) now and then if it is long
    await jobQueue.complete(job.jobId);
    completed++;
  } catch (error) {
    await jobQueue.fail(job.jobId, String(error), true); // retried with backoff while attempts remain
  }
}
console.log(`completed ${completed} jobs`);
await db.destroy(); // ends the shared LISTEN connection and flushes AI-call loggers first
