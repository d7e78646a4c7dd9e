import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { NotFoundError, ValidationError, type StepRecord } from "../../src/v1.js";
import { BACKENDS, runWithStage, useBackend10 } from "./fixture.js";

// The engine's 1.0 step ledger contract (kernel ports, StepLedger), case by
// case as CONTRACT-DELTA.md §5 names them, on every backend.
describe.each(BACKENDS)("1.0 StepLedger on $name", (backend) => {
  const fixture = useBackend10(backend);
  const lease = new Date("2030-01-02T03:04:05.678Z");

  const step = (stageRecordId: string, overrides: Partial<StepRecord> = {}): Omit<StepRecord, "createdAt" | "updatedAt"> => ({
    stageRecordId,
    stepId: "download",
    seq: 1,
    kind: "run",
    status: "running",
    attempt: 1,
    leaseExpiresAt: lease,
    deadlineAt: null,
    ...overrides,
  });

  describe("claim operation", () => {
    it("should create a record and return it with every field it was given", async () => {
      const { stage } = await runWithStage(fixture);
      const given = step(stage.id, {
        externalKey: "wf:run:download",
        result: { partial: [1, 2] },
        error: "earlier",
        waitState: { everyMs: 500, wakeAt: "2030-01-01T00:00:00.000Z", pollFailures: 2 },
        deadlineAt: new Date("2031-01-01T00:00:00.000Z"),
      });
      const { created, record } = await fixture.stepLedger().claim(given);
      expect(created).toBe(true);
      expect(record).toMatchObject(given);
      expect(record.createdAt).toBeInstanceOf(Date);
      expect(record.updatedAt).toBeInstanceOf(Date);
      expect(await fixture.stepLedger().get(stage.id, "download")).toEqual(record);
    });

    it("should report created:false and return the stored row when the same step is claimed twice", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      const first = await ledger.claim(step(stage.id, { result: "first" }));
      const second = await ledger.claim(step(stage.id, { attempt: 9, status: "pending", result: "second" }));
      expect(second.created).toBe(false);
      expect(second.record).toEqual(first.record);
      expect(await fixture.counts()).toMatchObject({ workflow_steps: 1 });
    });

    it("should read back a record claimed without an external key as null", async () => {
      const { stage } = await runWithStage(fixture);
      const { record } = await fixture.stepLedger().claim(step(stage.id));
      expect(record.externalKey).toBeNull();
      expect((await fixture.stepLedger().get(stage.id, "download"))!.externalKey).toBeNull();
    });

    it("should read back a record claimed with no result or error as null on both", async () => {
      const { stage } = await runWithStage(fixture);
      await fixture.stepLedger().claim(step(stage.id));
      const stored = (await fixture.stepLedger().get(stage.id, "download"))!;
      expect(stored.result).toBeNull();
      expect(stored.error).toBeNull();
    });

    it("leaves a caller's transaction usable after a duplicate claim (no unique violation is raised)", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id));
      const outcome = await fixture.persistence.withTransaction(async (tx) => {
        const again = await ledger.claim(step(stage.id)); // joins the transaction (same handle)
        await tx.updateStage(stage.id, { errorMessage: "after the duplicate claim" });
        return again.created;
      });
      expect(outcome).toBe(false);
      expect((await fixture.persistence.getStageById(stage.id))!.errorMessage).toBe("after the duplicate claim");
    });

    it("refuses a stage record that does not exist with NotFoundError, and bad records by field, writing nothing", async () => {
      const ledger = fixture.stepLedger();
      await expect(ledger.claim(step("no-such-stage"))).rejects.toBeInstanceOf(NotFoundError);
      const { stage } = await runWithStage(fixture);
      await expect(ledger.claim({ ...step(stage.id), kind: "teleport" as never })).rejects.toMatchObject({ field: "record.kind" });
      await expect(ledger.claim({ ...step(stage.id), stepId: "s".repeat(801) })).rejects.toMatchObject({ field: "record.stepId" });
      await expect(ledger.claim({ ...step(stage.id), result: 1n as never })).rejects.toBeInstanceOf(ValidationError);
      await expect(ledger.claim({ ...step(stage.id), extra: 1 } as never)).rejects.toBeInstanceOf(ValidationError);
      expect(await fixture.counts()).toMatchObject({ workflow_steps: 0 });
    });
  });

  describe("get operation", () => {
    it("should return null for a step that was never claimed", async () => {
      const { stage } = await runWithStage(fixture);
      expect(await fixture.stepLedger().get(stage.id, "never")).toBeNull();
    });
  });

  describe("update operation", () => {
    it("should overwrite a previous result with null", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { result: { old: true } }));
      const updated = await ledger.update(stage.id, "download", { result: null, status: "completed" });
      expect(updated.result).toBeNull();
      expect((await ledger.get(stage.id, "download"))!.result).toBeNull();
    });

    it("should leave a field alone when the patch omits it", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { result: { keep: 1 }, error: "kept" }));
      const updated = await ledger.update(stage.id, "download", { status: "completed" });
      expect(updated).toMatchObject({ status: "completed", result: { keep: 1 }, error: "kept", leaseExpiresAt: lease, attempt: 1 });
    });

    it("should leave a field alone when the patch carries undefined", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { result: { keep: 1 }, error: "kept" }));
      const updated = await ledger.update(stage.id, "download", { result: undefined, error: undefined, leaseExpiresAt: undefined, status: "failed" });
      expect(updated).toMatchObject({ status: "failed", result: { keep: 1 }, error: "kept", leaseExpiresAt: lease });
    });

    it("should clear leaseExpiresAt and error when the patch names null for them", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { error: "boom" }));
      const updated = await ledger.update(stage.id, "download", { leaseExpiresAt: null, error: null });
      expect(updated.leaseExpiresAt).toBeNull();
      expect(updated.error).toBeNull();
    });

    it("should round-trip waitState", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { kind: "wait", status: "pending" }));
      const waitState = { everyMs: 30_000, wakeAt: "2030-06-01T12:00:00.000Z", pollFailures: 3 };
      await ledger.update(stage.id, "download", { waitState });
      expect((await ledger.get(stage.id, "download"))!.waitState).toEqual(waitState);
    });

    it("should bump attempt and clear the error the way a lease re-claim does", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { error: "lease expired" }));
      const next = new Date("2030-02-02T00:00:00.000Z");
      const updated = await ledger.update(stage.id, "download", { attempt: 2, error: null, leaseExpiresAt: next, status: "running" });
      expect(updated).toMatchObject({ attempt: 2, error: null, leaseExpiresAt: next, status: "running" });
    });

    it("throws NotFoundError for a step that does not exist, and refuses fields a patch may not change", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await expect(ledger.update(stage.id, "never", { status: "completed" })).rejects.toBeInstanceOf(NotFoundError);
      await ledger.claim(step(stage.id));
      await expect(ledger.update(stage.id, "download", { seq: 4 } as never)).rejects.toMatchObject({ field: "patch" });
      await expect(ledger.update(stage.id, "download", { status: "done" as never })).rejects.toMatchObject({ field: "patch.status" });
      expect((await ledger.get(stage.id, "download"))!.status).toBe("running");
    });
  });

  describe("compareAndSet operation", () => {
    it("should apply the patch when the status matches and no attempt is pinned", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id));
      const outcome = await ledger.compareAndSet(stage.id, "download", { status: "running" }, { status: "completed", result: 7 });
      expect(outcome.applied).toBe(true);
      expect(outcome.record).toMatchObject({ status: "completed", result: 7 });
    });

    it("should apply the patch when both the status and the pinned attempt match", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { attempt: 3 }));
      const outcome = await ledger.compareAndSet(stage.id, "download", { status: "running", attempt: 3 }, { attempt: 4 });
      expect(outcome).toMatchObject({ applied: true, record: { attempt: 4 } });
    });

    it("should refuse and leave the row untouched when the pinned attempt differs", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      const { record } = await ledger.claim(step(stage.id, { attempt: 3 }));
      const outcome = await ledger.compareAndSet(stage.id, "download", { status: "running", attempt: 2 }, { status: "failed" });
      expect(outcome).toEqual({ applied: false, record });
      expect(await ledger.get(stage.id, "download")).toEqual(record);
    });

    it("should refuse and leave the row untouched when the status differs", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      const { record } = await ledger.claim(step(stage.id, { status: "pending" }));
      const outcome = await ledger.compareAndSet(stage.id, "download", { status: "running" }, { status: "completed" });
      expect(outcome).toEqual({ applied: false, record });
    });

    it("should match any attempt when none is pinned", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { attempt: 17 }));
      expect((await ledger.compareAndSet(stage.id, "download", { status: "running" }, { status: "completed" })).applied).toBe(true);
    });

    it("should return applied:false and a null record for a step that does not exist", async () => {
      const { stage } = await runWithStage(fixture);
      expect(await fixture.stepLedger().compareAndSet(stage.id, "never", { status: "running" }, { status: "completed" })).toEqual({
        applied: false,
        record: null,
      });
    });

    it("should overwrite a previous result with null", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { result: "old" }));
      const outcome = await ledger.compareAndSet(stage.id, "download", { status: "running" }, { result: null, status: "completed" });
      expect(outcome.record!.result).toBeNull();
    });

    it("applies for exactly one of two callers expecting the same state", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id));
      const outcomes = await Promise.all([
        ledger.compareAndSet(stage.id, "download", { status: "running", attempt: 1 }, { attempt: 2, result: "a" }),
        ledger.compareAndSet(stage.id, "download", { status: "running", attempt: 1 }, { attempt: 2, result: "b" }),
      ]);
      expect(outcomes.filter((o) => o.applied)).toHaveLength(1);
      expect((await ledger.get(stage.id, "download"))!.result).toBe(outcomes.find((o) => o.applied)!.record!.result);
    });
  });

  describe("list operation", () => {
    it("should return the stage's steps ordered by seq", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      for (const [stepId, seq] of [["c", 3], ["a", 1], ["b", 2]] as const) await ledger.claim(step(stage.id, { stepId, seq }));
      expect((await ledger.list(stage.id)).map((s) => [s.stepId, s.seq])).toEqual([["a", 1], ["b", 2], ["c", 3]]);
    });

    it("should return only the requested stage's steps", async () => {
      const { run, stage } = await runWithStage(fixture);
      const other = await fixture.persistence.createStage({ workflowRunId: run.id, stageId: "s2", stageName: "S2", stageNumber: 2, executionGroup: 2 });
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { stepId: "mine" }));
      await ledger.claim(step(other.id, { stepId: "theirs" }));
      expect((await ledger.list(stage.id)).map((s) => s.stepId)).toEqual(["mine"]);
    });

    it("should return an empty array for a stage with no steps", async () => {
      const { stage } = await runWithStage(fixture);
      expect(await fixture.stepLedger().list(stage.id)).toEqual([]);
    });
  });

  describe("clear and clearExcept operations", () => {
    it("should delete every row of the stage and leave other stages alone", async () => {
      const { run, stage } = await runWithStage(fixture);
      const other = await fixture.persistence.createStage({ workflowRunId: run.id, stageId: "s2", stageName: "S2", stageNumber: 2, executionGroup: 2 });
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { stepId: "a" }));
      await ledger.claim(step(stage.id, { stepId: "b", seq: 2 }));
      await ledger.claim(step(other.id, { stepId: "a" }));
      await ledger.clear(stage.id);
      expect(await ledger.list(stage.id)).toEqual([]);
      expect(await ledger.list(other.id)).toHaveLength(1);
    });

    it("should keep only the named steps and leave other stages alone", async () => {
      const { run, stage } = await runWithStage(fixture);
      const other = await fixture.persistence.createStage({ workflowRunId: run.id, stageId: "s2", stageName: "S2", stageNumber: 2, executionGroup: 2 });
      const ledger = fixture.stepLedger();
      for (const [stepId, seq] of [["a", 1], ["b", 2], ["c", 3]] as const) await ledger.claim(step(stage.id, { stepId, seq }));
      await ledger.claim(step(other.id, { stepId: "b" }));
      await ledger.clearExcept(stage.id, ["b", "c", "not-there"]);
      expect((await ledger.list(stage.id)).map((s) => s.stepId)).toEqual(["b", "c"]);
      expect(await ledger.list(other.id)).toHaveLength(1);
    });

    it("should clear everything when clearExcept is given an empty keep list", async () => {
      const { stage } = await runWithStage(fixture);
      const ledger = fixture.stepLedger();
      await ledger.claim(step(stage.id, { stepId: "a" }));
      await ledger.clearExcept(stage.id, []);
      expect(await ledger.list(stage.id)).toEqual([]);
    });
  });

  it("goes with its stage: deleting the stage record deletes its steps", async () => {
    const { stage } = await runWithStage(fixture);
    await fixture.stepLedger().claim(step(stage.id));
    await fixture.persistence.deleteStage(stage.id);
    const { rows } = await sql<{ n: unknown }>`select count(*) as n from workflow_steps`.execute(fixture.db);
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
