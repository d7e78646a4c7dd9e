import { describe, expect, it } from "vitest";
import { CompiledQuery, sql, type Kysely, type LogEvent } from "kysely";
import type { Database } from "../../src/database/database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { createTestDatabase, DATABASE_TYPES } from "../support/test-databases.js";

// The plans of the queue's hot statements under statistics that tempt the
// planner: ANALYZE has seen only PENDING jobs, then hundreds are RUNNING.

/** The statements `work` sends through the library, and the plan of each. */
async function plansOf(
  db: Kysely<Database>,
  url: string,
  databaseType: string,
  work: (queue: ReturnType<typeof createKyselyJobQueue>) => Promise<unknown>,
  options: { all?: boolean } = {},
) {
  const captured: CompiledQuery[] = [];
  const logged = openDatabase(url, { log: (event: LogEvent) => void (event.level === "query" && captured.push(event.query)) });
  try {
    await work(createKyselyJobQueue(logged, { workerId: "planner", listen: false }));
  } finally {
    await logged.destroy();
  }
  // EXPLAIN without ANALYZE plans a statement without running it.
  const explain = databaseType === "postgresql" ? "explain " : "explain query plan ";
  const plans: string[] = [];
  // Transaction control (BEGIN/COMMIT, savepoints) has no plan.
  const statements = captured.filter((query) => /^\s*(select|insert|update|delete|with)\b/i.test(query.sql));
  if (options.all) return { sql: captured.map((query) => query.sql), plans };
  for (const query of statements) {
    const { rows } = await db.executeQuery(CompiledQuery.raw(explain + query.sql, [...query.parameters]));
    plans.push(rows.map((row) => Object.values(row as object).join(" ")).join("\n"));
  }
  return { sql: statements.map((q) => q.sql), plans };
}

/**
 * A migrated database of `databaseType` with `jobs` PENDING jobs, ANALYZEd
 * when asked to (the statistics that tempt the planner), of which the
 * worker "planner" holds the first `held`; `check` gets them, then the
 * database is disposed of.
 */
async function withHeldJobs(
  databaseType: (typeof DATABASE_TYPES)[number],
  setup: { jobs: number; held: number; analyze: boolean },
  check: (db: Kysely<Database>, url: string, held: string[]) => Promise<void>,
): Promise<void> {
  const database = await createTestDatabase[databaseType]("plans");
  const db = database.open();
  try {
    await migrateToLatest(db);
    const queue = createKyselyJobQueue(db, { workerId: "planner", listen: false });
    for (let start = 0; start < setup.jobs; start += 500) {
      const size = Math.min(500, setup.jobs - start);
      await queue.enqueueParallel(Array.from({ length: size }, (_, i) => ({ workflowRunId: "run", stageId: `s${start + i}` })));
    }
    if (setup.analyze) await sql.raw(databaseType === "postgresql" ? "analyze job_queue" : "analyze").execute(db);
    const held = (await queue.dequeueBatch(setup.held)).map((job) => job.jobId);
    await check(db, database.url, held);
  } finally {
    await database.dispose();
  }
}

describe.each(DATABASE_TYPES)("queue statement plans on %s", (databaseType) => {
  it("acknowledgements find their jobs by primary key, not by reading every RUNNING job", async () => {
    await withHeldJobs(databaseType, { jobs: 2_000, held: 600, analyze: true }, async (db, url, held) => {
      const { sql: statements, plans } = await plansOf(db, url, databaseType, async (q) => {
        await q.complete(held[0]!);
        await q.completeMany(held.slice(1, 21));
        await q.heartbeat(held[21]!);
        await q.fail(held[22]!, "boom", false);
        await q.suspend(held[23]!, new Date(Date.now() + 60_000));
        await q.completeAndDequeue(held[24]!);
      });
      // completeAndDequeue is an UPDATE on SQLite, and on PostgreSQL a statement WITH "completed" AS (UPDATE …);
      // completeMany is WITH "held" AS (…) UPDATE ….
      const acknowledgements = plans.filter((_, i) => /^(update|with "(completed|held)")/i.test(statements[i]!));
      expect(acknowledgements.length).toBeGreaterThanOrEqual(6);
      expect(statements.filter((text) => /^with "held"/i.test(text))).toHaveLength(1);
      for (const plan of acknowledgements) {
        expect(plan).not.toMatch(/status_nextPollAt/i);
        expect(plan).toMatch(databaseType === "postgresql" ? /job_queue_pkey/ : /sqlite_autoindex_job_queue_1|PRIMARY KEY/);
      }
    });
  });
  it("completeMany of jobs this worker holds is one statement, no transaction around it (issue 33)", async () => {
    await withHeldJobs(databaseType, { jobs: 40, held: 40, analyze: false }, async (db, url, held) => {
      // Each handle's first call reads the catalog once (the schema check): not the call's.
      const ownStatements = (captured: string[]) => captured.filter((text) => !/sqlite_master|pg_catalog/.test(text));
      const statements = ownStatements((await plansOf(db, url, databaseType, (q) => q.completeMany(held.slice(0, 20)), { all: true })).sql);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/^with "held" as materialized/i);
      // One not held (already completed by this worker, a no-op): explained in a transaction, the rest completed.
      const explained = ownStatements((await plansOf(db, url, databaseType, (q) => q.completeMany([held[0]!, ...held.slice(20, 40)]), { all: true })).sql);
      expect(explained.filter((text) => /^with "held"/i.test(text))).toHaveLength(1);
      expect(explained.length).toBeGreaterThan(1);
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from job_queue where status = 'COMPLETED'`.execute(db);
      expect(Number(rows[0]!.n)).toBe(40);
    });
  });
});

describe("prepared claims on postgresql", () => {
  it("run on a cached generic plan instead of being planned anew on every call (the limit is in the SQL)", async () => {
    const database = await createTestDatabase.postgresql("generic-plans");
    // One connection, so the counters read below are those of the connection that claimed.
    const db = openDatabase(database.url, { postgres: { max: 1 } });
    try {
      await migrateToLatest(db);
      const queue = createKyselyJobQueue(db, { workerId: "planner", listen: false });
      await queue.enqueueParallel(Array.from({ length: 500 }, (_, i) => ({ workflowRunId: "run", stageId: `s${i}` })));
      await sql`analyze job_queue`.execute(db);
      let job = await queue.dequeue();
      for (let i = 0; i < 20; i++) job = await queue.dequeue();
      for (let i = 0; i < 20; i++) job = await queue.completeAndDequeue(job!.jobId);
      for (let i = 0; i < 20; i++) await queue.dequeueBatch(5);

      const { rows } = await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
        select statement, generic_plans, custom_plans from pg_prepared_statements
        where statement like ${'%"claimable"%'}`.execute(db);
      // Claims of 1 (alone and after a completion) and of 5; PostgreSQL plans a statement custom five times before it may switch.
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(Number(row.generic_plans)).toBeGreaterThanOrEqual(10);
        expect(row.statement).toMatch(/limit [15] for update skip locked/);
      }
    } finally {
      await db.destroy();
      await database.dispose();
    }
  });
});
