import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyWorkflowPersistence, createKyselyJobQueue } from "../../src/v0.12.js";
import { json, kwp } from "../support/kwp.js";
import { createTestDatabase, DATABASE_TYPES } from "../support/test-databases.js";

describe.each(DATABASE_TYPES)("kwp on a 0.12 database (%s)", (databaseType) => {
  it("shows versions, attempts, annotations, the outbox backlog and idempotency keys", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase[databaseType]("cli-012");
    try {
      const url = database.url;
      expect(json(await kwp(url, "--json", "migrate", "--target", "0.12"))).toMatchObject({
        applied: ["0001_init", "0002_contract_0_12"],
      });
      const db = openDatabase(url);
      let runId: string;
      try {
        const persistence = createKyselyWorkflowPersistence(db);
        const run = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {}, metadata: { tenant: "acme" } });
        runId = run.id;
        await persistence.updateRun(run.id, { status: "RUNNING", expectedVersion: 1 });
        await persistence.createStage({ workflowRunId: run.id, stageId: "s1", stageName: "S1", stageNumber: 1, executionGroup: 1, attempt: 2 });
        await persistence.appendAnnotations([
          { workflowRunId: run.id, scope: "stage", scopeId: "s1", key: "decision.route", value: "fast", actor: { kind: "agent", id: "planner" } },
        ]);
        await persistence.appendOutboxEvents([
          { workflowRunId: run.id, eventType: "a", payload: {}, causationId: "c", occurredAt: new Date("2026-01-01T00:00:00Z") },
          { workflowRunId: run.id, eventType: "b", payload: {}, causationId: "c", occurredAt: new Date() },
        ]);
        const [first] = await persistence.getUnpublishedOutboxEvents(1);
        await persistence.moveOutboxEventToDLQ(first!.id);
        await persistence.acquireIdempotencyKey("k1", "cmd");
        await persistence.acquireIdempotencyKey("k2", "cmd", { now: new Date(Date.now() - 3_600_000) });
        await persistence.acquireIdempotencyKey("k3", "cmd");
        await persistence.completeIdempotencyKey("k3", "cmd", { ok: true });
        await createKyselyJobQueue(db, { listen: false }).enqueue({ workflowRunId: run.id, workflowId: "w", stageId: "s1" });
      } finally {
        await db.destroy();
      }

      const detail = json(await kwp(url, "--json", "run", runId));
      expect(detail.run).toMatchObject({ version: 2, metadata: { tenant: "acme" }, status: "RUNNING" });
      expect(detail.stages[0]).toMatchObject({ stageId: "s1", attempt: 2, version: 1 });
      expect(detail.annotations).toMatchObject([{ key: "decision.route", value: "fast", actorId: "planner" }]);
      const human = await kwp(url, "run", runId);
      expect(human.stdout).toMatch(/version 2/);
      expect(human.stdout).toMatch(/last annotations:[\s\S]*decision\.route[\s\S]*"fast"[\s\S]*agent:planner/);

      const jobs = json(await kwp(url, "--json", "jobs"));
      expect(jobs.counts).toMatchObject({ PENDING: 1 });
      expect(jobs.outbox).toMatchObject({ unpublished: 1, deadLettered: 1 });
      expect(jobs.idempotencyKeys).toEqual({ completed: 1, inProgress: 2, staleInProgress: 1 });
      expect((await kwp(url, "jobs")).stdout).toMatch(/outbox: 1 unpublished .*1 dead-lettered\nidempotency keys: 1 completed, 2 in progress \(1 for over 10 minutes\)/);

      const runs = json<Array<{ version: number }>>(await kwp(url, "--json", "runs"));
      expect(runs[0]!.version).toBe(2);
      expect((await kwp(url, "runs")).stdout).toMatch(/version/);
    } finally {
      await database.dispose();
    }
  });

  it("creates the blob store table on request and writes it as a Prisma migration", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase[databaseType]("cli-blobs");
    try {
      expect(json(await kwp(database.url, "--json", "migrate", "--blob-store"))).toMatchObject({
        applied: ["0001_init"], blobStoreApplied: ["blob-store/0001_kwp_blobs"],
      });
      expect((await kwp(database.url, "migrate", "--blob-store")).stdout).toMatch(/applied: {2}nothing \(up to date\)/);
      const sql = await kwp(database.url, "migrate", "--sql", "--no-performance-indexes", "--blob-store");
      expect(sql.stdout).toMatch(/===== \w+\/blob-store\/0001_kwp_blobs\.sql =====[\s\S]*CREATE TABLE "kwp_blobs"/);
      const folder = await kwp(database.url, "prisma-migration", "--blob-store", "--dry-run");
      expect(folder.stdout).toMatch(/CREATE TABLE "kwp_blobs"/);
      const both = await kwp(database.url, "prisma-migration", "--blob-store", "--target", "0.12", "--dry-run");
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/--target and --blob-store/);
    } finally {
      await database.dispose();
    }
  });
});
