import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError } from "../../src/errors.js";
import { BACKENDS, runInput, sleep, stageInput, useBackend, expectStampedSince } from "./backends.js";

describe.each(BACKENDS)("WorkflowPersistence runs on $name", (backend) => {
  const fixture = useBackend(backend);

  describe("createRun", () => {
    it("fills in the documented defaults", async () => {
      const before = Date.now();
      const run = await fixture.persistence.createRun(runInput());
      expect(run).toMatchObject({
        workflowId: "wf",
        workflowName: "Workflow",
        workflowType: "type-a",
        status: "PENDING",
        input: { n: 1 },
        config: {},
        priority: 5,
        totalCost: 0,
        totalTokens: 0,
        startedAt: null,
        completedAt: null,
        duration: null,
        output: null,
      });
      expect(run.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(run.createdAt).toBeInstanceOf(Date);
      expect(run.updatedAt.getTime()).toBe(run.createdAt.getTime());
      // PostgreSQL stamps with its own clock: allow a little skew against ours.
      expectStampedSince(run.createdAt, before);
      expect(await fixture.persistence.getRun(run.id)).toEqual(run);
    });

    it("keeps an explicit id, config and priority", async () => {
      const run = await fixture.persistence.createRun(runInput({ id: "run-1", config: { retries: 2 }, priority: 9 }));
      expect(run).toMatchObject({ id: "run-1", config: { retries: 2 }, priority: 9 });
    });

    it("generates distinct, time-ordered ids", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) ids.push((await fixture.persistence.createRun(runInput())).id);
      expect(new Set(ids).size).toBe(50);
      expect([...ids].sort()).toEqual(ids);
    });

    it("refuses a duplicate id with a ConflictError and changes nothing", async () => {
      await fixture.persistence.createRun(runInput({ id: "dup", workflowName: "first" }));
      const error = await fixture.persistence.createRun(runInput({ id: "dup", workflowName: "second" })).catch((e) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.id).toBe("dup");
      expect((await fixture.persistence.getRun("dup"))?.workflowName).toBe("first");
    });

    describe("metadata into columns the application added", () => {
      it("writes each key into its same-named column", async () => {
        await sql`alter table workflow_runs add column "tenantId" text`.execute(fixture.db);
        await sql`alter table workflow_runs add column "retryBudget" integer`.execute(fixture.db);
        try {
          const run = await fixture.persistence.createRun(runInput({ metadata: { tenantId: "acme", retryBudget: 3 } }));
          const { rows } = await sql<{ tenantId: string; retryBudget: number }>`
            select "tenantId", "retryBudget" from workflow_runs where id = ${run.id}`.execute(fixture.db);
          expect(rows[0]).toEqual({ tenantId: "acme", retryBudget: 3 });
        } finally {
          await sql`alter table workflow_runs drop column "tenantId"`.execute(fixture.db);
          await sql`alter table workflow_runs drop column "retryBudget"`.execute(fixture.db);
        }
      });

      it("leaves out keys whose value is undefined, as Prisma leaves out undefined fields", async () => {
        const run = await fixture.persistence.createRun(runInput({ metadata: { notAColumn: undefined, retries: undefined } }));
        expect((await fixture.persistence.getRun(run.id))?.id).toBe(run.id);
      });

      it.each([
        [{ nope: 1 }, "data.metadata.nope"],
        [{ "x\"; drop table workflow_runs; --": 1 }, 'data.metadata.x"; drop table workflow_runs; --'],
        [JSON.parse('{"__proto__": {"polluted": true}}'), "data.metadata.__proto__"],
        [{ status: "RUNNING" }, "data.metadata.status"],
      ])("refuses %j naming %s, writing nothing", async (metadata, field) => {
        const error = await fixture.persistence.createRun(runInput({ metadata })).catch((e) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.field).toBe(field);
        expect((await fixture.counts()).workflow_runs).toBe(0);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    });
  });

  describe("updateRun", () => {
    it("changes the given fields, leaves the others and moves updatedAt", async () => {
      const run = await fixture.persistence.createRun(runInput({ config: { a: 1 } }));
      await sleep(5);
      const startedAt = new Date("2024-05-06T07:08:09.123Z");
      await fixture.persistence.updateRun(run.id, { status: "RUNNING", startedAt, totalCost: 0.1 + 0.2, totalTokens: 42 });
      const updated = (await fixture.persistence.getRun(run.id))!;
      expect(updated).toMatchObject({ status: "RUNNING", totalCost: 0.1 + 0.2, totalTokens: 42, config: { a: 1 }, input: { n: 1 } });
      expect(updated.startedAt?.getTime()).toBe(startedAt.getTime());
      expect(updated.updatedAt.getTime()).toBeGreaterThan(run.updatedAt.getTime());
      expect(updated.createdAt.getTime()).toBe(run.createdAt.getTime());
    });

    it("clears nullable fields given null and ignores undefined ones", async () => {
      const run = await fixture.persistence.createRun(runInput());
      await fixture.persistence.updateRun(run.id, { completedAt: new Date(), duration: 10, output: { ok: true } });
      await fixture.persistence.updateRun(run.id, { completedAt: null, duration: null, output: null, status: undefined });
      expect(await fixture.persistence.getRun(run.id)).toMatchObject({
        completedAt: null,
        duration: null,
        output: null,
        status: "PENDING",
      });
    });

    it("stores any 32-bit duration, negative included (the engine's clock minus a database timestamp)", async () => {
      const run = await fixture.persistence.createRun(runInput());
      const stage = await fixture.persistence.createStage(stageInput(run.id, "s"));
      await fixture.persistence.updateRun(run.id, { duration: -3 });
      await fixture.persistence.updateStage(stage.id, { duration: -2_147_483_648 });
      expect((await fixture.persistence.getRun(run.id))!.duration).toBe(-3);
      expect((await fixture.persistence.getStageById(stage.id))!.duration).toBe(-2_147_483_648);
      await fixture.persistence.updateStageByRunAndStageId(run.id, "s", { duration: -7 });
      await fixture.persistence.upsertStage({
        workflowRunId: run.id,
        stageId: "s",
        create: { stageName: "S", stageNumber: 1, executionGroup: 1 },
        update: { duration: -8 },
      });
      expect((await fixture.persistence.getStageById(stage.id))!.duration).toBe(-8);
      // Outside the INTEGER column, or not a whole number: refused, naming the field.
      await expect(fixture.persistence.updateRun(run.id, { duration: -2_147_483_649 })).rejects.toMatchObject({ field: "data.duration" });
      await expect(fixture.persistence.updateStage(stage.id, { duration: 1.5 })).rejects.toMatchObject({ field: "data.duration" });
    });

    it("throws NotFoundError with the id for a missing run", async () => {
      const error = await fixture.persistence.updateRun("missing", { status: "RUNNING" }).catch((e) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.id).toBe("missing");
    });
  });

  describe("reading runs", () => {
    it("returns null for a missing run and its status", async () => {
      expect(await fixture.persistence.getRun("missing")).toBeNull();
      expect(await fixture.persistence.getRunStatus("missing")).toBeNull();
    });

    it("reads the status alone", async () => {
      const run = await fixture.persistence.createRun(runInput());
      await fixture.persistence.updateRun(run.id, { status: "SUSPENDED" });
      expect(await fixture.persistence.getRunStatus(run.id)).toBe("SUSPENDED");
    });

    it("lists runs of one status, oldest first", async () => {
      const first = await fixture.persistence.createRun(runInput());
      const other = await fixture.persistence.createRun(runInput());
      const second = await fixture.persistence.createRun(runInput());
      await fixture.persistence.updateRun(other.id, { status: "FAILED" });
      const pending = await fixture.persistence.getRunsByStatus("PENDING");
      expect(pending.map((run) => run.id)).toEqual([first.id, second.id]);
      expect((await fixture.persistence.getRunsByStatus("FAILED")).map((run) => run.id)).toEqual([other.id]);
      expect(await fixture.persistence.getRunsByStatus("CANCELLED")).toEqual([]);
    });
  });

  describe("claiming runs", () => {
    it("claimPendingRun moves PENDING to RUNNING once", async () => {
      const run = await fixture.persistence.createRun(runInput());
      expect(await fixture.persistence.claimPendingRun(run.id)).toBe(true);
      expect(await fixture.persistence.claimPendingRun(run.id)).toBe(false);
      const claimed = (await fixture.persistence.getRun(run.id))!;
      expect(claimed.status).toBe("RUNNING");
      expect(claimed.startedAt).toBeInstanceOf(Date);
      expect(await fixture.persistence.claimPendingRun("missing")).toBe(false);
    });

    it("claimNextPendingRun takes the highest priority, then the oldest, then the lowest id", async () => {
      const low = await fixture.persistence.createRun(runInput({ id: "c-low", priority: 1 }));
      const highOld = await fixture.persistence.createRun(runInput({ id: "b-high-old", priority: 9 }));
      await sleep(5);
      const highNew = await fixture.persistence.createRun(runInput({ id: "a-high-new", priority: 9 }));
      const running = await fixture.persistence.createRun(runInput({ id: "d-running", priority: 10 }));
      await fixture.persistence.updateRun(running.id, { status: "RUNNING" });
      // Same priority and same createdAt: the id decides.
      const now = backend.databaseType === "postgresql" ? "2000-01-01 00:00:00" : "2000-01-01T00:00:00.000+00:00";
      await fixture.persistence.createRun(runInput({ id: "tie-b", priority: 0 }));
      await fixture.persistence.createRun(runInput({ id: "tie-a", priority: 0 }));
      await sql`update workflow_runs set "createdAt" = ${now} where id in ('tie-a', 'tie-b')`.execute(fixture.db);

      const order: string[] = [];
      const first = await fixture.persistence.claimNextPendingRun();
      order.push(first!.id);
      // One claim takes one run, however many are pending.
      expect(await fixture.persistence.getRunsByStatus("RUNNING")).toHaveLength(2);
      for (let run = await fixture.persistence.claimNextPendingRun(); run; run = await fixture.persistence.claimNextPendingRun()) {
        expect(run.status).toBe("RUNNING");
        expect(run.startedAt).toBeInstanceOf(Date);
        order.push(run.id);
      }
      expect(order).toEqual([highOld.id, highNew.id, low.id, "tie-a", "tie-b"]);
      expect(await fixture.persistence.getRunsByStatus("RUNNING")).toHaveLength(6);
      expect(await fixture.persistence.claimNextPendingRun()).toBeNull();
    });
  });
});
