import type { Kysely } from "kysely";
import { randomBytes } from "node:crypto";
import { PreparedQuery } from "../../database/prepared-query.js";
import { createQueryContext } from "../../database/query-context.js";
import { claimQuery, claimValues, toClaimedJobs } from "../../queue/claim-jobs.js";
import type { QueueContext } from "../../queue/queue-context.js";
import type { DequeueResult } from "../../types.js";
import type { ContractVersion } from "../../database/migrations/contract-versions.js";
import { contractSupportFor } from "../../contracts/contract-for-version.js";
import { CONTRACT_0_1 } from "../../contracts/contract-0.1.js";

/**
 * The demo's runs are named `demo-<random>-<n>`: one prefix per demo, so its
 * workers can tell its jobs from any other work in the database.
 */
export function demoRunPrefix(): string {
  return `demo-${randomBytes(4).toString("hex")}-`;
}

/**
 * Claims the next runnable job of this demo's runs only: the queue's own
 * claim statement (same order, same locking) with one more condition on the
 * pick, so a demo pointed at a database other work shares never takes a job
 * that is not its own (an engine worker would claim any job; the demo cannot
 * run another application's stages).
 */
export function demoJobClaimer(db: Kysely<any>, prefix: string, workerId: string, contract: ContractVersion): () => Promise<DequeueResult | null> {
  const ctx: QueueContext = Object.assign(createQueryContext(db, {}, contractSupportFor(contract)), { workerId });
  const claim = new PreparedQuery<Record<string, unknown>>((view, dialect) =>
    claimQuery(view, dialect, 1, dialect.startsWith("workflowRunId", prefix)),
  );
  return async () => {
    const { rows } = await claim.execute(ctx, claimValues(ctx));
    return toClaimedJobs(ctx, rows)[0] ?? null;
  };
}

/**
 * This demo's SUSPENDED jobs whose poll time has come (the 0.1 queue's
 * getSuspendedJobsReadyToPoll, limited to its runs; 0.12 has no such call).
 */
export async function readySuspendedDemoJobs(db: Kysely<any>, prefix: string): Promise<Array<{ jobId: string; workflowRunId: string; stageId: string }>> {
  const ctx = createQueryContext(db, {}, CONTRACT_0_1); // its view names the --schema's tables
  const { dialect } = ctx;
  const rows = await ctx.db
    .selectFrom("job_queue")
    .select(["id", "workflowRunId", "stageId"])
    .where("status", "=", dialect.enumValue("Status", "SUSPENDED"))
    .where("nextPollAt", "<=", dialect.now())
    .where(dialect.startsWith("workflowRunId", prefix))
    .execute();
  return rows.map((row) => ({ jobId: String(row.id), workflowRunId: String(row.workflowRunId), stageId: String(row.stageId) }));
}
