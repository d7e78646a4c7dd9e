import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyWorkflowPersistence, createKyselyJobQueue } from "../../src/v0.12.js";
import * as v1 from "../../src/v1.js";
import { json, kwp, kwpOnTerminal } from "../support/kwp.js";
import { createTestDatabase, DATABASE_TYPES } from "../support/test-databases.js";

describe.each(DATABASE_TYPES)("kwp and the 1.0 contract (%s)", (databaseType) => {
  it("migrate --target 1.0 shows the job rows the upgrade deletes and asks first", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase[databaseType]("cli-1-0");
    try {
      const url = database.url;
      await kwp(url, "--json", "migrate", "--target", "0.12");
      const db = openDatabase(url);
      try {
        const run = await createKyselyWorkflowPersistence(db).createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {} });
        const queue = createKyselyJobQueue(db, { listen: false });
        for (let i = 0; i < 3; i++) await queue.enqueue({ workflowRunId: run.id, workflowId: "w", stageId: "s" });
        await queue.enqueue({ workflowRunId: run.id, workflowId: "w", stageId: "t" });
        await queue.dequeue(); // one RUNNING row among them, named in the warning
      } finally {
        await db.destroy();
      }

      // Nobody to ask: refused, nothing changed.
      const refused = await kwp(url, "migrate", "--target", "1.0");
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/2 older rows/);
      expect(refused.stderr).toMatch(/pass --yes/);
      // A terminal that says no: nothing changed either.
      const declined = await kwpOnTerminal(url, "n\n", "migrate", "--target", "1.0");
      expect(declined.code).toBe(1);
      expect(declined.stdout).toMatch(/1 of them is RUNNING/);
      expect(declined.stdout).toMatch(/nothing migrated/);
      expect(json(await kwp(url, "--json", "migrate", "--status")).some((m: { name: string }) => m.name === "0003_contract_1_0")).toBe(false);
      await expect(jobRows(url)).resolves.toBe(4);

      const done = await kwpOnTerminal(url, "y\n", "migrate", "--target", "1.0");
      expect(done.code).toBe(0);
      expect(done.stdout).toMatch(/applied: +0003_contract_1_0/);
      await expect(jobRows(url)).resolves.toBe(2);
      // At 1.0 there is nothing left to ask about.
      expect(json(await kwp(url, "--json", "migrate", "--target", "1.0")).applied).toEqual([]);
      // An earlier target (or none) names the contract the database holds and the command that is right, every time.
      for (const args of [["migrate"], ["migrate", "--target", "0.12"]]) {
        const ahead = await kwp(url, ...args);
        expect(ahead.code).toBe(2);
        expect(ahead.stderr).toContain("holds the engine's 1.0 contract");
        expect(ahead.stderr).toContain("`kwp migrate --target 1.0`");
        expect(ahead.stderr).not.toContain("--target 0.12`");
      }
    } finally {
      await database.dispose();
    }
  });

  it("runs, run and jobs show definition versions, redrives, steps and fairness groups", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase[databaseType]("cli-1-0-views");
    try {
      const url = database.url;
      await kwp(url, "--json", "migrate", "--target", "1.0");
      const db = openDatabase(url);
      let runId: string;
      try {
        const persistence = v1.createKyselyWorkflowPersistence(db);
        const run = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {}, definitionVersion: "v7" });
        runId = run.id;
        await persistence.updateRun(run.id, { redriveCount: 2 });
        const stage = await persistence.createStage({ workflowRunId: run.id, stageId: "s1", stageName: "S1", stageNumber: 1, executionGroup: 1 });
        await v1.createKyselyStepLedger(db).claim({
          stageRecordId: stage.id, stepId: "download", seq: 1, kind: "run", status: "running", attempt: 3,
          leaseExpiresAt: new Date("2030-01-01T00:00:00Z"), deadlineAt: null,
        });
        const queue = v1.createKyselyJobQueue(db, { listen: false });
        await queue.enqueueParallel([
          { workflowRunId: run.id, workflowId: "w", stageId: "a", groupKey: "tenant-a" },
          { workflowRunId: run.id, workflowId: "w", stageId: "b", groupKey: "tenant-a" },
          { workflowRunId: run.id, workflowId: "w", stageId: "c" },
        ]);
        await queue.dequeue();
      } finally {
        await db.destroy();
      }
      const runs = json(await kwp(url, "--json", "runs"));
      expect(runs[0]).toMatchObject({ definitionVersion: "v7", redriveCount: 2 });
      expect((await kwp(url, "runs")).stdout).toMatch(/definition[\s\S]*redrives[\s\S]*v7/);
      const detail = json(await kwp(url, "--json", "run", runId));
      expect(detail.steps).toMatchObject([{ stepId: "download", status: "running", attempt: 3 }]);
      const human = (await kwp(url, "run", runId)).stdout;
      expect(human).toMatch(/definition v7, redriven 2×/);
      expect(human).toMatch(/steps:[\s\S]*s1[\s\S]*download[\s\S]*running[\s\S]*2030-01-01 00:00:00/);
      const jobs = json(await kwp(url, "--json", "jobs"));
      expect(jobs.groups).toEqual([
        { group: "tenant-a", pending: 1, running: 1 },
        { group: null, pending: 1, running: 0 },
      ]);
      expect((await kwp(url, "jobs")).stdout).toMatch(/fairness group[\s\S]*tenant-a[\s\S]*\(none\)/);
    } finally {
      await database.dispose();
    }
  });
});

async function jobRows(url: string): Promise<number> {
  const db = openDatabase(url);
  try {
    const { rows } = await sql<{ n: unknown }>`select count(*) as n from job_queue`.execute(db);
    return Number(rows[0]!.n);
  } finally {
    await db.destroy();
  }
}
