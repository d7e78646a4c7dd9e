import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyWorkflowPersistence, StaleVersionError, type WorkflowPersistence } from "../../src/v0.12.js";
import { runNode } from "../support/spawn-child.js";
import { KYSELY_BACKENDS, runInput, sleep, useBackend012 } from "../conformance-0.12/fixture.js";

const RACER = join(dirname(fileURLToPath(import.meta.url)), "../support/children/contract-0.12-racer.mjs");
const CONNECTIONS = 16;
const PROCESSES = 4;
const ROUNDS = 25;
const OUTBOX_RUNS = ["o0", "o1", "o2", "o3"];

type Task = "outbox" | "idempotency" | "version";

describe.each(KYSELY_BACKENDS)("0.12 races on $name", (backend) => {
  const fixture = useBackend012(backend);

  /**
   * Every racer's results, per racer. PostgreSQL: 16 connections of this
   * process (one handle each). SQLite: 4 processes on the file (the built
   * package), started together through a barrier.
   */
  async function race(task: Task): Promise<string[][]> {
    if (backend.databaseType === "postgresql") {
      const handles = Array.from({ length: CONNECTIONS }, () => openDatabase(fixture.database.url, { postgres: { max: 1 } }));
      try {
        const racers = handles.map((db) => createKyselyWorkflowPersistence(db));
        await Promise.all(racers.map((p) => p.getRunStatus("warm-up")));
        return await Promise.all(racers.map((p, i) => runRounds(p, task, i)));
      } finally {
        await Promise.all(handles.map((db) => db.destroy()));
      }
    }
    const barrier = mkdtempSync(join(tmpdir(), "kwp-race-"));
    try {
      const children = Array.from({ length: PROCESSES }, () => runNode([RACER, fixture.database.url, barrier, task, String(ROUNDS)]));
      while (readdirSync(barrier).filter((name) => name.startsWith("ready-")).length < PROCESSES) await sleep(10);
      writeFileSync(join(barrier, "go"), "");
      const results = await Promise.all(children);
      for (const result of results) expect(result.stderr).toBe("");
      return results.map((result) => JSON.parse(result.stdout) as string[]);
    } finally {
      rmSync(barrier, { recursive: true, force: true });
    }
  }

  /** The same work as the child process, in this process. */
  async function runRounds(persistence: WorkflowPersistence, task: Task, racer: number): Promise<string[]> {
    const now = new Date("2026-06-01T00:00:00Z");
    const results: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (task === "outbox") {
        const event = (run: string) => ({ workflowRunId: run, eventType: `r${racer}`, payload: { round }, causationId: "c", occurredAt: now });
        await persistence.withTransaction((tx) => tx.appendOutboxEvents(OUTBOX_RUNS.flatMap((run) => [event(run), event(run)])));
        results.push("ok");
      } else if (task === "idempotency") {
        results.push((await persistence.acquireIdempotencyKey(`key-${round}`, "cmd", { now, staleInProgressAfterMs: 60_000 })).status);
      } else {
        try {
          await persistence.updateRun(`run-${round}`, { totalTokens: racer, expectedVersion: 1 });
          results.push("won");
        } catch (error) {
          if (!(error instanceof StaleVersionError)) throw error;
          results.push("stale");
        }
      }
    }
    return results;
  }

  const racers = backend.databaseType === "postgresql" ? CONNECTIONS : PROCESSES;
  /** How many racers got `status` in each round. */
  const perRound = (results: string[][], status: string) =>
    Array.from({ length: ROUNDS }, (_, round) => results.filter((racer) => racer[round] === status).length);

  it("appends outbox events for the same runs with gap-free, unique sequences", async () => {
    await race("outbox");
    const events = await fixture.persistence.getUnpublishedOutboxEvents(100_000);
    for (const run of OUTBOX_RUNS) {
      const sequences = events.filter((e) => e.workflowRunId === run).map((e) => e.sequence);
      expect(sequences).toEqual(Array.from({ length: racers * ROUNDS * 2 }, (_, i) => i + 1));
      // Each transaction's two events are adjacent: appends do not interleave within a run.
      const ofRun = events.filter((e) => e.workflowRunId === run);
      for (let i = 0; i < ofRun.length; i += 2) expect(ofRun[i]!.eventType).toBe(ofRun[i + 1]!.eventType);
    }
  });

  it("gives each idempotency key to exactly one racer, fresh and when taking a stale one over", async () => {
    const fresh = await race("idempotency");
    expect(perRound(fresh, "acquired")).toEqual(Array(ROUNDS).fill(1));
    expect(perRound(fresh, "in_progress")).toEqual(Array(ROUNDS).fill(racers - 1));
    // Make every key an hour older than the racers' clock: stale, in progress.
    for (let round = 0; round < ROUNDS; round++) {
      await fixture.persistence.releaseIdempotencyKey(`key-${round}`, "cmd");
      await fixture.persistence.acquireIdempotencyKey(`key-${round}`, "cmd", { now: new Date("2026-05-31T23:00:00Z") });
    }
    const stale = await race("idempotency");
    expect(perRound(stale, "acquired")).toEqual(Array(ROUNDS).fill(1));
    expect(perRound(stale, "in_progress")).toEqual(Array(ROUNDS).fill(racers - 1));
  });

  it("lets exactly one updateRun with the same expectedVersion win", async () => {
    for (let round = 0; round < ROUNDS; round++) await fixture.persistence.createRun(runInput({ id: `run-${round}` }));
    const results = await race("version");
    expect(perRound(results, "won")).toEqual(Array(ROUNDS).fill(1));
    expect(perRound(results, "stale")).toEqual(Array(ROUNDS).fill(racers - 1));
    for (let round = 0; round < ROUNDS; round++) expect((await fixture.persistence.getRun(`run-${round}`))!.version).toBe(2);
  });
});
