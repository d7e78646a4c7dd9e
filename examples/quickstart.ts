// The README's first command (`npm start`): migrates a SQLite file and writes and
// reads a workflow run. DATABASE_URL picks another database (postgres://… works).
import { migrateToLatest, openDatabase } from "../src/index.js";

const url = process.env.DATABASE_URL ?? "sqlite:./workflow.db";
const db = openDatabase(url);
try {
  const migration = await migrateToLatest(db);
  console.log(`migrated ${url}: applied [${migration.applied.join(", ")}]` +
    `${migration.optionalApplied.length ? `, optional [${migration.optionalApplied.join(", ")}]` : ""}`);
  for (const notice of migration.notices) console.log(`note: ${notice}`);

  const now = new Date().toISOString();
  const id = `quickstart-${Date.now()}`;
  await db
    .insertInto("workflow_runs")
    .values({
      id,
      updatedAt: now,
      createdAt: now,
      workflowId: "hello-world",
      workflowName: "Hello world",
      workflowType: "example",
      input: JSON.stringify({ greeting: "hello" }),
    })
    .execute();
  const run = await db.selectFrom("workflow_runs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  console.log(`stored run ${run.id}: ${run.workflowName} (${run.status}, priority ${run.priority})`);
} finally {
  await db.destroy();
}
