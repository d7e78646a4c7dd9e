import { PreparedQueriesBySize, parameter } from "../database/prepared-query.js";
import type { EnqueueJobInput } from "../types.js";
import { parseInput } from "../validation/parse-input.js";
import type { enqueueJobSchema } from "../validation/input-schemas.js";
import type { QueueContext } from "./queue-context.js";
import type { DialectSupport } from "../dialects/dialect-support.js";
import { inWriteTransaction } from "../database/query-context.js";

type ParsedJob = ReturnType<typeof enqueueJobSchema.parse>;

/** Adds one PENDING job and returns its id. */
export async function enqueue(ctx: QueueContext, options: EnqueueJobInput): Promise<string> {
  const job: ParsedJob = parseInput("enqueue", "options", ctx.contract.schemas.enqueueJob, options);
  const [id] = await insertJobs(ctx, [job]);
  return id!;
}

/**
 * Adds many jobs in one multi-row INSERT: all of them or, on any error, none.
 * Ids are generated here, so they come back in input order without relying on
 * the order of RETURNING rows.
 */
export async function enqueueParallel(ctx: QueueContext, jobs: EnqueueJobInput[]): Promise<string[]> {
  const parsed: ParsedJob[] = parseInput("enqueueParallel", "jobs", ctx.contract.schemas.enqueueJobs, jobs);
  if (parsed.length === 0) return [];
  return insertJobs(ctx, parsed);
}

// Eight bind parameters per job: PostgreSQL allows 65,535 per statement and
// SQLite 32,766, so a batch over 1,000 jobs is split into several INSERTs
// inside one transaction (still all or nothing).
export const MAX_JOBS_PER_INSERT = 1_000;

/**
 * The VALUES of `size` new PENDING jobs, bound per job (id, run, stage,
 * priority, maxAttempts, nextPollAt, payload) and to one clock: shared by
 * the plain INSERT and 1.0's upsert.
 */
export function newJobRows(dialect: DialectSupport, size: number) {
  const now = dialect.nowFrom(parameter("clock"));
  return Array.from({ length: size }, (_, i) => ({
    id: parameter("id", i),
    createdAt: now,
    updatedAt: now,
    workflowRunId: parameter("workflowRunId", i),
    stageId: parameter("stageId", i),
    status: dialect.enumValue("Status", "PENDING"),
    priority: parameter("priority", i),
    attempt: 0,
    maxAttempts: parameter("maxAttempts", i),
    nextPollAt: dialect.dateFrom(parameter("nextPollAt", i)),
    payload: dialect.json(parameter("payload", i)),
  }));
}

/** INSERT of `size` jobs, built once per dialect and size. */
const insertStatements = new PreparedQueriesBySize<never>(
  (db, dialect, size) => db.insertInto("job_queue").values(newJobRows(dialect, size)),
  MAX_JOBS_PER_INSERT,
);

async function insertJobs(ctx: QueueContext, jobs: ParsedJob[]): Promise<string[]> {
  const ids = jobs.map(() => ctx.newId());
  const clock = ctx.dialect.clockValue();
  const insertChunk = (db: QueueContext, start: number, end: number) => {
    const rows = [];
    for (let i = start; i < end; i++) {
      const job = jobs[i]!;
      rows.push({
        id: ids[i],
        workflowRunId: job.workflowRunId,
        stageId: job.stageId,
        priority: job.priority ?? 5,
        maxAttempts: job.maxAttempts ?? 3,
        nextPollAt: job.scheduledFor ? ctx.dialect.dateValue(job.scheduledFor) : null,
        payload: job.payload ?? "{}",
      });
    }
    return insertStatements.forSize(end - start)!.execute(db, { clock }, rows);
  };
  if (jobs.length <= MAX_JOBS_PER_INSERT) {
    await insertChunk(ctx, 0, jobs.length);
  } else {
    // Joins the caller's transaction when there is one (a second BEGIN would fail).
    await inWriteTransaction(ctx, async (tx) => {
      for (let start = 0; start < jobs.length; start += MAX_JOBS_PER_INSERT) {
        await insertChunk(tx as QueueContext, start, Math.min(jobs.length, start + MAX_JOBS_PER_INSERT));
      }
    });
  }
  return ids;
}
