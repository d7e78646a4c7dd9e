import { sql } from "kysely";
import { afterEach, describe, expect, inject, it } from "vitest";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { throughPgBouncer } from "../conformance/backends.js";
import { createPostgresDatabase } from "../support/test-databases.js";

// Behind PgBouncer in transaction mode every transaction may run on another
// server session: migrations, a named schema and waiting for jobs must not
// depend on session state. (The conformance suite also runs through it.)
describe.runIf(inject("pgbouncerUrl") !== "")("behind a transaction pooler", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });

  it("migrates into a named schema and works there, through the pooler only", async () => {
    const database = await createPostgresDatabase("pooler");
    cleanup.push(() => database.dispose());
    const url = `${throughPgBouncer(database)}&schema=app`;
    const db = openDatabase(url);
    cleanup.push(() => db.destroy());
    expect((await migrateToLatest(db)).applied).toEqual(["0001_init"]);
    expect((await migrateToLatest(db)).applied).toEqual([]);
    const persistence = createKyselyWorkflowPersistence(db);
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => persistence.createRun({ workflowId: "w", workflowName: `n${i}`, workflowType: "t", input: i })));
    const claimed = await Promise.all(runs.map(() => persistence.claimNextPendingRun()));
    expect(new Set(claimed.map((run) => run?.id)).size).toBe(20);
    await persistence.transaction(async (tx) => {
      await tx.updateRun(runs[0]!.id, { status: "COMPLETED" });
      await tx.createLog({ workflowRunId: runs[0]!.id, level: "INFO", message: "done" });
    });
    const direct = openDatabase(database.url);
    cleanup.push(() => direct.destroy());
    const { rows } = await sql<{ n: string }>`select count(*) as n from app.workflow_runs where status = 'RUNNING'`.execute(direct);
    expect(Number(rows[0]!.n)).toBe(19);
  });

  it("polls in waitForJobs without a direct URL, never LISTENing through the pooler", async () => {
    const database = await createPostgresDatabase("pooler");
    cleanup.push(() => database.dispose());
    const direct = openDatabase(database.url);
    cleanup.push(() => direct.destroy());
    await migrateToLatest(direct);
    const db = openDatabase(throughPgBouncer(database));
    cleanup.push(() => db.destroy());
    const queue = createKyselyJobQueue(db, { workerId: "w" });
    cleanup.push(() => queue.close());
    const start = Date.now();
    await queue.waitForJobs(200);
    expect(Date.now() - start).toBeGreaterThanOrEqual(190);
    // No session on the server LISTENs for this database: a LISTEN through the
    // pooler would sit on a server session other clients' transactions share.
    const name = new URL(database.url).pathname.slice(1);
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from pg_stat_activity where datname = ${name} and query ilike 'LISTEN%'`.execute(direct);
    expect(Number(rows[0]!.n)).toBe(0);
    await queue.enqueue({ workflowRunId: "r", stageId: "s" });
    expect((await queue.dequeue())?.stageId).toBe("s");
  });
});
