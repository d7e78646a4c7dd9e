// Enqueue in the application's own transaction: the order, its workflow run and
// the run's first job commit together, or not at all.
import { createKyselyJobQueue, createKyselyWorkflowPersistence, migrateToLatest, openDatabase } from "kysely-workflow-persistence";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db");
await migrateToLatest(db);
await db.schema.createTable("orders").ifNotExists().addColumn("id", "text", (col) => col.primaryKey()).execute();

async function placeOrder(orderId: string, fail: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("orders" as any).values({ id: orderId }).execute(); // the application's own write
    const run = await createKyselyWorkflowPersistence(trx).createRun({
      workflowId: "fulfil-order",
      workflowName: "Fulfil an order",
      workflowType: "orders",
      input: { orderId },
    });
    await createKyselyJobQueue(trx).enqueue({ workflowRunId: run.id, stageId: "charge" });
    if (fail) throw new Error(`order ${orderId} refused`);
  }); // one commit; waiting workers wake only now
}

await placeOrder(`order-${Date.now()}`, false);
await placeOrder(`order-${Date.now()}-refused`, true).catch((error: Error) => console.log(`rolled back: ${error.message}`));
const pending = (await createKyselyJobQueue(db).getQueueStats()).PENDING;
console.log(`jobs pending: ${pending}`); // the refused order left no run and no job
await db.destroy();
