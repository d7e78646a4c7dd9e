import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue, createKyselyStepLedger, createKyselyWorkflowPersistence } from "../../src/v1.js";
import { runNode } from "../support/spawn-child.js";
import { raceRounds, STAGE_RECORD_ID, type Fence } from "../support/children/contract-1.0-rounds.mjs";
import { KYSELY_BACKENDS, sleep, useBackend10 } from "../conformance-1.0/fixture.js";

const RACER = join(dirname(fileURLToPath(import.meta.url)), "../support/children/contract-1.0-racer.mjs");
const CONNECTIONS = 16;
const PROCESSES = 4;
const ROUNDS = 20;

type Fences = Array<{ jobId: string; first: Fence; second: Fence }>;

// The 1.0 contract's promises under real concurrency: 16 connections of one
// process on PostgreSQL, 4 processes on one SQLite file (the built package).
describe.each(KYSELY_BACKENDS)("1.0 races on $name", (backend) => {
  const fixture = useBackend10(backend);
  const racers = backend.databaseType === "postgresql" ? CONNECTIONS : PROCESSES;

  async function race(task: string, fences: Fences = []): Promise<string[][]> {
    if (backend.databaseType === "postgresql") {
      const handles = Array.from({ length: CONNECTIONS }, () => openDatabase(fixture.database.url, { postgres: { max: 1 } }));
      try {
        const objects = handles.map((db, i) => ({
          ledger: createKyselyStepLedger(db),
          persistence: createKyselyWorkflowPersistence(db),
          queue: createKyselyJobQueue(db, { workerId: `racer-${i}`, listen: false }),
          fairQueue: createKyselyJobQueue(db, { workerId: `fair-${i}`, listen: false, fairness: { maxConcurrentPerGroup: 2, groupBy: "group" } }),
        }));
        await Promise.all(objects.map((o) => o.persistence.getRunStatus("warm-up")));
        return await Promise.all(objects.map((o, i) => raceRounds(o, task, ROUNDS, i, fences)));
      } finally {
        await Promise.all(handles.map((db) => db.destroy()));
      }
    }
    const barrier = mkdtempSync(join(tmpdir(), "kwp-race-1-0-"));
    try {
      const children = Array.from({ length: PROCESSES }, (_, i) =>
        runNode([RACER, fixture.database.url, barrier, task, String(ROUNDS), String(i), JSON.stringify(fences)]),
      );
      while (readdirSync(barrier).filter((name) => name.startsWith("ready-")).length < PROCESSES) await sleep(10);
      writeFileSync(join(barrier, "go"), "");
      const results = await Promise.all(children);
      for (const result of results) expect(result.stderr).toBe("");
      return results.map((result) => JSON.parse(result.stdout) as string[]);
    } finally {
      rmSync(barrier, { recursive: true, force: true });
    }
  }
  const perRound = (results: string[][], value: string) =>
    Array.from({ length: ROUNDS }, (_, round) => results.filter((racer) => racer[round] === value).length);

  async function raceStage() {
    const run = await fixture.persistence.createRun({ id: "race-run", workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    await fixture.db.insertInto("workflow_stages").values({
      id: STAGE_RECORD_ID, workflowRunId: run.id, stageId: "s", stageName: "S", stageNumber: 1, executionGroup: 1,
      updatedAt: new Date().toISOString(), createdAt: new Date().toISOString(),
    } as never).execute().catch(() => fixture.persistence.createStage({ workflowRunId: run.id, stageId: "s", stageName: "S", stageNumber: 1, executionGroup: 1 }));
    return (await fixture.persistence.getStage(run.id, "s"))!.id;
  }

  it("hands out one created: true per step claim", async () => {
    const stageId = await raceStage();
    expect(stageId).toBe(STAGE_RECORD_ID);
    const results = await race("claim");
    expect(perRound(results, "created")).toEqual(Array(ROUNDS).fill(1));
    expect(perRound(results, "existing")).toEqual(Array(ROUNDS).fill(racers - 1));
    const { rows } = await sql<{ n: unknown }>`select count(*) as n from workflow_steps`.execute(fixture.db);
    expect(Number(rows[0]!.n)).toBe(ROUNDS);
  });

  it("applies one compareAndSet per expectation", async () => {
    await raceStage();
    const ledger = fixture.stepLedger();
    for (let round = 0; round < ROUNDS; round++) {
      await ledger.claim({ stageRecordId: STAGE_RECORD_ID, stepId: `step-${round}`, seq: round, kind: "run", status: "running", attempt: 1, leaseExpiresAt: null, deadlineAt: null });
    }
    const results = await race("cas");
    expect(perRound(results, "applied")).toEqual(Array(ROUNDS).fill(1));
    for (const step of await ledger.list(STAGE_RECORD_ID)) {
      const winner = results.findIndex((racer) => racer[step.seq] === "applied");
      expect(step).toMatchObject({ attempt: 2, result: { racer: backend.databaseType === "postgresql" ? winner : expect.any(Number) } });
    }
  });

  it("claims each outbox event once", async () => {
    const events = Array.from({ length: 150 }, (_, i) => ({ workflowRunId: `r${i % 7}`, eventType: "e", payload: { i }, causationId: "c", occurredAt: new Date() }));
    await fixture.persistence.appendOutboxEvents(events);
    const claimed = (await race("outbox")).flat().flatMap((ids) => (ids ? ids.split(",") : []));
    expect(claimed).toHaveLength(150);
    expect(new Set(claimed).size).toBe(150);
  });

  it("keeps one job row per (run, stage) under concurrent re-enqueue", async () => {
    const results = await race("enqueue");
    const { rows } = await sql<{ stageId: string; n: unknown }>`select "stageId", count(*) as n from job_queue group by "stageId"`.execute(fixture.db);
    expect(rows).toHaveLength(ROUNDS + 1);
    expect(rows.every((row) => Number(row.n) === 1)).toBe(true);
    // Every racer was told the one row's id for a pair.
    const shared = new Set(results.flat().map((ids) => ids.split(",")[1]));
    expect(shared.size).toBe(1);
  });

  it("never lets a fenced acknowledgement from a superseded attempt clobber the newer one", async () => {
    const queue = fixture.jobQueue({ workerId: "stalled" });
    const fresh = fixture.jobQueue({ workerId: "fresh" });
    const fences: Fences = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [jobId] = await queue.enqueueParallel([{ workflowRunId: "race-run", workflowId: "wf", stageId: `f${round}`, maxAttempts: 5 }]);
      const first = (await queue.dequeue())!;
      await queue.defer(jobId!, new Date(0), "handed over", { startedAt: first.startedAt, attempt: first.attempt });
      // defer gives the attempt back: bump it as a re-claim after a lost lease would.
      await sql`update job_queue set attempt = attempt + 1 where id = ${jobId}`.execute(fixture.db);
      const second = (await fresh.dequeue())!;
      expect(second.attempt).toBe(2);
      fences.push({
        jobId: jobId!,
        first: { startedAt: first.startedAt.toISOString(), attempt: first.attempt },
        second: { startedAt: second.startedAt.toISOString(), attempt: second.attempt },
      });
    }
    const results = await race("fence", fences);
    for (let round = 0; round < ROUNDS; round++) {
      const outcomes = results.map((racer, i) => [i % 2 === 0 ? "first" : "second", racer[round]]);
      // The superseded attempt is never acknowledged; every racer holding the
      // current fence is the same attempt, and a repeat of a landed
      // acknowledgement is answered "acknowledged" (docs/guarantees.md).
      expect(outcomes.filter(([holder]) => holder === "first").every(([, outcome]) => outcome === "superseded")).toBe(true);
      expect(outcomes.filter(([holder]) => holder === "second").every(([, outcome]) => outcome === "acknowledged")).toBe(true);
    }
    const statuses = await fixture.db.selectFrom("job_queue").select(["status", "attempt"]).execute();
    expect(statuses.every((row) => row.status === "COMPLETED" && Number(row.attempt) === 2)).toBe(true);
  });

  it("never holds more RUNNING jobs per group than the fairness cap", async () => {
    const queue = fixture.jobQueue();
    const jobs = ["g1", "g2", "g3"].flatMap((group) =>
      Array.from({ length: 10 }, (_, i) => ({ workflowRunId: `run-${group}`, workflowId: "wf", stageId: `s${i}`, payload: { group } })),
    );
    await queue.enqueueParallel(jobs);
    const results = (await race("fair")).flat();
    for (const group of ["g1", "g2", "g3"]) expect(results.filter((g) => g === group)).toHaveLength(2);
    const { rows } = await sql<{ g: string; n: unknown }>`select "workflowRunId" as g, count(*) as n from job_queue where cast(status as text) = 'RUNNING' group by "workflowRunId"`.execute(fixture.db);
    expect(rows.map((row) => Number(row.n))).toEqual([2, 2, 2]);
  });
});
