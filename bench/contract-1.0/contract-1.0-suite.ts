/**
 * The engine's 1.0 workloads on a database migrated to the 1.0 contract:
 * the step ledger's calls and a lifecycle with durable steps against the
 * bare-driver floor (each measurement in a fresh process, step-workloads.ts),
 * then the 1.0 claims against the plain claim in the same run
 * (claim-workloads.ts). Every figure is refused unless the work it claims is
 * in the database afterwards, read on another connection.
 */
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createPrismaJobQueue, createPrismaWorkflowPersistence } from "../../src/prisma/v1.js";
import { createKyselyJobQueue, createKyselyStepLedger, createKyselyWorkflowPersistence, type JobQueue } from "../../src/v1.js";
import { benchPrismaClient, closeBenchPrismaClients } from "../support/bench-prisma.js";
import type { BenchDatabase } from "../support/bench-database.js";
import type { BenchOptions } from "../support/options.js";
import { throughput, type Measurement, type Results } from "../support/results.js";
import { runNode } from "../support/run-node.js";
import { STEP_CONTENDERS, type StepContenderName } from "./step-runners.js";
import { LISTED_STEPS, STEPS_PER_STAGE, STEP_WORKLOADS, makeStepFixture, type StepFixture, type StepWorkload } from "./step-workloads.js";
import {
  CLAIM_WORKLOADS,
  checkJobs,
  checkOutbox,
  claimOutbox,
  drainFenced,
  outboxWorkload,
  seedJobs,
  seedOutbox,
  type ClaimWorkload,
} from "./claim-workloads.js";

export const CLAIM_CONTENDERS = ["library", "library via Prisma"] as const;
type ClaimContender = (typeof CLAIM_CONTENDERS)[number];

const STEP_UNIT: Record<StepWorkload, NonNullable<Measurement["unit"]>> = {
  claim: "calls/s",
  update: "calls/s",
  compareAndSet: "calls/s",
  list: "calls/s",
  lifecycle: "runs/s",
};

/** BENCH_CONTRACT10_WORKLOADS (a regular expression on a workload's name) narrows a run. */
function chosen(name: string): boolean {
  const pattern = process.env.BENCH_CONTRACT10_WORKLOADS;
  return pattern === undefined || new RegExp(pattern).test(name);
}

export async function contract10Suite(database: BenchDatabase, options: BenchOptions, results: Results): Promise<void> {
  const db = openDatabase(database.url);
  try {
    await migrateToLatest(db, { target: "1.0" });
    await stepSuite(db, database, options, results);
    await claimSuite(db, database, options, results);
  } finally {
    await db.destroy();
  }
}

async function stepSuite(db: Kysely<any>, database: BenchDatabase, options: BenchOptions, results: Results): Promise<void> {
  const persistence = createKyselyWorkflowPersistence(db);
  const ledger = createKyselyStepLedger(db);
  for (const workload of Object.keys(STEP_WORKLOADS) as StepWorkload[]) {
    if (!chosen(STEP_WORKLOADS[workload])) continue;
    const units = workload === "lifecycle" ? options.contract10.lifecycle : options.contract10.stepCalls;
    const warmups = stepWarmups(workload, units);
    const fixture = await makeStepFixture(persistence, ledger);
    const rates = new Map<StepContenderName, number[]>(STEP_CONTENDERS.map((c) => [c, []]));
    const latencies = new Map<StepContenderName, number[]>(STEP_CONTENDERS.map((c) => [c, []]));
    let first = 1;
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (let i = 0; i < STEP_CONTENDERS.length; i++) {
        const contender = STEP_CONTENDERS[(i + repeat) % STEP_CONTENDERS.length]!;
        const target = JSON.stringify({ databaseType: database.databaseType, url: database.url });
        const before = await stepsDone(db, workload, fixture);
        const since = new Date();
        const outcome = await runNode(
          ["--import", "tsx", join(import.meta.dirname, "step-process.ts"), contender, workload, target, JSON.stringify(fixture), String(units), String(first), String(warmups)],
        );
        if (outcome.code !== 0) throw new Error(`${workload} ${contender} failed: ${outcome.stderr}`);
        first += units + warmups;
        // Timed units and the warm-up; the floor's capture adds its own two.
        const expected = units + warmups + (contender === "floor" ? 2 : 0);
        const done = (await stepsDone(db, workload, fixture, since)) - before;
        if ((workload === "claim" || workload === "lifecycle") && done !== expected) throw new Error(`${workload} ${contender}: ${done} of ${expected} units are stored as they should be`);
        const result = JSON.parse(outcome.stdout) as { perSecond: number; latencies: number[] };
        rates.get(contender)!.push(result.perSecond);
        latencies.get(contender)!.push(...result.latencies);
      }
    }
    for (const contender of STEP_CONTENDERS) {
      results.add(
        throughput(
          { dialect: database.databaseType, suite: "contract-1.0", workload: STEP_WORKLOADS[workload], contender, unit: STEP_UNIT[workload] },
          rates.get(contender)!,
          latencies.get(contender)!,
        ),
      );
    }
  }
}

/**
 * Untimed units before the timed ones, in every contender's process alike: as
 * many as are timed for a single step call (the library's path takes about
 * 2,000 calls before the JIT has compiled it, the floor's a few hundred; a
 * worker makes millions), a tenth for the lifecycle (each run makes over a
 * hundred calls). Until 2026-12-07 one unit warmed up: the figures then
 * measured the JIT's warm-up as much as the calls (docs/benchmarks.md).
 */
function stepWarmups(workload: StepWorkload, units: number): number {
  return workload === "lifecycle" ? Math.max(1, Math.round(units / 10)) : units;
}

/**
 * Units of `workload` found in the database: steps claimed into the claim
 * stage; COMPLETED runs with all their durable steps completed. The other
 * workloads leave no count: the listed stage must still hold its steps and the
 * patched step must be running, written to after `since` (update, compareAndSet).
 */
async function stepsDone(db: Kysely<any>, workload: StepWorkload, fixture: StepFixture, since?: Date): Promise<number> {
  if (workload === "claim") {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from workflow_steps where "stageRecordId" = ${fixture.claimStageId}`.execute(db);
    return Number(rows[0]!.n);
  }
  if (workload === "lifecycle") {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from workflow_runs r
      where r.status = 'COMPLETED' and r."workflowId" = 'bench'
        and (select count(*) from workflow_steps s join workflow_stages g on g.id = s."stageRecordId"
             where g."workflowRunId" = r.id and s.status = 'completed') = ${10 * STEPS_PER_STAGE}`.execute(db);
    return Number(rows[0]!.n);
  }
  const steps = await createKyselyStepLedger(db).list(fixture.listStageId);
  const patched = steps.find((step) => step.stepId === fixture.stepId);
  if (steps.length !== LISTED_STEPS || patched?.status !== "running") throw new Error(`${workload}: the listed stage changed`);
  // Clocks: the floor writes the replaying process's now; a second of slack.
  if (since && workload !== "list" && patched.updatedAt.getTime() < since.getTime() - 1000) throw new Error(`${workload}: the step was not written`);
  return 0;
}

async function claimSuite(db: Kysely<any>, database: BenchDatabase, options: BenchOptions, results: Results): Promise<void> {
  const seeder = createKyselyJobQueue(db, { listen: false });
  const persistence = createKyselyWorkflowPersistence(db);
  const analyze = () => sql`analyze`.execute(db);
  for (const workload of Object.keys(CLAIM_WORKLOADS) as ClaimWorkload[]) {
    if (!chosen(CLAIM_WORKLOADS[workload])) continue;
    const rates = new Map<ClaimContender, number[]>(CLAIM_CONTENDERS.map((c) => [c, []]));
    const latencies = new Map<ClaimContender, number[]>(CLAIM_CONTENDERS.map((c) => [c, []]));
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (let i = 0; i < CLAIM_CONTENDERS.length; i++) {
        const contender = CLAIM_CONTENDERS[(i + repeat) % CLAIM_CONTENDERS.length]!;
        await sql`delete from job_queue`.execute(db);
        const served = await seedJobs(seeder, workload, options.contract10.jobs);
        await analyze();
        const { queue, close } = await openQueue(contender, database, workload);
        const samples: number[] = [];
        const start = performance.now();
        const completed = await drainFenced(queue, workload, samples);
        const seconds = (performance.now() - start) / 1000;
        await close();
        if (completed !== served) throw new Error(`${workload} ${contender}: completed ${completed} of ${served}`);
        await checkJobs(db, served, options.contract10.jobs);
        rates.get(contender)!.push(completed / seconds);
        latencies.get(contender)!.push(...samples);
      }
    }
    addAll(results, database, CLAIM_WORKLOADS[workload], "jobs/s", rates, latencies);
  }
  for (const claimants of options.contract10.outboxClaimants) {
    if (!chosen(outboxWorkload(claimants))) continue;
    const rates = new Map<ClaimContender, number[]>(CLAIM_CONTENDERS.map((c) => [c, []]));
    const latencies = new Map<ClaimContender, number[]>(CLAIM_CONTENDERS.map((c) => [c, []]));
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (let i = 0; i < CLAIM_CONTENDERS.length; i++) {
        const contender = CLAIM_CONTENDERS[(i + repeat) % CLAIM_CONTENDERS.length]!;
        await sql`delete from outbox_events`.execute(db);
        await seedOutbox(persistence, options.contract10.outboxEvents);
        await analyze();
        const { claimers, close } = await openClaimers(contender, database, claimants);
        const samples: number[] = [];
        const start = performance.now();
        const claimed = await claimOutbox(claimers, samples);
        const seconds = (performance.now() - start) / 1000;
        await close();
        await checkOutbox(db, claimed, options.contract10.outboxEvents);
        rates.get(contender)!.push(claimed.length / seconds);
        latencies.get(contender)!.push(...samples);
      }
    }
    addAll(results, database, outboxWorkload(claimants), "events/s", rates, latencies);
  }
}

function addAll(
  results: Results,
  database: BenchDatabase,
  workload: string,
  unit: NonNullable<Measurement["unit"]>,
  rates: Map<ClaimContender, number[]>,
  latencies: Map<ClaimContender, number[]>,
): void {
  for (const contender of CLAIM_CONTENDERS) {
    results.add(throughput({ dialect: database.databaseType, suite: "contract-1.0", workload, contender, unit }, rates.get(contender)!, latencies.get(contender)!));
  }
}

async function openQueue(contender: ClaimContender, database: BenchDatabase, workload: ClaimWorkload): Promise<{ queue: JobQueue; close(): Promise<void> }> {
  const fairness = workload === "fairness" ? { fairness: { maxConcurrentPerGroup: 4 } } : {};
  if (contender === "library") {
    const db = openDatabase(database.url, { postgres: { max: 2 } });
    return { queue: createKyselyJobQueue(db, { listen: false, ...fairness }), close: () => db.destroy() };
  }
  const prisma = await benchPrismaClient(database.databaseType, database.url);
  return { queue: createPrismaJobQueue(prisma, fairness), close: async () => {} };
}

async function openClaimers(contender: ClaimContender, database: BenchDatabase, claimants: number) {
  if (contender === "library") {
    const db = openDatabase(database.url, { postgres: { max: claimants } });
    const persistence = createKyselyWorkflowPersistence(db);
    return { claimers: Array.from({ length: claimants }, () => persistence), close: () => db.destroy() };
  }
  const prisma = await benchPrismaClient(database.databaseType, database.url);
  const persistence = createPrismaWorkflowPersistence(prisma);
  return { claimers: Array.from({ length: claimants }, () => persistence), close: closeBenchPrismaClients };
}
