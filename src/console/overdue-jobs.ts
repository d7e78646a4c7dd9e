import { parseInput } from "../validation/parse-input.js";
import { limitSchema } from "../validation/console-schemas.js";
import { clampLimit } from "./console-cursor.js";
import type { ConsoleReader } from "./console-rows.js";

/** A SUSPENDED job whose poll time has passed: what the queue health's overduePolls counts. */
export interface OverdueJob {
  id: string;
  workflowRunId: string;
  stageId: string;
  attempt: number;
  nextPollAt: Date;
}

/**
 * The SUSPENDED jobs past their nextPollAt (on the database's clock, or the
 * reader's `now`), the longest overdue first, at most `limit` (50 by default,
 * at most 200): the jobs behind getQueueHealth's overduePolls count.
 */
export async function listOverdueJobs(r: ConsoleReader, limit?: number): Promise<OverdueJob[]> {
  const parsed = parseInput("listOverdueJobs", "limit", limitSchema, limit);
  const { dialect } = r;
  const rows = await r.db
    .selectFrom("job_queue")
    .select(["id", "workflowRunId", "stageId", "attempt", "nextPollAt"])
    .where("status", "=", dialect.enumValue("Status", "SUSPENDED"))
    .where("nextPollAt", "<", r.now ? dialect.date(r.now()) : dialect.now())
    .orderBy("nextPollAt")
    .orderBy("id")
    .limit(clampLimit(parsed, 50))
    .execute();
  return (rows as any[]).map((row) => ({
    id: String(row.id),
    workflowRunId: String(row.workflowRunId),
    stageId: String(row.stageId),
    attempt: Number(row.attempt),
    nextPollAt: dialect.readDate(row.nextPollAt),
  }));
}
