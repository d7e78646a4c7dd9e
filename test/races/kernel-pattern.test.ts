import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue, createKyselyWorkflowPersistence } from "../../src/v0.12.js";
import { runNode } from "../support/spawn-child.js";
import { kernelWorkerLoop, rollsBack, STAGES } from "../support/children/kernel-pattern.mjs";
import { KYSELY_BACKENDS, runInput, sleep, useBackend012 } from "../conformance-0.12/fixture.js";

const WORKER = join(dirname(fileURLToPath(import.meta.url)), "../support/children/kernel-pattern-worker.mjs");
const CONNECTIONS = 16;
const PROCESSES = 4;
const RUNS = 40;

interface WorkerReport {
  claimed: number;
  transitions: number;
  rolledBack: number;
}

describe.each(KYSELY_BACKENDS)("the kernel's transaction pattern under concurrency on $name", (backend) => {
  const fixture = useBackend012(backend);

  /**
   * PostgreSQL: 16 handles of one connection each in this process (a queue
   * call beside its handle's open transaction would wait for that connection
   * forever). SQLite: 4 processes on the file (the built package).
   */
  async function race(): Promise<WorkerReport[]> {
    if (backend.databaseType === "postgresql") {
      const handles = Array.from({ length: CONNECTIONS }, () => openDatabase(fixture.database.url, { postgres: { max: 1 } }));
      try {
        return await Promise.all(
          handles.map((db, i) =>
            kernelWorkerLoop(createKyselyWorkflowPersistence(db), createKyselyJobQueue(db, { workerId: `kernel-${i}` }), RUNS),
          ),
        );
      } finally {
        await Promise.all(handles.map((db) => db.destroy()));
      }
    }
    const barrier = mkdtempSync(join(tmpdir(), "kwp-kernel-"));
    try {
      const children = Array.from({ length: PROCESSES }, () => runNode([WORKER, fixture.database.url, barrier, String(RUNS)]));
      while (readdirSync(barrier).filter((name) => name.startsWith("ready-")).length < PROCESSES) await sleep(10);
      writeFileSync(join(barrier, "go"), "");
      const results = await Promise.all(children);
      for (const result of results) expect(result.stderr).toBe("");
      return results.map((result) => JSON.parse(result.stdout) as WorkerReport);
    } finally {
      rmSync(barrier, { recursive: true, force: true });
    }
  }

  it("claims, transitions and rolls back with competing workers: every run completes, one job per stage, none lost or doubled", async () => {
    for (let i = 0; i < RUNS; i++) await fixture.persistence.createRun(runInput({ id: `run-${String(i).padStart(2, "0")}` }));
    const reports = await race();

    const total = (key: keyof WorkerReport) => reports.reduce((sum, report) => sum + report[key], 0);
    expect(total("claimed")).toBe(RUNS); // each run claimed by exactly one worker
    const expectedRollbacks = Array.from({ length: RUNS }, (_, i) => STAGES.filter((stage) => rollsBack(`run-${String(i).padStart(2, "0")}`, stage)).length)
      .reduce((a, b) => a + b, 0);
    expect(expectedRollbacks).toBeGreaterThan(0);
    expect(total("rolledBack")).toBe(expectedRollbacks);
    expect(total("transitions")).toBe(RUNS * STAGES.length);

    expect((await fixture.persistence.getRunsByStatus("COMPLETED")).length).toBe(RUNS);
    const jobs = await fixture.db.selectFrom("job_queue").select(["workflowRunId", "stageId", "status", "attempt"]).execute();
    // A rolled-back transition's enqueue left nothing; each (run, stage) has one job, completed.
    expect(jobs).toHaveLength(RUNS * STAGES.length);
    expect(new Set(jobs.map((job) => `${job.workflowRunId}/${job.stageId}`)).size).toBe(RUNS * STAGES.length);
    expect(jobs.every((job) => job.status === "COMPLETED")).toBe(true);
    // A job whose transition rolled back ran a second time; no other job did.
    for (const job of jobs) expect(Number(job.attempt)).toBe(rollsBack(job.workflowRunId, job.stageId) ? 2 : 1);
  });
});
