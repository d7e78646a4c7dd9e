// The 0.12 contract's annotations and queue: decisions recorded on a run
// (deduplicated by idempotency key), jobs that name their workflow, a run's
// jobs listed and cancelled.
import { createKyselyJobQueue, createKyselyWorkflowPersistence, migrateToLatest, openDatabase } from "kysely-workflow-persistence/v0.12";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow-0.12.db");
try {
  await migrateToLatest(db, { target: "0.12" });
  const persistence = createKyselyWorkflowPersistence(db);
  const jobQueue = createKyselyJobQueue(db, { workerId: "worker-c" });
  const run = await persistence.createRun({ workflowId: "triage", workflowName: "Triage", workflowType: "support", input: {} });

  const decision = { workflowRunId: run.id, scope: "router", key: "route", value: "fast-lane", idempotencyKey: "route-1" };
  await persistence.appendAnnotations([{ ...decision, actor: { kind: "agent", id: "planner" } }]);
  await persistence.appendAnnotations([decision]); // a retry: skipped, the same idempotency key
  const routes = await persistence.listAnnotations(run.id, { keyPrefix: "route" });
  console.log(`annotations: ${routes.map((a) => `${a.key}=${JSON.stringify(a.value)} by ${a.actorId}`).join(", ")}`);

  await jobQueue.enqueueParallel(["classify", "reply"].map((stageId) => ({ workflowRunId: run.id, workflowId: "triage", stageId })));
  const claimed = await jobQueue.dequeue();
  console.log(`claimed ${claimed?.stageId} of workflow ${claimed?.workflowId}`);
  console.log(`cancelled ${await jobQueue.cancelByRun(run.id)} waiting job(s)`); // the RUNNING one finishes
  const statuses = (await jobQueue.getJobsByWorkflowRun(run.id)).map((job) => `${job.stageId}:${job.status}`);
  console.log(`jobs: ${statuses.join(", ")}`);
} finally {
  await db.destroy();
}
