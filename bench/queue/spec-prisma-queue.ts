/**
 * The baseline: the job queue as the spec describes its Prisma implementation,
 * written here from the spec's text, weaknesses included. It is what a Prisma
 * user would otherwise run; it is not product code.
 *
 * - PostgreSQL claims with the spec's `UPDATE … WHERE id = (SELECT … LIMIT 1
 *   FOR UPDATE SKIP LOCKED)` through `$queryRaw` (camelCase columns quoted,
 *   which the spec's snippet forgets and PostgreSQL needs);
 * - SQLite claims optimistically: `findFirst`, then `updateMany` guarded by
 *   status, retried when another worker won, then `findUnique` to read the
 *   claimed row back;
 * - `enqueueParallel` is one `create` per job inside `$transaction([...])`;
 * - there is no batch claim or batch completion.
 */
import type { DatabaseType } from "../../src/dialects/dialect-support.js";
import { benchJob, HUNDRED_JOBS, type QueueOperations } from "./queue-operations.js";

type Job = ReturnType<typeof benchJob>;

export function specPrismaQueue(prisma: any, databaseType: DatabaseType, workerId: string): QueueOperations {
  let n = 0;
  const create = (job: Job) =>
    prisma.jobQueue.create({
      data: {
        workflowRunId: job.workflowRunId,
        stageId: job.stageId,
        priority: 5,
        payload: { ...job.payload, _workflowId: "bench" },
        status: "PENDING",
      },
    });

  const dequeuePostgres = async (): Promise<string | null> => {
    const rows: Array<{ id: string }> = await prisma.$queryRaw`
      UPDATE "job_queue"
         SET "status" = 'RUNNING', "workerId" = ${workerId}, "lockedAt" = NOW(), "startedAt" = NOW(),
             "attempt" = "attempt" + 1
       WHERE "id" = (
         SELECT "id" FROM "job_queue"
          WHERE "status" = 'PENDING' AND ("nextPollAt" IS NULL OR "nextPollAt" <= NOW())
          ORDER BY "priority" DESC, "createdAt" ASC
          LIMIT 1
          FOR UPDATE SKIP LOCKED)
      RETURNING "id", "workflowRunId", "stageId", "priority", "attempt", "maxAttempts", "payload"`;
    return rows[0]?.id ?? null;
  };

  const dequeueSqlite = async (): Promise<string | null> => {
    for (;;) {
      const now = new Date();
      const job = await prisma.jobQueue.findFirst({
        where: { status: "PENDING", OR: [{ nextPollAt: null }, { nextPollAt: { lte: now } }] },
        orderBy: [{ priority: "desc" }, { createdAt: "asc" }],
      });
      if (!job) return null;
      const claimed = await prisma.jobQueue.updateMany({
        where: { id: job.id, status: "PENDING" },
        data: { status: "RUNNING", workerId, lockedAt: now, startedAt: now, attempt: { increment: 1 } },
      });
      if (claimed.count === 0) continue; // another worker won the race: look again
      const row = await prisma.jobQueue.findUnique({ where: { id: job.id } });
      return row?.id ?? null;
    }
  };

  return {
    enqueue: async () => void (await create(benchJob(n++))),
    enqueueHundred: async () => void (await prisma.$transaction(HUNDRED_JOBS.map(create))),
    dequeue: databaseType === "postgresql" ? dequeuePostgres : dequeueSqlite,
    complete: async (jobId) =>
      void (await prisma.jobQueue.update({ where: { id: jobId }, data: { status: "COMPLETED", completedAt: new Date() } })),
    close: async () => {},
  };
}
