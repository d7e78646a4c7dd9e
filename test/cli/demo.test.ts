import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { json, kwp, kwpOnTerminal, KWP_BIN } from "../support/kwp.js";
import { runNode } from "../support/spawn-child.js";
import { createSqliteDatabase } from "../support/test-databases.js";

const OPEN = ["PENDING", "RUNNING", "SUSPENDED"];

/** Runs and jobs by status, for the runs whose ids are given (all when none are). */
async function statuses(url: string, runIds?: string[]) {
  const db = openDatabase(url);
  try {
    let runs = db.selectFrom("workflow_runs").select(["id", "status"]);
    let jobs = db.selectFrom("job_queue").select(["id", "status"]);
    if (runIds) {
      runs = runs.where("id", "in", runIds);
      jobs = jobs.where("workflowRunId", "in", runIds);
    }
    return { runs: (await runs.execute()).map((r) => String(r.status)), jobs: (await jobs.execute()).map((j) => String(j.status)) };
  } finally {
    await db.destroy();
  }
}

describe("kwp demo", () => {
  it("stops cleanly on Ctrl-C: terminal restored, partial summary, exit 130, nothing left running; the next demo works", { timeout: 180_000 }, async () => {
    const database = await createSqliteDatabase("demo-interrupt");
    try {
      const interrupted = await kwpOnTerminal(database.url, { after: "running 60 workflows", input: "\x03", delayMs: 1_500 }, "demo", "--runs", "60", "--workers", "2");
      expect(interrupted.code).toBe(130);
      expect(interrupted.stdout).toMatch(/interrupted after [\d.]+ s on .*: \d+ of 60 runs completed, \d+ cancelled/);
      // cli-progress hid the cursor while it drew the bar; it is shown again.
      expect(interrupted.stdout).toContain("\x1b[?25l");
      expect(interrupted.stdout.lastIndexOf("\x1b[?25h")).toBeGreaterThan(interrupted.stdout.lastIndexOf("\x1b[?25l"));
      const left = await statuses(database.url);
      expect(left.runs.filter((status) => OPEN.includes(status))).toEqual([]);
      expect(left.jobs.filter((status) => OPEN.includes(status))).toEqual([]);
      expect(left.runs.filter((status) => status === "CANCELLED").length).toBeGreaterThan(0);

      const next = json(await kwp(database.url, "--json", "demo", "--runs", "2", "--workers", "2"));
      expect(next).toMatchObject({ runs: 2, runsCompleted: 2, jobsCompleted: 14, interrupted: false });
      expect((await statuses(database.url, next.runIds)).runs).toEqual(["COMPLETED", "COMPLETED"]);
    } finally {
      await database.dispose();
    }
  });

  it("reports a SIGTERM the same way, as JSON", { timeout: 180_000 }, async () => {
    const database = await createSqliteDatabase("demo-sigterm");
    try {
      const { spawn } = await import("node:child_process");
      const child = spawn(process.execPath, [KWP_BIN, "--url", database.url, "--json", "demo", "--runs", "60", "--workers", "2"], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      // Wait until the demo's runs exist, then stop it.
      for (let i = 0; i < 300 && (await statuses(database.url).catch(() => ({ runs: [] }))).runs.length < 60; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      child.kill("SIGTERM");
      const code = await new Promise((resolve) => child.once("close", resolve));
      expect(code).toBe(130);
      const summary = JSON.parse(stdout);
      expect(summary.interrupted).toBe(true);
      expect(summary.runsCompleted + summary.runsCancelled).toBe(60);
      expect((await statuses(database.url)).jobs.filter((status) => OPEN.includes(status))).toEqual([]);
    } finally {
      await database.dispose();
    }
  });

  // Two demos on one file serve each other's jobs; each reports its own runs only.
  it("two demos on one file both succeed, each summary about its own runs", { timeout: 180_000 }, async () => {
    const database = await createSqliteDatabase("demo-concurrent");
    try {
      await kwp(database.url, "migrate", "--target", "1.0");
      const demo = () => runNode([KWP_BIN, "--url", database.url, "--json", "demo", "--runs", "4", "--workers", "2"], { env: { DATABASE_URL: "" } });
      const [a, b] = (await Promise.all([demo(), demo()])).map((result) => json(result));
      for (const summary of [a, b]) {
        // Six model calls a run, and one more where the showcase rerun executes a stage again.
        expect(summary).toMatchObject({ runs: 4, runsCompleted: 4, jobsCompleted: 28, retries: 4, suspendedAndResumed: 4, aiCalls: 25 });
        const perModel = Object.values(summary.aiCost.perModel) as Array<{ calls: number }>;
        expect(perModel.reduce((sum, model) => sum + model.calls, 0)).toBe(summary.aiCalls);
      }
      expect(new Set([...a.runIds, ...b.runIds]).size).toBe(8);
    } finally {
      await database.dispose();
    }
  });
});
