import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { runChild } from "../support/spawn-child.js";
import { createPostgresDatabase, createSqliteDatabase, postgresServerUrl } from "../support/test-databases.js";

// KWP_SOAK=1 runs the full counts (npm run test:soak); the default run is shorter.
const SOAK = process.env.KWP_SOAK === "1";
const children = join(dirname(fileURLToPath(import.meta.url)), "../support/children");

describe("faults", () => {
  it("a connection killed inside a transaction leaves nothing half-written, and the next call works", async () => {
    const database = await createPostgresDatabase("terminate");
    try {
      const setup = database.open();
      await migrateToLatest(setup);
      // One connection in the pool: the transaction runs on the backend whose pid we read.
      const db = openDatabase(database.url, { postgres: { max: 1 } });
      const persistence = createKyselyWorkflowPersistence(db);
      const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: 1 });
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
      const admin = new pg.Client({ connectionString: postgresServerUrl() });
      await admin.connect();
      const error = await persistence
        .transaction(async (tx) => {
          await tx.updateRun(run.id, { status: "RUNNING" });
          await tx.createLog({ workflowRunId: run.id, level: "INFO", message: "half" });
          await admin.query("select pg_terminate_backend($1)", [rows[0]!.pid]);
          await tx.saveArtifact({ workflowRunId: run.id, key: "k", type: "ARTIFACT", data: 1 });
        })
        .catch((e) => e);
      await admin.end();
      expect(error).toBeInstanceOf(Error);
      expect(String(error.message)).toMatch(/terminat|connection|ECONNRESET/i);
      // Nothing of the transaction is there, and the same pool serves the next call.
      expect(await persistence.getRunStatus(run.id)).toBe("PENDING");
      expect(await setup.selectFrom("workflow_logs").selectAll().execute()).toEqual([]);
      expect(await persistence.hasArtifact(run.id, "k")).toBe(false);
      await persistence.updateRun(run.id, { status: "COMPLETED" });
      expect(await persistence.getRunStatus(run.id)).toBe("COMPLETED");
      await db.destroy();
    } finally {
      await database.dispose();
    }
  });

  it(
    `workers killed with SIGKILL during a drain lose and duplicate nothing (${SOAK ? "5 rounds of 10,000" : "2 rounds of 1,500"} jobs, 8 workers)`,
    { timeout: SOAK ? 900_000 : 180_000 },
    async () => {
      for (let round = 0; round < (SOAK ? 5 : 2); round++) {
        const jobs = SOAK ? 10_000 : 1_500;
        const database = await createPostgresDatabase(`sigkill-${round}`);
        try {
          const db = database.open();
          await migrateToLatest(db);
          const queue = createKyselyJobQueue(db, { workerId: "janitor", listen: false });
          for (let start = 0; start < jobs; start += 1_000) {
            await queue.enqueueParallel(Array.from({ length: Math.min(1_000, jobs - start) }, (_, i) => ({ workflowRunId: "r", stageId: `s${start + i}` })));
          }
          const completions = new Map<string, number>();
          const spawnWorker = () => {
            const child = spawn(process.execPath, ["--import", "tsx", join(children, "kill-target-worker.ts"), database.url], { stdio: ["ignore", "pipe", "pipe"] });
            let buffer = "";
            child.stdout!.on("data", (chunk) => {
              buffer += chunk;
              const lines = buffer.split("\n");
              buffer = lines.pop()!;
              for (const id of lines) completions.set(id, (completions.get(id) ?? 0) + 1);
            });
            return child;
          };
          const exited = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null || child.signalCode ? resolve(null) : child.once("exit", resolve)));
          const workers = Array.from({ length: 8 }, spawnWorker);
          // Kill three workers at random moments, replacing each.
          for (let k = 0; k < 3; k++) {
            await new Promise((resolve) => setTimeout(resolve, 400 + Math.random() * 800));
            const victim = workers[Math.floor(Math.random() * workers.length)]!;
            victim.kill("SIGKILL");
            await exited(victim);
            workers.push(spawnWorker());
          }
          await Promise.all(workers.map(exited));
          // Jobs the killed workers held come back; finish them here.
          await queue.releaseStaleJobs(0);
          for (let job = await queue.dequeue(); job; job = await queue.dequeue()) {
            await queue.complete(job.jobId);
            completions.set(job.jobId, (completions.get(job.jobId) ?? 0) + 1);
          }
          const stats = await queue.getQueueStats();
          expect(stats.PENDING + stats.RUNNING).toBe(0);
          expect(stats.COMPLETED + stats.FAILED).toBe(jobs);
          expect([...completions.values()].filter((n) => n > 1)).toEqual([]);
        } finally {
          await database.dispose();
        }
      }
    },
  );

  it(
    `4 processes hammering one SQLite file for ${SOAK ? 30 : 5} s get no SQLITE_BUSY and leave it intact`,
    { timeout: SOAK ? 180_000 : 60_000 },
    async () => {
      const database = await createSqliteDatabase("hammer");
      try {
        const db = database.open();
        await migrateToLatest(db);
        const run = await createKyselyWorkflowPersistence(db).createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: 1 });
        const results = await Promise.all(
          Array.from({ length: 4 }, () => runChild("sqlite-hammer", [database.url, String(SOAK ? 30 : 5), run.id])),
        );
        for (const result of results) {
          expect(result.stderr).toBe("");
          const outcome = JSON.parse(result.stdout);
          expect(outcome.errors).toEqual([]);
          expect(outcome.operations).toBeGreaterThan(100);
        }
        await db.destroy();
        const check = new BetterSqlite3(database.url.slice("sqlite:".length), { readonly: true });
        expect(check.pragma("integrity_check")).toEqual([{ integrity_check: "ok" }]);
        check.close();
      } finally {
        await database.dispose();
      }
    },
  );
});
