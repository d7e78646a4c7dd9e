import { sql } from "kysely";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { json, kwp, kwpOnTerminal } from "../support/kwp.js";
import { createTestDatabase, DATABASE_TYPES } from "../support/test-databases.js";
import { testRole } from "../support/test-roles.js";

describe.each(DATABASE_TYPES)("kwp on %s", (databaseType) => {
  it("migrates, runs the demo to completion, and shows what is stored", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase[databaseType]("cli");
    try {
      const url = database.url;
      const migrated = json(await kwp(url, "--json", "migrate"));
      expect(migrated).toMatchObject({ applied: ["0001_init"], databaseType });
      const status = await kwp(url, "migrate", "--status");
      expect(status.stdout).toMatch(/0001_init\s.*applied/);

      const human = await kwp(url, "demo", "--contract", "0.1", "--runs", "2", "--workers", "2");
      expect(human.stderr).toBe("");
      expect(human.code).toBe(0);
      expect(human.stdout).toContain("runs completed");
      expect(human.stdout).toContain("AI cost per model");

      const summary = json(await kwp(url, "--json", "demo", "--contract", "0.1", "--runs", "3", "--workers", "3"));
      expect(summary).toMatchObject({ runsCompleted: 3, jobsCompleted: 21, retries: 3, suspendedAndResumed: 3, aiCalls: 18 });
      expect(Object.keys(summary.aiCost.perModel).sort()).toEqual(["fast-model", "smart-model"]);
      expect(summary.aiCost.total).toBeGreaterThan(0);

      const runs = json<Array<{ id: string; status: string }>>(await kwp(url, "--json", "runs", "--limit", "10"));
      expect(runs).toHaveLength(5);
      expect(runs.every((run) => run.status === "COMPLETED")).toBe(true);
      expect(json(await kwp(url, "--json", "runs", "--status", "pending"))).toEqual([]);

      const detail = json(await kwp(url, "--json", "run", summary.runIds[0]));
      expect(detail.run.status).toBe("COMPLETED");
      expect(detail.stages.map((s: { stageId: string }) => s.stageId)).toEqual([
        "fetch", "extract-text", "extract-tables", "classify", "review", "summarize", "publish",
      ]);
      expect(detail.artifacts.map((a: { key: string }) => a.key)).toContain("report.json");
      expect(detail.logs.length).toBeGreaterThan(0);
      const table = await kwp(url, "run", summary.runIds[0]);
      expect(table.stdout).toContain("stages:");

      const jobs = json(await kwp(url, "--json", "jobs"));
      expect(jobs.counts).toMatchObject({ COMPLETED: 35, PENDING: 0, RUNNING: 0 });
      expect(jobs.staleRunning).toBe(0);

      const stats = json(await kwp(url, "--json", "stats", "workflow."));
      expect(stats.totalCalls).toBe(30);
      expect((await kwp(url, "stats", "workflow.")).stdout).toMatch(/total\s*│\s*30/);
    } finally {
      await database.dispose();
    }
  });

  it("releases stale jobs and prunes finished work, with a dry run first", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase[databaseType]("cli-maintenance");
    try {
      const url = database.url;
      json(await kwp(url, "--json", "demo", "--contract", "0.1", "--runs", "2", "--workers", "1"));
      const db = openDatabase(url);
      try {
        const queue = createKyselyJobQueue(db, { workerId: "crashed-worker", listen: false });
        await queue.enqueue({ workflowRunId: "r", stageId: "s" });
        await queue.dequeue();
      } finally {
        await db.destroy();
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Below the queue's own threshold (5m) only with --force: the job may be in a live worker's hands.
      const tooSoon = await kwp(url, "release-stale", "--older-than", "5ms");
      expect(tooSoon.code).toBe(2);
      expect(tooSoon.stderr).toMatch(/below the queue's own stale threshold \(5m\).*--force/);
      const look = json(await kwp(url, "--json", "release-stale", "--older-than", "5ms", "--force", "--dry-run"));
      expect(look).toMatchObject({ dryRun: true, toRelease: 1, toFail: 0, jobs: [{ workflowRunId: "r", stageId: "s", workerId: "crashed-worker" }] });
      // Not on a terminal and not confirmed: refused after showing the job; on a terminal, "n" keeps it.
      const unconfirmedRelease = await kwp(url, "release-stale", "--older-than", "5ms", "--force");
      expect(unconfirmedRelease.code).toBe(2);
      expect(unconfirmedRelease.stderr).toMatch(/will return 1 stale job back to PENDING and 0 out of attempts[\s\S]*crashed-worker[\s\S]*pass --yes/);
      const declinedRelease = await kwpOnTerminal(url, "n\n", "release-stale", "--older-than", "5ms", "--force");
      expect(declinedRelease.stdout).toContain("nothing released");
      expect(declinedRelease.code).toBe(1);
      expect(json(await kwp(url, "--json", "release-stale", "--older-than", "5ms", "--force", "--yes"))).toEqual({
        dryRun: false, released: 1, failed: 0, stagesFailed: 0, runsFailed: 0,
      });
      expect(json(await kwp(url, "--json", "release-stale"))).toMatchObject({ released: 0, failed: 0 });

      const dryRun = json(await kwp(url, "--json", "prune", "--completed-before", "0s", "--dry-run"));
      expect(dryRun).toMatchObject({ dryRun: true, deleted: false, runs: 2, jobs: 14 });
      // Not on a terminal and not confirmed: refused, after saying what would go.
      const unconfirmed = await kwp(url, "prune", "--completed-before", "0s");
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toContain("will delete 2 finished runs");
      expect(unconfirmed.stderr).toMatch(/pass --yes/);
      expect(json(await kwp(url, "--json", "runs"))).toHaveLength(2);
      // On a terminal it asks; anything but yes keeps everything.
      const declined = await kwpOnTerminal(url, "n\n", "prune", "--completed-before", "0s");
      expect(declined.stdout).toContain("will delete 2 finished runs");
      expect(declined.stdout).toContain("nothing deleted");
      expect(declined.code).toBe(1);
      expect(json(await kwp(url, "--json", "runs"))).toHaveLength(2);
      const accepted = await kwpOnTerminal(url, "y\n", "prune", "--completed-before", "0s");
      expect(accepted.stdout).toContain("deleted 2 finished runs");
      expect(accepted.code).toBe(0);
      expect(json(await kwp(url, "--json", "runs"))).toEqual([]);
      expect(json(await kwp(url, "--json", "jobs")).counts).toMatchObject({ COMPLETED: 0, PENDING: 1 });
      expect(json(await kwp(url, "--json", "prune", "--completed-before", "30d", "--yes")).runs).toBe(0);
    } finally {
      await database.dispose();
    }
  });
});

describe("kwp errors", () => {
  it("prints one clear line and a meaningful exit code, no stack trace", async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [["--url", "mysql://root:secret@db/x", "runs"], 2, /Unsupported database URL scheme.*root:\*\*\*@db/],
      [["--url", "postgres://postgres@127.0.0.1:1/nothing", "runs"], 3, /cannot connect to postgres:\/\/postgres@127\.0\.0\.1:1\/nothing/],
      [["--url", "postgres://app:s3cret-pw@127.0.0.1:1/x", "--verbose", "runs"], 3, /cannot connect to postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/x/],
      [["--url", ":memory:", "runs"], 4, /not migrated.*kwp migrate/],
      [["--url", ":memory:", "runs", "--status", "DONE"], 2, /--status: "DONE" is not one of/],
      [["--url", ":memory:", "release-stale", "--older-than", "soon"], 2, /--older-than: "soon" is not a duration/],
      [["--url", ":memory:", "demo", "--runs", "0"], 2, /--runs must be a positive whole number/],
      [["--url", ":memory:", "prune"], 2, /required option '--completed-before/],
      // A bare number once meant milliseconds, and `prune --completed-before 30` deleted everything finished.
      [["--url", ":memory:", "prune", "--completed-before", "30"], 2, /"30" has no unit; give one of ms, s, m, h, d/],
      [["--url", ":memory:", "release-stale", "--older-than", "300"], 2, /"300" has no unit/],
    ];
    for (const [args, code, message] of cases) {
      const result = await kwp(undefined, ...args);
      expect(result.code, args.join(" ")).toBe(code);
      expect(result.stderr).toMatch(message);
      expect(result.stderr + result.stdout).not.toContain("s3cret-pw");
      if (!args.includes("--verbose")) expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("never creates a file to read from: a missing SQLite file or an unknown scheme is an error, and --readonly writes nothing", async () => {
    const database = await createTestDatabase.sqlite("cli-readonly");
    try {
      const path = database.url.slice("sqlite:".length);
      const missing = `${path}.missing`;
      for (const command of [["runs"], ["jobs"], ["stats", "x"], ["run", "id"], ["migrate", "--status"]]) {
        const result = await kwp(`sqlite:${missing}`, ...command);
        expect(result.code, command.join(" ")).toBe(4);
        expect(result.stderr).toMatch(/no such file: sqlite:.*run `npx kwp --url '.*' migrate` to create it/);
      }
      const typo = await kwp(`sqlite3:${missing}`, "runs");
      expect(typo.code).toBe(2);
      expect(typo.stderr).toMatch(/Unsupported database URL scheme/);
      expect(existsSync(missing)).toBe(false);
      expect(existsSync(`sqlite3:${missing}`)).toBe(false);

      await kwp(database.url, "migrate");
      expect((await kwp(database.url, "--readonly", "jobs")).code).toBe(0);
      const write = await kwp(database.url, "--readonly", "release-stale", "--yes");
      expect(write.code).toBe(2);
      expect(write.stderr).toMatch(/--readonly forbids writing/);
    } finally {
      await database.dispose();
    }
  });

  it("prints its version, and under --json prints errors as JSON on stdout with the exit code", async () => {
    const version = await kwp(undefined, "--version");
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../package.json"), "utf8")).version);
    const cases: Array<[string[], number, string]> = [
      [["--url", "sqlite3:typo.db", "--json", "runs"], 2, "CONFIGURATION_ERROR"],
      [["--json", "prune"], 2, "USAGE"],
      [["--url", ":memory:", "--json", "runs"], 4, "NOT_MIGRATED"],
      [["--url", ":memory:", "--json", "prune", "--completed-before", "30"], 2, "USAGE"],
    ];
    for (const [args, exitCode, code] of cases) {
      const result = await kwp(undefined, ...args);
      expect(result.code, args.join(" ")).toBe(exitCode);
      expect(JSON.parse(result.stdout), args.join(" ")).toMatchObject({ error: { code, exitCode, message: expect.any(String) } });
      expect(result.stderr).toBe("");
    }
  });

  it("names a missing run (exit 5) and shows the stack with --verbose", async () => {
    const database = await createTestDatabase.sqlite("cli-errors");
    try {
      await kwp(database.url, "migrate");
      const missing = await kwp(database.url, "run", "no-such-run");
      expect(missing.code).toBe(5);
      expect(missing.stderr).toMatch(/^error: .*"no-such-run" not found\n$/);
      const verbose = await kwp(database.url, "--verbose", "run", "no-such-run");
      expect(verbose.stderr).toMatch(/\n\s+at /);
    } finally {
      await database.dispose();
    }
  });

  it("works in the PostgreSQL schema --schema names", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase.postgresql("cli-schema");
    try {
      expect(json(await kwp(database.url, "--schema", "tenant_a", "--json", "migrate")).applied).toEqual(["0001_init"]);
      expect(json(await kwp(database.url, "--schema", "tenant_a", "--json", "demo", "--contract", "0.1", "--runs", "1", "--workers", "1")).runsCompleted).toBe(1);
      expect(json(await kwp(database.url, "--schema", "tenant_a", "--json", "runs"))).toHaveLength(1);
      // public holds nothing of it
      expect((await kwp(database.url, "runs")).code).toBe(4);
    } finally {
      await database.dispose();
    }
  });

  it("says a PostgreSQL role lacks privileges instead of calling every migration pending", async () => {
    const database = await createTestDatabase.postgresql("cli-privileges");
    try {
      await kwp(database.url, "migrate");
      const db = openDatabase(database.url);
      const role = testRole("kwp_no_access");
      await sql`do $$ begin create role ${sql.id(role)} login; exception when duplicate_object or unique_violation then null; end $$`.execute(db);
      await db.destroy();
      const url = new URL(database.url);
      url.username = role;
      url.password = "";
      const status = await kwp(url.toString(), "migrate", "--status");
      expect(status.stdout).not.toContain("pending");
      expect(status.stderr).toMatch(/lacks privileges: permission denied/);
      expect(status.code).toBe(3);
    } finally {
      await database.dispose();
    }
  });

  it("migrates to the 0.12 contract on request, prints its SQL, and writes it as a Prisma migration", async () => {
    const database = await createTestDatabase.sqlite("cli-contract");
    try {
      expect(json(await kwp(database.url, "--json", "migrate")).applied).toEqual(["0001_init"]);
      expect(json(await kwp(database.url, "--json", "migrate", "--target", "0.12")).applied).toEqual(["0002_contract_0_12"]);
      expect((await kwp(database.url, "migrate", "--status", "--target", "0.12")).stdout).toMatch(/0002_contract_0_12\s.*applied/);
      const behind = await kwp(database.url, "migrate");
      expect(behind.code).toBe(2);
      expect(behind.stderr).toMatch(/--target 0\.12/);
      const sqlText = await kwp(undefined, "--url", "postgres://nobody@127.0.0.1:1/x", "migrate", "--sql", "--target", "0.12");
      expect(sqlText.stdout).toContain("contract-0.12/0002_contract_0_12.sql");
      expect(sqlText.stdout).toContain('CREATE TABLE "outbox_events"');
      const prisma = await kwp(database.url, "prisma-migration", "--dry-run", "--target", "0.12", "--dir", join(dirname(database.url.slice(7)), "none"));
      expect(prisma.stdout).toContain('ALTER TABLE "workflow_runs" ADD COLUMN "version"');
      expect(prisma.stdout).not.toContain('CREATE TABLE "workflow_runs"');
      expect((await kwp(database.url, "migrate", "--target", "0.2")).stderr).toMatch(/target must be one of/);
    } finally {
      await database.dispose();
    }
  });

  it("creates the jobs' trace context table on request (--trace-context), prints it, and writes it as a Prisma migration", async () => {
    const database = await createTestDatabase.sqlite("cli-trace-context");
    try {
      expect(json(await kwp(database.url, "--json", "migrate")).traceContextApplied).toEqual([]);
      const migrated = await kwp(database.url, "migrate", "--trace-context");
      expect(migrated.code).toBe(0);
      expect(migrated.stdout).toContain("trace context: trace-context/0001_kwp_job_trace_context");
      expect(json(await kwp(database.url, "--json", "migrate", "--trace-context")).traceContextApplied).toEqual([]);
      const sqlText = await kwp(undefined, "--url", "postgres://nobody@127.0.0.1:1/x", "migrate", "--sql", "--trace-context");
      expect(sqlText.stdout).toContain('CREATE TABLE IF NOT EXISTS "kwp_job_trace_context"');
      const dir = join(dirname(database.url.slice(7)), "none");
      const prisma = await kwp(database.url, "prisma-migration", "--dry-run", "--trace-context", "--dir", dir);
      expect(prisma.stdout).toContain('CREATE TABLE IF NOT EXISTS "kwp_job_trace_context"');
      const both = await kwp(database.url, "prisma-migration", "--trace-context", "--blob-store", "--dir", dir);
      expect(both.stderr).toMatch(/--blob-store and --trace-context write different migrations/);
    } finally {
      await database.dispose();
    }
  });

  it("prints the SQL a DBA would deploy, without connecting", async () => {
    const sqlite = await kwp(undefined, "--url", "sqlite:/nonexistent/dir/x.db", "migrate", "--sql");
    expect(sqlite.code).toBe(0);
    expect(sqlite.stdout).toContain('CREATE TABLE "workflow_runs"');
    expect(sqlite.stdout).toContain("optional/0001_job_queue_pending_claim_index.sql");
    const postgres = await kwp(undefined, "--url", "postgres://nobody@127.0.0.1:1/x", "migrate", "--sql", "--no-performance-indexes");
    expect(postgres.code).toBe(0);
    expect(postgres.stdout).toContain('CREATE TYPE "Status" AS ENUM');
    expect(postgres.stdout).not.toContain("optional/");
  });
});
