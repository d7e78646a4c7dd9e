import type { QueryContext } from "../query-context.js";

/** A job row the 1.0 upgrade deletes: a newer row exists for its (run, stage). */
export interface SupersededJob {
  id: string;
  workflowRunId: string;
  stageId: string;
  status: string;
  createdAt: Date;
}

/**
 * The job rows `contract-1.0/0003` deletes before it adds the unique key on
 * `(workflowRunId, stageId)`: every row of a pair but the newest (createdAt,
 * then id), the rule of the engine's upgrade guide and of the file. Read
 * first, so that a person sees what goes (and which are RUNNING: a worker
 * holding one will see its acknowledgement fail) before agreeing.
 */
export async function supersededJobs(ctx: QueryContext): Promise<SupersededJob[]> {
  const rows = await ctx.db
    .selectFrom("job_queue as older")
    .select(["older.id", "older.workflowRunId", "older.stageId", "older.status", "older.createdAt"])
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("job_queue as newer")
          .select("newer.id")
          .whereRef("newer.workflowRunId", "=", "older.workflowRunId")
          .whereRef("newer.stageId", "=", "older.stageId")
          .where(({ eb, or, and }) =>
            or([
              eb("newer.createdAt", ">", eb.ref("older.createdAt")),
              and([eb("newer.createdAt", "=", eb.ref("older.createdAt")), eb("newer.id", ">", eb.ref("older.id"))]),
            ]),
          ),
      ),
    )
    .orderBy("older.workflowRunId")
    .orderBy("older.stageId")
    .orderBy("older.createdAt")
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    workflowRunId: String(row.workflowRunId),
    stageId: String(row.stageId),
    status: String(row.status),
    createdAt: ctx.dialect.readDate(row.createdAt),
  }));
}
