import type { EnqueueJobInput } from "../types.js";
import { parseInput } from "../validation/parse-input.js";
import { enqueueJobSchema, enqueueJobsSchema } from "../validation/input-schemas.js";
import type { QueueContext } from "./queue-context.js";

type ParsedJob = ReturnType<typeof enqueueJobSchema.parse>;

/** Adds one PENDING job and returns its id. */
export async function enqueue(ctx: QueueContext, options: EnqueueJobInput): Promise<string> {
  const job = parseInput("enqueue", "options", enqueueJobSchema, options);
  const [id] = await insertJobs(ctx, [job]);
  return id!;
}

/**
 * Adds many jobs in one multi-row INSERT: all of them or, on any error, none.
 * Ids are generated here, so they come back in input order without relying on
 * the order of RETURNING rows.
 */
export async function enqueueParallel(ctx: QueueContext, jobs: EnqueueJobInput[]): Promise<string[]> {
  const parsed = parseInput("enqueueParallel", "jobs", enqueueJobsSchema, jobs);
  if (parsed.length === 0) return [];
  return insertJobs(ctx, parsed);
}

// Parameters per row; PostgreSQL allows 65,535 bind parameters per statement
// and SQLite 32,766, so large batches are split into several INSERTs inside
// one transaction (still all or nothing).
const PARAMETERS_PER_JOB = 11;
const MAX_JOBS_PER_INSERT = Math.floor(30_000 / PARAMETERS_PER_JOB);

async function insertJobs(ctx: QueueContext, jobs: ParsedJob[]): Promise<string[]> {
  const { dialect } = ctx;
  const now = dialect.now();
  const ids = jobs.map(() => ctx.newId());
  const rows = jobs.map((job, index) => ({
    id: ids[index]!,
    createdAt: now,
    updatedAt: now,
    workflowRunId: job.workflowRunId,
    stageId: job.stageId,
    status: dialect.enumValue("Status", "PENDING"),
    priority: job.priority ?? 5,
    attempt: 0,
    maxAttempts: job.maxAttempts ?? 3,
    nextPollAt: job.scheduledFor ? dialect.date(job.scheduledFor) : null,
    payload: dialect.json(job.payload ?? "{}"),
  }));
  if (rows.length <= MAX_JOBS_PER_INSERT) {
    await ctx.db.insertInto("job_queue").values(rows).execute();
  } else {
    await ctx.dialect.writeTransaction(ctx.db, async (tx) => {
      for (let start = 0; start < rows.length; start += MAX_JOBS_PER_INSERT) {
        await tx.insertInto("job_queue").values(rows.slice(start, start + MAX_JOBS_PER_INSERT)).execute();
      }
    });
  }
  return ids;
}
