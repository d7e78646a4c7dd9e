import { sql, type Kysely } from "kysely";
import type { Database } from "../../src/database/database.js";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";

/**
 * Adds PENDING jobs numbered from `from` (inclusive) to `to` (exclusive) in the
 * database itself, in the library's storage format: priorities 1–9, creation
 * times a second apart, spread over 1,000 runs. Then refreshes statistics.
 */
export async function seedPendingJobs(db: Kysely<Database>, databaseType: DatabaseType, from: number, to: number): Promise<void> {
  if (to <= from) return;
  if (databaseType === "postgresql") {
    await sql`
      insert into job_queue (id, "createdAt", "updatedAt", "workflowRunId", "stageId", status, priority, payload)
      select 'seed-' || g, timestamp '2024-01-01' + g * interval '1 second', timestamp '2024-01-01' + g * interval '1 second',
             'run-' || (g % 1000), 'stage-' || g, 'PENDING', 1 + g % 9, jsonb_build_object('i', g)
      from generate_series(${from}::int, ${to - 1}::int) as g`.execute(db);
    await sql`analyze job_queue`.execute(db);
  } else {
    await sql`
      with recursive g(n) as (select ${from} union all select n + 1 from g where n < ${to - 1})
      insert into job_queue (id, "createdAt", "updatedAt", "workflowRunId", "stageId", status, priority, payload)
      select 'seed-' || n, strftime('%Y-%m-%dT%H:%M:%f+00:00', '2024-01-01', '+' || n || ' seconds'),
             strftime('%Y-%m-%dT%H:%M:%f+00:00', '2024-01-01', '+' || n || ' seconds'),
             'run-' || (n % 1000), 'stage-' || n, 'PENDING', 1 + n % 9, json_object('i', n)
      from g`.execute(db);
    await sql`analyze`.execute(db);
  }
}

/** Puts back every job a measurement claimed, so each contender sees the same queue. */
export async function unclaimJobs(db: Kysely<Database>): Promise<void> {
  await db
    .updateTable("job_queue")
    .set({ status: "PENDING", workerId: null, lockedAt: null, startedAt: null, attempt: 0 })
    .where("status", "=", "RUNNING")
    .execute();
}
