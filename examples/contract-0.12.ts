// The 0.12 contract's example: the engine's current contract on a SQLite file
// (or DATABASE_URL): versions, the transactional outbox, idempotency keys.
import {
  createKyselyWorkflowPersistence,
  migrateToLatest,
  openDatabase,
  StaleVersionError,
} from "kysely-workflow-persistence/v0.12";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow-0.12.db");
try {
  await migrateToLatest(db, { target: "0.12" }); // creates 0.12, or upgrades a 0.1 database in place
  // Under the engine, hand in its own class so its kernel's `instanceof` checks match:
  // createKyselyWorkflowPersistence(db, { staleVersionError: StaleVersionError from "@bratsos/workflow-engine" })
  const persistence = createKyselyWorkflowPersistence(db);

  // Idempotent command dispatch: only the first caller with this key runs the command.
  const dispatch = await persistence.acquireIdempotencyKey("order-42", "run.create");
  if (dispatch.status === "acquired") {
    const runId = await persistence.withTransaction(async (tx) => {
      const run = await tx.createRun({
        workflowId: "fulfil",
        workflowName: "Fulfil an order",
        workflowType: "orders",
        input: { order: 42 },
        metadata: { tenant: "acme" },
      });
      // Written in the same transaction as the state change it reports.
      await tx.appendOutboxEvents([
        { workflowRunId: run.id, eventType: "run:created", payload: { order: 42 }, causationId: "order-42", occurredAt: new Date() },
      ]);
      return run.id;
    });
    await persistence.completeIdempotencyKey("order-42", "run.create", { runId });
  }
  const replay = await persistence.acquireIdempotencyKey("order-42", "run.create");
  const { runId } = (replay.status === "replay" ? replay.result : {}) as { runId: string };

  // Optimistic concurrency: a write with a stale expectedVersion changes nothing.
  const run = (await persistence.getRun(runId))!;
  await persistence.updateRun(runId, { status: "RUNNING", expectedVersion: run.version });
  try {
    await persistence.updateRun(runId, { status: "CANCELLED", expectedVersion: run.version });
  } catch (error) {
    if (!(error instanceof StaleVersionError)) throw error;
    console.log(`stale: expected ${error.expected}, the run is at ${error.actual}`);
  }

  // A publisher drains the outbox in order and marks what it delivered.
  const events = await persistence.getUnpublishedOutboxEvents();
  console.log(events.map((event) => `#${event.sequence} ${event.eventType}`).join(", "));
  await persistence.markOutboxEventsPublished(events.map((event) => event.id));
  console.log(`replayed: ${replay.status}, run at version ${(await persistence.getRun(runId))!.version}`);
} finally {
  await db.destroy();
}
