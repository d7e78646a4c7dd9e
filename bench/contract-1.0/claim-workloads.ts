/**
 * The 1.0 claims that add work to a plain claim, measured in the suite's own
 * process against the plain one in the same run:
 * - dequeue + fenced complete, one worker: plain; with fairness (a cap of 4
 *   RUNNING jobs per group, jobs spread over 8 groups); with `serves` (the
 *   worker serves two of three definition versions, a quarter of the jobs
 *   are pinned to the third and stay PENDING);
 * - the outbox claim (`claimUnpublishedOutboxEvents`, 10 per claim) by 1, 4
 *   and 16 claimants until none is left. On PostgreSQL the claimants are
 *   connections of one pool (or of the Prisma client's); on SQLite they share
 *   the one connection and take turns, so the figure shows the claim's cost,
 *   not parallelism.
 * Each function seeds its rows (untimed), times the work, then checks that the
 * work is exactly done: every served job COMPLETED once, every unserved one
 * still PENDING; every event claimed by exactly one claimant.
 */
import { sql, type Kysely } from "kysely";
import { newId } from "../../src/database/ids.js";
import type { JobQueue, WorkflowPersistenceWithLegacy } from "../../src/v1.js";

export const CLAIM_WORKLOADS = {
  plain: "dequeue + fenced complete, plain",
  fairness: "dequeue + fenced complete, fairness cap 4 over 8 groups",
  serves: "dequeue + fenced complete, serves 2 of 3 versions",
} as const;
export type ClaimWorkload = keyof typeof CLAIM_WORKLOADS;

export const outboxWorkload = (claimants: number) => `outbox claim (10 per claim), ${claimants} claimant${claimants > 1 ? "s" : ""}`;
export const OUTBOX_BATCH = 10;

const SERVED = [
  { workflowId: "bench", version: "v1" },
  { workflowId: "bench", version: "v2" },
];

/** Seeds `jobs` PENDING jobs for `workload` through `seeder` (100 per call); returns how many the worker will take. */
export async function seedJobs(seeder: JobQueue, workload: ClaimWorkload, jobs: number): Promise<number> {
  let served = 0;
  for (let start = 0; start < jobs; start += 100) {
    const batch = Array.from({ length: Math.min(100, jobs - start) }, (_, i) => {
      const k = start + i;
      const version = workload === "serves" ? (k % 4 === 3 ? "v3" : k % 2 ? "v2" : "v1") : undefined;
      if (version !== "v3") served++;
      return {
        workflowRunId: newId(),
        workflowId: "bench",
        stageId: "stage",
        payload: { k },
        ...(workload === "fairness" ? { groupKey: `tenant-${k % 8}` } : {}),
        ...(version ? { definitionVersion: version } : {}),
      };
    });
    await seeder.enqueueParallel(batch);
  }
  return served;
}

/** One worker claims and completes (fenced) until nothing it may take is left; returns the count. */
export async function drainFenced(queue: JobQueue, workload: ClaimWorkload, latencies: number[]): Promise<number> {
  const options = workload === "serves" ? { serves: SERVED } : undefined;
  let completed = 0;
  for (;;) {
    const start = performance.now();
    const job = await queue.dequeue(options);
    if (!job) return completed;
    const outcome = await queue.complete(job.jobId, { startedAt: job.startedAt, attempt: job.attempt });
    if (outcome !== "acknowledged") throw new Error(`job ${job.jobId}: ${outcome}`);
    completed++;
    latencies.push(performance.now() - start);
  }
}

export async function checkJobs(db: Kysely<any>, served: number, total: number): Promise<void> {
  const { rows } = await sql<{ status: string; n: number | string }>`select status, count(*) as n from job_queue group by status`.execute(db);
  const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  if (count("COMPLETED") !== served || count("PENDING") !== total - served) {
    throw new Error(`jobs: ${JSON.stringify(rows)}, expected ${served} COMPLETED and ${total - served} PENDING`);
  }
}

/** Seeds `events` unpublished events over runs of 20 events each. */
export async function seedOutbox(persistence: WorkflowPersistenceWithLegacy, events: number): Promise<void> {
  for (let start = 0; start < events; start += 20) {
    const run = await persistence.createRun({ workflowId: "bench", workflowName: "Bench", workflowType: "bench-workflow", input: {} });
    await persistence.appendOutboxEvents(
      Array.from({ length: Math.min(20, events - start) }, (_, i) => ({
        workflowRunId: run.id,
        eventType: "stage:completed",
        payload: { i },
        causationId: run.id,
        occurredAt: new Date(),
      })),
    );
  }
}

/** `claimants` loops claiming OUTBOX_BATCH events until none is left; returns every claimed id. */
export async function claimOutbox(claimers: WorkflowPersistenceWithLegacy[], latencies: number[]): Promise<string[]> {
  const claimed: string[] = [];
  await Promise.all(
    claimers.map(async (claimer) => {
      for (;;) {
        const start = performance.now();
        const events = await claimer.claimUnpublishedOutboxEvents(OUTBOX_BATCH);
        if (!events.length) return;
        latencies.push(performance.now() - start);
        claimed.push(...events.map((event) => event.id));
      }
    }),
  );
  return claimed;
}

export async function checkOutbox(db: Kysely<any>, claimed: string[], events: number): Promise<void> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from outbox_events where "publishedAt" is not null`.execute(db);
  if (Number(rows[0]!.n) !== events || claimed.length !== events || new Set(claimed).size !== events) {
    throw new Error(`outbox: ${rows[0]!.n} of ${events} published, ${claimed.length} claims of ${new Set(claimed).size} distinct events`);
  }
}
