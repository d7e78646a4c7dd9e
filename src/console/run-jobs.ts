import { parseInput } from "../validation/parse-input.js";
import { runIdSchema } from "../validation/console-schemas.js";
import { dateOrNull, type ConsoleReader } from "./console-rows.js";
import type { ConsoleStatus } from "./console-types.js";

/** A job of a run, as the queue holds it: its attempts are the run's retries. */
export interface RunJob {
  id: string;
  stageId: string;
  status: ConsoleStatus;
  attempt: number;
  maxAttempts: number;
  workerId: string | null;
  lastError: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  nextPollAt: Date | null;
}

/** The run's jobs, oldest first (the run's foreign key), at most 200. */
export async function listRunJobs(r: ConsoleReader, runId: string): Promise<RunJob[]> {
  const id = parseInput("listRunJobs", "runId", runIdSchema, runId);
  const rows = await r.db
    .selectFrom("job_queue")
    .select(["id", "stageId", "status", "attempt", "maxAttempts", "workerId", "lastError", "createdAt", "startedAt", "completedAt", "nextPollAt"])
    .where("workflowRunId", "=", id)
    .orderBy("createdAt")
    .orderBy("id")
    .limit(200)
    .execute();
  return rows.map((row: any) => ({
    id: row.id,
    stageId: row.stageId,
    status: row.status,
    attempt: Number(row.attempt),
    maxAttempts: Number(row.maxAttempts),
    workerId: row.workerId ?? null,
    lastError: row.lastError ?? null,
    createdAt: r.dialect.readDate(row.createdAt),
    startedAt: dateOrNull(r, row.startedAt),
    completedAt: dateOrNull(r, row.completedAt),
    nextPollAt: dateOrNull(r, row.nextPollAt),
  }));
}
