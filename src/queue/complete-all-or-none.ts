import { sql, type Kysely } from "kysely";
import type { Database } from "../database/database.js";
import type { DialectSupport } from "../dialects/dialect-support.js";
import { parameter, PreparedQueriesBySize } from "../database/prepared-query.js";
import { isRunning } from "./is-running.js";
import type { QueueContext } from "./queue-context.js";

/**
 * completeMany's common case in one statement: every one of `size` jobs is
 * RUNNING under this worker, and all of them become COMPLETED, or none does.
 *
 *   WITH held AS MATERIALIZED (SELECT id … RUNNING, this worker, id IN (…) [FOR UPDATE])
 *   UPDATE job_queue SET COMPLETED … WHERE id IN (SELECT id FROM held)
 *     AND (SELECT count(*) FROM held) = size
 *
 * One statement is atomic on its own, so it needs no transaction (a
 * BEGIN/COMMIT around it cost two more round trips per batch, measured in
 * issue 33) and no savepoint inside a caller's. PostgreSQL locks the held rows
 * before counting them, so a row that another transaction changes meanwhile
 * (releaseStaleJobs) drops out of the count rather than out of the UPDATE
 * alone; SQLite's write statement runs alone. Anything else (a job already
 * completed, a SUSPENDED job under 0.12, a lost lease) updates nothing here
 * and goes the way that explains it, in a transaction (completeMany).
 */
export function completeAllQuery(db: Kysely<Database>, dialect: DialectSupport, size: number) {
  const now = dialect.nowFrom(parameter("clock"));
  const ids = Array.from({ length: size }, (_, i) => parameter("id", i));
  return db
    .with(
      (cte) => cte("held").materialized(),
      (db) => {
        const held = db.selectFrom("job_queue").select("id").where(isRunning).where("workerId", "=", parameter("workerId")).where("id", "in", ids);
        return dialect.statementsRunAlone ? held : held.forUpdate();
      },
    )
    .updateTable("job_queue")
    .set({ status: dialect.enumValue("Status", "COMPLETED"), completedAt: now, lockedAt: null, updatedAt: now })
    .where("id", "in", (eb) => eb.selectFrom("held").select("held.id"))
    .where(sql<boolean>`(select count(*) from ${sql.table("held")}) = ${sql.lit(size)}`);
}

const completeAllStatements = new PreparedQueriesBySize<never>(completeAllQuery, 100);

/** True when all of `ids` (distinct, at most 100) were this worker's and are now COMPLETED; false when nothing was written. */
export async function completeAllOrNone(ctx: QueueContext, ids: readonly string[]): Promise<boolean> {
  const prepared = completeAllStatements.forSize(ids.length);
  if (!prepared) return false;
  const values = { workerId: ctx.workerId, clock: ctx.dialect.clockValue() };
  const { numAffectedRows } = await prepared.execute(ctx, values, ids.map((id) => ({ id })));
  return Number(numAffectedRows ?? 0) === ids.length;
}
