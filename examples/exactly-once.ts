// Exactly once through a failover (1.0): the job's side effect and its fenced
// acknowledgement in ONE transaction, rolled back unless "acknowledged". When
// COMMIT's reply is lost (CommitOutcomeUnknownError), running the same
// transaction again with the same claim is safe: if the first one committed,
// the acknowledgement now answers "superseded" and the second rolls back. A
// transaction that failed on a lost connection, a read-only server or a
// conflict committed nothing (error.retryable) and is run again the same way.
import {
  CommitOutcomeUnknownError,
  DatabaseError,
  createKyselyJobQueue,
  createKyselyWorkflowPersistence,
  migrateToLatest,
  openDatabase,
  type DequeueResult,
} from "kysely-workflow-persistence/v1";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow-1.0.db", { retry: true });
try {
  await migrateToLatest(db, { target: "1.0" });
  const persistence = createKyselyWorkflowPersistence(db);
  const queue = createKyselyJobQueue(db); // made from the same handle: its calls join the transaction
  const run = await persistence.createRun({ workflowId: "invoices", workflowName: "Invoices", workflowType: "billing", input: {} });
  await queue.enqueueParallel([{ workflowRunId: run.id, workflowId: "invoices", stageId: "send-invoice" }]);

  class Superseded extends Error {}
  async function settle(job: DequeueResult): Promise<"done" | "superseded"> {
    for (let tries = 1; ; tries++) {
      try {
        await persistence.withTransaction(async (tx) => {
          await tx.createLog({ workflowRunId: job.workflowRunId, level: "INFO", message: `invoice sent for ${job.jobId}` }); // the side effect
          const outcome = await queue.complete(job.jobId, { startedAt: job.startedAt, attempt: job.attempt });
          if (outcome !== "acknowledged") throw new Superseded(); // another attempt owns the job: undo the effect
        });
        return "done";
      } catch (error) {
        if (error instanceof Superseded) return "superseded";
        // Committed or not (outcome unknown), or surely not (retryable): the same transaction again decides it, once.
        const again = error instanceof CommitOutcomeUnknownError || (error instanceof DatabaseError && error.retryable);
        if (!again || tries >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** tries) * Math.random()));
      }
    }
  }

  const job = (await queue.dequeue())!;
  console.log(`settled: ${await settle(job)}; the same claim again: ${await settle(job)}`);
  const sent = await db.selectFrom("workflow_logs").select((eb) => eb.fn.countAll<number>().as("n")).where("message", "like", "invoice sent%").executeTakeFirstOrThrow();
  console.log(`job ${(await queue.getJobsByWorkflowRun(run.id))[0]!.status}, invoices sent: ${Number(sent.n)}`);
} finally {
  await db.destroy();
}
