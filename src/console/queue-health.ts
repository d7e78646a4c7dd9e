import { sql } from "kysely";
import { dateOrNull, type ConsoleReader } from "./console-rows.js";
import { CONSOLE_STATUSES, type ConsoleStatus, type QueueHealth, type WorkerInstance } from "./console-types.js";

/**
 * Jobs by status and the ages that say something is stuck, in one statement:
 * the counts group the (status, …) index, the oldest PENDING job and the
 * oldest RUNNING lease are filtered aggregates over the same scan, and the
 * overdue polls compare SUSPENDED jobs' nextPollAt with the database's clock.
 */
export async function getQueueHealth(r: ConsoleReader): Promise<QueueHealth> {
  const { dialect } = r;
  const rows = await r.db
    .selectFrom("job_queue")
    .select([
      "status",
      sql<number | string>`count(*)`.as("jobs"),
      sql`min(case when ${sql.ref("status")} = ${dialect.enumValue("Status", "PENDING")} then ${sql.ref("createdAt")} end)`.as("oldestPendingAt"),
      sql`min(case when ${sql.ref("status")} = ${dialect.enumValue("Status", "RUNNING")} then ${sql.ref("lockedAt")} end)`.as("oldestLeaseAt"),
      sql<number | string>`sum(case when ${sql.ref("status")} = ${dialect.enumValue("Status", "SUSPENDED")} and ${sql.ref("nextPollAt")} < ${r.now ? dialect.date(r.now()) : dialect.now()} then 1 else 0 end)`.as("overdue"),
    ])
    .groupBy("status")
    .execute();
  const countsByStatus = Object.fromEntries(CONSOLE_STATUSES.map((status) => [status, 0])) as Record<ConsoleStatus, number>;
  let oldestPendingAt: Date | null = null;
  let oldestLeaseAt: Date | null = null;
  let overduePolls = 0;
  for (const row of rows as any[]) {
    countsByStatus[row.status as ConsoleStatus] = Number(row.jobs);
    oldestPendingAt ??= dateOrNull(r, row.oldestPendingAt);
    oldestLeaseAt ??= dateOrNull(r, row.oldestLeaseAt);
    overduePolls += Number(row.overdue ?? 0);
  }
  return { countsByStatus, oldestPendingAt, oldestLeaseAt, overduePolls };
}

/** Workers as the RUNNING jobs show them, the longest-held lease first. */
export async function listWorkers(r: ConsoleReader): Promise<WorkerInstance[]> {
  const rows = await r.db
    .selectFrom("job_queue")
    .select([
      "workerId",
      sql<number | string>`count(*)`.as("runningJobs"),
      sql`min(${sql.ref("lockedAt")})`.as("oldestLockedAt"),
      sql`max(${sql.ref("lockedAt")})`.as("lastSeenAt"),
    ])
    .where("status", "=", r.dialect.enumValue("Status", "RUNNING"))
    .where("workerId", "is not", null)
    .groupBy("workerId")
    .orderBy(sql`min(${sql.ref("lockedAt")})`)
    .orderBy("workerId")
    .execute();
  return (rows as any[]).map((row) => ({
    workerId: row.workerId,
    runningJobs: Number(row.runningJobs),
    oldestLockedAt: dateOrNull(r, row.oldestLockedAt),
    lastSeenAt: dateOrNull(r, row.lastSeenAt),
  }));
}
