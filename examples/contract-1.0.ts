// The 1.0 contract's example: a run pinned to a definition version, claimed
// by a host that serves it, one durable step recorded in the ledger inside
// the kernel's transaction, the job acknowledged with the fence of its
// claim, and the cost of the AI call behind the step read back.
import {
  createKyselyAICallLogger,
  createKyselyJobQueue,
  createKyselyStepLedger,
  createKyselyWorkflowPersistence,
  migrateToLatest,
  openDatabase,
} from "kysely-workflow-persistence/v1";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow-1.0.db");
try {
  await migrateToLatest(db, { target: "1.0" }); // creates 1.0, or upgrades a 0.1 or 0.12 database in place
  const persistence = createKyselyWorkflowPersistence(db);
  const jobQueue = createKyselyJobQueue(db, { fairness: { maxConcurrentPerGroup: 4 } }); // at most 4 RUNNING per tenant
  const steps = createKyselyStepLedger(db);
  const aiCalls = createKyselyAICallLogger(db);

  // A host serves these definitions; runs pinned to others are left for the hosts that do.
  const serves = [{ workflowId: "summarize", version: "v2" }];
  await persistence.insertDefinitionIfAbsent({ workflowId: "summarize", version: "v2", snapshot: { stages: ["fetch"] }, structureHash: "v2" });
  await persistence.createRun({ workflowId: "summarize", workflowName: "Summarize", workflowType: "docs", input: { url: "https://example.com" }, definitionVersion: "v2" });

  const run = (await persistence.claimNextPendingRun({ serves }))!;
  const stage = await persistence.createStage({ workflowRunId: run.id, stageId: "fetch", stageName: "Fetch", stageNumber: 1, executionGroup: 1 });
  await jobQueue.enqueueParallel([{ workflowRunId: run.id, workflowId: "summarize", stageId: "fetch", groupKey: "tenant-a", definitionVersion: "v2" }]);

  const job = (await jobQueue.dequeue({ serves }))!;
  await persistence.withTransaction(async (tx) => {
    // The kernel's durable step: claimed once (a replay finds the stored row), its outcome recorded.
    const { created } = await steps.claim({
      stageRecordId: stage.id, stepId: "download", seq: 1, kind: "run", status: "running", attempt: 1,
      leaseExpiresAt: new Date(Date.now() + 60_000), deadlineAt: null, externalKey: `${run.id}:download`,
    });
    if (created) await steps.update(stage.id, "download", { status: "completed", result: { bytes: 5120 }, leaseExpiresAt: null });
    await tx.updateStage(stage.id, { status: "COMPLETED", completedAt: new Date() });
  });
  aiCalls.logCall({
    topic: `workflow.${run.id}.stage.fetch`, callType: "text", modelKey: "fast", modelId: "x/fast-1", prompt: "…", response: "…",
    inputTokens: 812, outputTokens: 95, cost: 0.0021, reportedCost: 0.0021, estimatedCost: 0.0019, costSource: "reported",
  });

  // Only this claim's acknowledgement lands: a worker whose lease was taken over hears "superseded".
  const outcome = await jobQueue.complete(job.jobId, { startedAt: job.startedAt, attempt: job.attempt });
  const [call] = await aiCalls.listCalls(`workflow.${run.id}.`);
  const ledger = await steps.list(stage.id);
  // openDatabase from /v1 is typed with the 1.0 tables: your own queries need no cast.
  const leased = await db.selectFrom("workflow_steps").select("stepId").where("leaseExpiresAt", "is not", null).execute();
  console.log(`job ${outcome}; steps: ${ledger.map((s) => `${s.stepId}=${s.status}`).join(", ")}; cost ${call!.cost} (${call!.costSource}); leased: ${leased.length}`);
  console.log(`runs of v2: ${(await persistence.countRunsByDefinitionVersion({ workflowId: "summarize" })).map((c) => `${c.status}:${c.count}`).join(", ")}`);
} finally {
  await db.destroy();
}
