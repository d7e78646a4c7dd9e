import { sql } from "kysely";
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as v1 from "../../src/v1.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { json, kwp, kwpAsUser, kwpOnTerminal, KWP_BIN, ordinaryUserCanRunKwp } from "../support/kwp.js";
import { runNode } from "../support/spawn-child.js";
import { createTestDatabase, DATABASE_TYPES } from "../support/test-databases.js";

// The CLI and the demo act only on work that is theirs, on tables that are
// this library's, and say plainly what they did and what they left.

const OPEN = ["PENDING", "RUNNING", "SUSPENDED"];

describe.each(DATABASE_TYPES)("kwp touches only its own work on %s", (databaseType) => {
  it.each(["0.1", "1.0"] as const)("the %s demo leaves an application's runs, stages and jobs as they were", { timeout: 180_000 }, async (contract) => {
    const database = await createTestDatabase[databaseType]("cli-foreign-work");
    const db = database.open();
    try {
      await migrateToLatest(db, { target: contract });
      const v10 = contract === "1.0";
      const persistence: any = v10 ? v1.createKyselyWorkflowPersistence(db) : createKyselyWorkflowPersistence(db);
      const app: any = v10 ? v1.createKyselyJobQueue(db, { workerId: "app-worker", listen: false }) : createKyselyJobQueue(db, { workerId: "app-worker", listen: false });
      const workflow = v10 ? { workflowId: "app" } : {};
      // The application's work: a suspended stage whose poll time has come, a job of the same
      // priority as the demo's, and a suspended job ready to poll.
      const run = await persistence.createRun({ workflowId: "app", workflowName: "App", workflowType: "app", input: {} });
      await persistence.createStage({
        workflowRunId: run.id, stageId: "charge", stageName: "Charge", stageNumber: 1, executionGroup: 1, status: "SUSPENDED",
      });
      if (v10) await persistence.updateStage((await persistence.getStage(run.id, "charge")).id, { nextPollAt: new Date(Date.now() - 1_000) });
      await app.enqueueParallel([{ workflowRunId: run.id, stageId: "charge", priority: 9, ...workflow }, { workflowRunId: run.id, stageId: "ship", priority: 9, ...workflow }]);
      const held = (await app.dequeue())!;
      await app.suspend(held.jobId, new Date(Date.now() - 1_000));
      const before = await db.selectFrom("job_queue").selectAll().orderBy("id").execute();

      const summary = json(await kwp(database.url, "--json", "demo", "--contract", contract, "--runs", "2", "--workers", "2"));
      expect(summary).toMatchObject({ contract, runsCompleted: 2, jobsCompleted: 14 });
      expect(summary.runIds.every((id: string) => id.startsWith("demo-"))).toBe(true);
      expect(await db.selectFrom("job_queue").selectAll().where("workflowRunId", "=", run.id).orderBy("id").execute()).toEqual(before);
      expect(await persistence.getStage(run.id, "charge")).toMatchObject({ status: "SUSPENDED", resumeData: null });
      expect((await persistence.getRun(run.id))!.status).toBe("PENDING");
    } finally {
      await database.dispose();
    }
  });

  it("release-stale reports jobs released apart from jobs, stages and runs failed", async () => {
    const database = await createTestDatabase[databaseType]("cli-release-counts");
    const db = database.open();
    try {
      await migrateToLatest(db);
      const persistence = createKyselyWorkflowPersistence(db);
      const queue = createKyselyJobQueue(db, { workerId: "vanished", listen: false });
      const run = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {} });
      await persistence.claimPendingRun(run.id);
      await persistence.createStage({ workflowRunId: run.id, stageId: "last-try", stageName: "S", stageNumber: 1, executionGroup: 1, status: "RUNNING" });
      await queue.enqueue({ workflowRunId: run.id, stageId: "last-try", maxAttempts: 1, priority: 9 });
      await queue.enqueue({ workflowRunId: run.id, stageId: "again", maxAttempts: 3 });
      await queue.dequeue();
      await queue.dequeue();
      await new Promise((resolve) => setTimeout(resolve, 20));
      const plan = json(await kwp(database.url, "--json", "release-stale", "--older-than", "1ms", "--force", "--dry-run"));
      expect(plan).toMatchObject({ toRelease: 1, toFail: 1 });
      const done = json(await kwp(database.url, "--json", "release-stale", "--older-than", "1ms", "--force", "--yes"));
      expect(done).toEqual({ dryRun: false, released: 1, failed: 1, stagesFailed: 1, runsFailed: 1 });
      const human = await kwp(database.url, "release-stale", "--older-than", "1ms", "--force", "--yes");
      expect(human.stdout).toMatch(/nothing stale/);
      expect((await persistence.getRun(run.id))!.status).toBe("FAILED");
    } finally {
      await database.dispose();
    }
  });

  it("prune and release-stale refuse an unmigrated database and tables that are not the library's, as migrate does", async () => {
    const database = await createTestDatabase[databaseType]("cli-foreign-tables");
    const db = database.open();
    try {
      await sql`create table marker (id integer)`.execute(db); // the database exists, with no workflow tables
      for (const command of [["prune", "--completed-before", "1d", "--yes"], ["release-stale", "--yes"]]) {
        const result = await kwp(database.url, ...command);
        expect(result.code, command[0]).toBe(4);
        expect(result.stderr).toMatch(/not migrated.*kwp migrate/);
      }
      // Tables of the same names that belong to something else.
      await sql`create table workflow_runs (id text primary key, status text, "completedAt" text)`.execute(db);
      await sql`create table job_queue (id text primary key, status text, "completedAt" text)`.execute(db);
      await sql`insert into workflow_runs values ('theirs', 'COMPLETED', '2000-01-01')`.execute(db);
      const migrate = await kwp(database.url, "migrate");
      for (const command of [["prune", "--completed-before", "1d", "--yes"], ["release-stale", "--yes"]]) {
        const result = await kwp(database.url, ...command);
        expect(result.code, command[0]).toBe(migrate.code);
        expect(result.stderr).toMatch(/It is not this library's table/);
      }
      expect((await db.selectFrom("workflow_runs").select("id").execute()).map((row) => row.id)).toEqual(["theirs"]);
    } finally {
      await database.dispose();
    }
  });
});

describe("kwp demo and commands, one database at a time", () => {
  it("shows the global options and examples in every command's help", async () => {
    for (const command of ["migrate", "demo", "runs", "run", "jobs", "stats", "release-stale", "prune", "prisma-migration"]) {
      const help = await kwp(undefined, command, "--help");
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(/Global Options:[\s\S]*--url <url>[\s\S]*--json/);
      expect(help.stdout, command).toMatch(new RegExp(`Examples:\\n  \\$ kwp ${command}`));
    }
  });

  it("runs on its own file by default, never the one apps and examples use, and says which", { timeout: 180_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), "kwp-demo-default-"));
    try {
      const result = await runNode([KWP_BIN, "demo", "--runs", "1", "--workers", "1"], { cwd: folder, env: { DATABASE_URL: "", NO_COLOR: "1" } });
      expect(result.code).toBe(0);
      expect(readdirSync(folder).filter((name) => name.endsWith(".db"))).toEqual(["kwp-demo.db"]);
      expect(result.stderr).toMatch(/no --url or DATABASE_URL: using sqlite:\.\/kwp-demo\.db; for PostgreSQL give --url postgres:\/\//);
      expect(result.stdout).toContain("npx kwp --url 'sqlite:./kwp-demo.db'");
      // Its pace is the simulated work's, and the summary says so.
      expect(result.stdout).toMatch(/jobs\/s is the demo's own pace: 5 ms of simulated work per stage and a 300 ms review wait per run set it, not the queue \(its throughput: `npm run bench`\)/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("on a database of another contract, says which --contract runs there and changes nothing", async () => {
    const database = await createTestDatabase.sqlite("cli-demo-012");
    try {
      await kwp(database.url, "migrate", "--target", "0.12");
      const result = await kwp(database.url, "demo", "--runs", "1");
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/kwp demo --contract 1\.0 needs a database at the engine's 1\.0 contract.*holds the 0\.12 schema; nothing was changed\. Run `kwp demo --contract 0\.12` there/);
      expect(result.stderr).not.toMatch(/migrate it/);
      expect(json(await kwp(database.url, "--json", "demo", "--contract", "0.12", "--runs", "1"))).toMatchObject({ contract: "0.12", runsCompleted: 1 });
      // migrate --status shows the chain the database holds without --target.
      expect((await kwp(database.url, "migrate", "--status")).stdout).toMatch(/0002_contract_0_12\s.*applied/);
    } finally {
      await database.dispose();
    }
  });

  it("an error mid-demo cancels its unfinished runs as Ctrl-C does", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase.sqlite("cli-demo-error");
    const db = database.open();
    try {
      await migrateToLatest(db, { target: "1.0" });
      // A real failure from the database the first time a stage suspends for review.
      await sql`create trigger refuse_review before update of status on workflow_stages
        when new.status = 'SUSPENDED' begin select raise(abort, 'review service unreachable'); end`.execute(db);
      const result = await kwp(database.url, "demo", "--runs", "4", "--workers", "2");
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/the demo failed; cancelled its \d+ unfinished runs?\n/);
      expect(result.stderr).toMatch(/review service unreachable/);
      const runs = await db.selectFrom("workflow_runs").select("status").execute();
      const jobs = await db.selectFrom("job_queue").select("status").execute();
      expect(runs).toHaveLength(5); // and the one it would have left waiting for review
      expect(runs.filter((run) => OPEN.includes(String(run.status)))).toEqual([]);
      expect(jobs.filter((job) => OPEN.includes(String(job.status)))).toEqual([]);
    } finally {
      await database.dispose();
    }
  });

  it("a second Ctrl-C stops at once, restores the terminal and says what it left", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase.sqlite("cli-demo-twice");
    try {
      // The first Ctrl-C starts a clean stop, which has to write; holding the
      // file's write lock keeps it busy while the second Ctrl-C comes.
      const blocker = database.open();
      let unlock!: () => void;
      const release = new Promise<void>((resolve) => (unlock = resolve));
      let holding: Promise<void> | undefined;
      const result = await kwpOnTerminal(
        database.url,
        {
          after: "running 40 workflows",
          delayMs: 500,
          input: async (type) => {
            let taken!: () => void;
            const lockTaken = new Promise<void>((resolve) => (taken = resolve));
            holding = blocker.connection().execute(async (connection) => {
              await sql`begin immediate`.execute(connection);
              taken();
              await release;
              await sql`rollback`.execute(connection);
            });
            await lockTaken;
            type("\x03");
            await new Promise((resolve) => setTimeout(resolve, 500));
            type("\x03");
            await new Promise((resolve) => setTimeout(resolve, 500));
            unlock();
          },
        },
        "demo", "--runs", "40", "--workers", "2",
      );
      await holding;
      expect(result.code).toBe(130);
      expect(result.stdout).toMatch(/stopped at once: \d+ of this demo's 40 runs left unfinished \(ids start with demo-[0-9a-f]+-\)/);
      expect(result.stdout.lastIndexOf("\x1b[?25h")).toBeGreaterThan(result.stdout.lastIndexOf("\x1b[?25l"));
    } finally {
      await database.dispose();
    }
  });

  it("names the schema it migrated, and the missing start time of a run", async () => {
    const database = await createTestDatabase.postgresql("cli-schema-name");
    try {
      expect((await kwp(database.url, "--schema", "app", "migrate")).stdout).toMatch(/\(postgresql, schema app\):/);
      const db = openDatabase(database.url, { schema: "app" });
      const run = await createKyselyWorkflowPersistence(db).createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {} });
      await db.destroy();
      const shown = await kwp(database.url, "--schema", "app", "run", run.id);
      expect(shown.stdout).toMatch(/created [\d-]+ [\d:]+, not started, cost \$0\.000000, 0 tokens/);
    } finally {
      await database.dispose();
    }
  });

  it("exits 3 naming the host or file: TLS refused, a read-only file written to, a file that is not a database", async () => {
    const tls = await kwp(undefined, "--url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=require", "runs");
    expect(tls.code).toBe(3);
    expect(tls.stderr).toMatch(/cannot connect to postgres:\/\/postgres@127\.0\.0\.1:5432\/postgres.*SSL/);

    const folder = mkdtempSync(join(tmpdir(), "kwp-exit-3-"));
    const path = join(folder, "app.db");
    try {
      await kwp(`sqlite:${path}`, "migrate");
      chmodSync(folder, 0o755); // an ordinary user may enter, not create files
      chmodSync(path, 0o444);
      if (ordinaryUserCanRunKwp) {
        const write = await kwpAsUser(`sqlite:${path}`, "release-stale", "--yes");
        expect(write.code).toBe(3);
        expect(write.stderr).toMatch(new RegExp(`cannot (write to|open) sqlite:${path}`));
      }
      const notADatabase = join(folder, "notes.txt");
      writeFileSync(notADatabase, "not a database, a note\n".repeat(100));
      const opened = await kwp(`sqlite:${notADatabase}`, "runs");
      expect(opened.code).toBe(3);
      expect(opened.stderr).toMatch(new RegExp(`cannot open sqlite:${notADatabase}.*not a database`));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it.runIf(ordinaryUserCanRunKwp)("--readonly reads a read-only file in a read-only folder as an ordinary user, and writes refuse", async () => {
    const folder = mkdtempSync(join(tmpdir(), "kwp-readonly-"));
    const path = join(folder, "shared.db");
    try {
      await kwp(`sqlite:${path}`, "--json", "demo", "--runs", "1", "--workers", "1");
      chmodSync(path, 0o444); // left in WAL mode, as every database openDatabase made
      chmodSync(folder, 0o555);
      const run = (...args: string[]) => kwpAsUser(`sqlite:${path}`, ...args);
      const runs = await run("--readonly", "--json", "runs");
      expect(runs.stderr).toBe("");
      expect(runs.code).toBe(0);
      expect(JSON.parse(runs.stdout)).toHaveLength(2); // the demo's run, and the one it leaves waiting for review
      expect((await run("--readonly", "jobs")).code).toBe(0);
      const write = await run("--readonly", "prune", "--completed-before", "1d", "--yes");
      expect(write.code).toBe(2);
      expect(write.stderr).toMatch(/--readonly forbids writing/);
      expect(readdirSync(folder)).toEqual(["shared.db"]);
    } finally {
      chmodSync(folder, 0o755);
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
