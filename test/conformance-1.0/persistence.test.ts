import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/v1.js";
import { BACKENDS, runInput, stageInput, useBackend10 } from "./fixture.js";

// The engine's 1.0 PersistenceCore additions, case by case as
// CONTRACT-DELTA.md §5 names them, and the changed methods, on every backend.
describe.each(BACKENDS)("1.0 WorkflowPersistence on $name", (backend) => {
  const fixture = useBackend10(backend);
  const count = async (table: string) =>
    Number((await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table)}`.execute(fixture.db)).rows[0]!.n);

  /** A run finished at `completedAt` (or, without it, last updated at `updatedAt`). */
  async function finishedRun(status: "COMPLETED" | "FAILED" | "CANCELLED", at: Date, options: { completed?: boolean } = {}) {
    const p = fixture.persistence;
    const run = await p.createRun(runInput({ workflowType: `type-${status}` }));
    await p.updateRun(run.id, { status, ...(options.completed === false ? {} : { completedAt: at }) });
    if (options.completed === false) {
      const value = backend.databaseType === "postgresql" ? sql`${at.toISOString()}::timestamp` : sql`${at.toISOString().replace("Z", "+00:00")}`;
      await sql`update workflow_runs set "updatedAt" = ${value} where id = ${run.id}`.execute(fixture.db);
    }
    return run;
  }

  describe("retention operations", () => {
    it("should list terminal runs that finished at or before the cutoff, oldest first", async () => {
      const cutoff = new Date("2026-06-01T00:00:00.000Z");
      const newer = await finishedRun("COMPLETED", new Date("2026-05-20T00:00:00.000Z"));
      const older = await finishedRun("FAILED", new Date("2026-01-01T00:00:00.000Z"));
      const atCutoff = await finishedRun("CANCELLED", cutoff);
      const noCompletedAt = await finishedRun("CANCELLED", new Date("2026-03-01T00:00:00.000Z"), { completed: false });
      await finishedRun("COMPLETED", new Date("2026-07-01T00:00:00.000Z")); // after the cutoff
      await fixture.persistence.createRun(runInput()); // PENDING
      const listed = await fixture.persistence.listRunsForPurge(cutoff, ["COMPLETED", "FAILED", "CANCELLED"], 10);
      expect(listed.map((run) => run.id)).toEqual([older.id, noCompletedAt.id, newer.id, atCutoff.id]);
      expect(listed[0]).toMatchObject({ workflowType: "type-FAILED", status: "FAILED" });
    });

    it("should honour the status filter and the limit", async () => {
      const at = new Date("2026-01-01T00:00:00.000Z");
      const failed1 = await finishedRun("FAILED", at);
      await finishedRun("COMPLETED", at);
      await finishedRun("FAILED", new Date("2026-01-02T00:00:00.000Z"));
      const cutoff = new Date("2026-02-01T00:00:00.000Z");
      expect((await fixture.persistence.listRunsForPurge(cutoff, ["FAILED"], 1)).map((run) => run.id)).toEqual([failed1.id]);
      expect(await fixture.persistence.listRunsForPurge(cutoff, ["FAILED"], 5)).toHaveLength(2);
    });

    it("should return each run's stage record ids", async () => {
      const run = await finishedRun("COMPLETED", new Date("2026-01-01T00:00:00.000Z"));
      const a = await fixture.persistence.createStage(stageInput(run.id, "a"));
      const b = await fixture.persistence.createStage(stageInput(run.id, "b"));
      const bare = await finishedRun("COMPLETED", new Date("2026-01-02T00:00:00.000Z"));
      const listed = await fixture.persistence.listRunsForPurge(new Date("2026-02-01T00:00:00.000Z"), ["COMPLETED"], 10);
      expect(listed.find((r) => r.id === run.id)!.stageRecordIds.sort()).toEqual([a.id, b.id].sort());
      expect(listed.find((r) => r.id === bare.id)!.stageRecordIds).toEqual([]);
    });

    it("should delete a run with its stages and logs, and ignore a missing id", async () => {
      const p = fixture.persistence;
      const run = await finishedRun("COMPLETED", new Date("2026-01-01T00:00:00.000Z"));
      const keep = await p.createRun(runInput());
      const stage = await p.createStage(stageInput(run.id, "a"));
      await p.createStage(stageInput(keep.id, "a"));
      await p.createLog({ workflowRunId: run.id, workflowStageId: stage.id, level: "INFO", message: "m" });
      await p.saveArtifact({ workflowRunId: run.id, workflowStageId: stage.id, key: "k", type: "ARTIFACT", data: { a: 1 }, size: 1 });
      await p.appendAnnotations([{ workflowRunId: run.id, scope: "run", key: "k", value: 1 }]);
      await fixture.stepLedger().claim({ stageRecordId: stage.id, stepId: "x", seq: 1, kind: "run", status: "completed", attempt: 1, leaseExpiresAt: null, deadlineAt: null });
      await p.appendOutboxEvents([{ workflowRunId: run.id, eventType: "e", payload: {}, causationId: "c", occurredAt: new Date() }]);
      await p.deleteRun(run.id);
      expect(await p.getRun(run.id)).toBeNull();
      for (const table of ["workflow_logs", "workflow_artifacts", "workflow_annotations", "workflow_steps"]) expect(await count(table)).toBe(0);
      expect(await count("workflow_stages")).toBe(1); // the other run's
      expect(await count("outbox_events")).toBe(1); // no event emitted, none deleted
      await expect(p.deleteRun(run.id)).resolves.toBeUndefined();
      await expect(p.deleteRun("never-was")).resolves.toBeUndefined();
    });

    it("refuses bad arguments by name", async () => {
      const p = fixture.persistence;
      await expect(p.listRunsForPurge(new Date(), ["RUNNING" as never], 1)).rejects.toMatchObject({ field: "statuses.0" });
      await expect(p.listRunsForPurge(new Date(), "FAILED" as never, 1)).rejects.toMatchObject({ field: "statuses" });
      await expect(p.listRunsForPurge(new Date(), ["FAILED"], -1)).rejects.toMatchObject({ field: "limit" });
      await expect(p.listRunsForPurge("2026" as never, ["FAILED"], 1)).rejects.toMatchObject({ field: "cutoff" });
    });
  });

  describe("definition versioning", () => {
    const definition = { workflowId: "wf", version: "v1", snapshot: { stages: ["a", "b"] }, structureHash: "h1" };

    it("reports whether the schema behind the adapter carries it", async () => {
      expect(fixture.persistence.supportsDefinitionVersioning()).toBe(true);
      expect(await fixture.persistence.ensureDefinitionVersioningDetected()).toBe(true);
      // Detection inside a caller's transaction leaves it usable.
      await fixture.persistence.withTransaction(async (tx) => {
        expect(await tx.ensureDefinitionVersioningDetected()).toBe(true);
        await tx.createRun(runInput());
      });
      expect(await count("workflow_runs")).toBe(1);
    });

    it("stores a definition snapshot once and returns the stored row on re-registration", async () => {
      const p = fixture.persistence;
      const stored = await p.insertDefinitionIfAbsent(definition);
      expect(stored).toMatchObject(definition);
      expect(stored!.createdAt).toBeInstanceOf(Date);
      const again = await p.insertDefinitionIfAbsent({ ...definition, snapshot: { stages: ["changed"] }, structureHash: "h2" });
      expect(again).toEqual(stored);
      expect(await p.getDefinition("wf", "v1")).toEqual(stored);
      // Inside a transaction, re-registering raises nothing: the transaction goes on.
      await p.withTransaction(async (tx) => {
        await tx.insertDefinitionIfAbsent(definition);
        await tx.createRun(runInput({ definitionVersion: "v1" }));
      });
      expect(await count("workflow_definitions")).toBe(1);
    });

    it("returns null for a definition that was never registered", async () => {
      expect(await fixture.persistence.getDefinition("wf", "nope")).toBeNull();
    });

    it("counts runs grouped by workflow, version and status", async () => {
      const p = fixture.persistence;
      const early = await p.createRun(runInput({ workflowId: "wf", definitionVersion: "v1" }));
      await p.createRun(runInput({ workflowId: "wf", definitionVersion: "v1" }));
      const running = await p.createRun(runInput({ workflowId: "wf", definitionVersion: "v1" }));
      await p.updateRun(running.id, { status: "RUNNING" });
      await p.createRun(runInput({ workflowId: "wf", definitionVersion: "v2" }));
      await p.createRun(runInput({ workflowId: "wf" })); // unpinned
      await p.createRun(runInput({ workflowId: "other", definitionVersion: "v1" }));
      const counts = await p.countRunsByDefinitionVersion({ workflowId: "wf" });
      expect(counts.map((c) => [c.definitionVersion, c.status, c.count])).toEqual([
        [null, "PENDING", 1],
        ["v1", "PENDING", 2],
        ["v1", "RUNNING", 1],
        ["v2", "PENDING", 1],
      ]);
      expect(counts[1]!.oldestCreatedAt!.getTime()).toBe(early.createdAt.getTime());
      expect(await p.countRunsByDefinitionVersion({ workflowId: "wf", definitionVersion: "v1", status: ["RUNNING"] })).toMatchObject([
        { workflowId: "wf", definitionVersion: "v1", status: "RUNNING", count: 1 },
      ]);
      expect(await p.countRunsByDefinitionVersion()).toHaveLength(5);
    });

    it("claims only runs pinned to a version the caller serves", async () => {
      const p = fixture.persistence;
      await p.createRun(runInput({ workflowId: "wf", definitionVersion: "v1", priority: 9 }));
      const v2 = await p.createRun(runInput({ workflowId: "wf", definitionVersion: "v2" }));
      await p.createRun(runInput({ workflowId: "other", definitionVersion: "v2", priority: 9 }));
      const claimed = await p.claimNextPendingRun({ serves: [{ workflowId: "wf", version: "v2" }] });
      expect(claimed).toMatchObject({ id: v2.id, status: "RUNNING", definitionVersion: "v2" });
      expect(await p.claimNextPendingRun({ serves: [{ workflowId: "wf", version: "v2" }] })).toBeNull();
      expect(await p.claimNextPendingRun({ serves: [] })).toBeNull();
    });

    it("claims a run created before versioning regardless of what the caller serves", async () => {
      const p = fixture.persistence;
      const legacy = await p.createRun(runInput({ workflowId: "wf" }));
      expect(legacy.definitionVersion).toBeNull();
      // Unpinned: claimable by a host that serves its workflow, whatever version it presents.
      expect(await p.claimNextPendingRun({ serves: [{ workflowId: "other", version: "v9" }] })).toBeNull();
      expect(await p.claimNextPendingRun({ serves: [{ workflowId: "wf", version: "v9" }] })).toMatchObject({ id: legacy.id });
    });
  });

  describe("outbox operations", () => {
    const event = (workflowRunId: string, eventType: string) => ({ workflowRunId, eventType, payload: { eventType }, causationId: "c", occurredAt: new Date() });

    it("should hand each unpublished event to exactly one claimant, in order", async () => {
      const p = fixture.persistence;
      await p.appendOutboxEvents([event("r2", "x"), event("r1", "a"), event("r1", "b"), event("r2", "y"), event("r1", "c")]);
      const [first, second, third] = await Promise.all([
        p.claimUnpublishedOutboxEvents(2),
        p.claimUnpublishedOutboxEvents(2),
        p.claimUnpublishedOutboxEvents(2),
      ]);
      const all = [...first!, ...second!, ...third!];
      expect(all).toHaveLength(5);
      expect(new Set(all.map((e) => e.id)).size).toBe(5);
      for (const batch of [first!, second!, third!]) {
        const keys = batch.map((e) => `${e.workflowRunId}:${String(e.sequence).padStart(3, "0")}`);
        expect(keys).toEqual([...keys].sort());
        for (const claimed of batch) expect(claimed.publishedAt).toBeInstanceOf(Date);
      }
      expect(await p.claimUnpublishedOutboxEvents()).toEqual([]);
      expect(await p.getUnpublishedOutboxEvents()).toEqual([]);
    });

    it("should make released events claimable again", async () => {
      const p = fixture.persistence;
      await p.appendOutboxEvents([event("r1", "a"), event("r1", "b")]);
      const claimed = await p.claimUnpublishedOutboxEvents(10);
      await p.releaseOutboxEvents([claimed[1]!.id]);
      const again = await p.claimUnpublishedOutboxEvents(10);
      expect(again.map((e) => [e.id, e.publishedAt instanceof Date])).toEqual([[claimed[1]!.id, true]]);
      await expect(p.releaseOutboxEvents(["no-such-event"])).rejects.toMatchObject({ name: "NotFoundError" });
    });

    it("never claims a dead-lettered event", async () => {
      const p = fixture.persistence;
      await p.appendOutboxEvents([event("r1", "a"), event("r1", "b")]);
      const [dead] = await p.getUnpublishedOutboxEvents(1);
      await p.moveOutboxEventToDLQ(dead!.id);
      expect((await p.claimUnpublishedOutboxEvents()).map((e) => e.eventType)).toEqual(["b"]);
    });
  });

  describe("runs and stages", () => {
    it("pins runs, re-pins and counts redrives", async () => {
      const p = fixture.persistence;
      const run = await p.createRun(runInput({ definitionVersion: "v1" }));
      expect(run).toMatchObject({ definitionVersion: "v1", redriveCount: 0, version: 1 });
      await p.updateRun(run.id, { definitionVersion: "v2", redriveCount: 1 });
      expect(await p.getRun(run.id)).toMatchObject({ definitionVersion: "v2", redriveCount: 1, version: 2 });
      await p.updateRun(run.id, { definitionVersion: null });
      expect((await p.getRun(run.id))!.definitionVersion).toBeNull();
      await expect(p.updateRun(run.id, { redriveCount: 1.5 })).rejects.toMatchObject({ field: "data.redriveCount" });
    });

    it("clears an earlier attempt's completion, duration and error with null, and sets the attempt", async () => {
      const p = fixture.persistence;
      const run = await p.createRun(runInput());
      const stage = await p.createStage(stageInput(run.id, "a"));
      await p.updateStage(stage.id, { status: "FAILED", completedAt: new Date(), duration: 5, errorMessage: "boom" });
      await p.updateStage(stage.id, { status: "RUNNING", completedAt: null, duration: null, errorMessage: null, attempt: 1 });
      expect(await p.getStage(run.id, "a")).toMatchObject({ status: "RUNNING", completedAt: null, duration: null, errorMessage: null, attempt: 1 });
      const upserted = await p.upsertStage({ workflowRunId: run.id, stageId: "a", create: stageInput(run.id, "a"), update: { attempt: 2 } });
      expect(upserted.attempt).toBe(2);
    });

    it("claims with the caller's clock when given one", async () => {
      const p = fixture.persistence;
      await p.createRun(runInput());
      const now = new Date("2030-03-04T05:06:07.089Z");
      expect(await p.claimNextPendingRun({ now })).toMatchObject({ startedAt: now, updatedAt: now });
    });

    it("lists due suspended stages oldest first, capped, and only of runs the caller serves", async () => {
      const p = fixture.persistence;
      const served = await p.createRun(runInput({ workflowId: "wf", definitionVersion: "v1" }));
      const other = await p.createRun(runInput({ workflowId: "wf", definitionVersion: "v2" }));
      const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
      for (const [run, stageId, minutes] of [[served, "late", 30], [served, "early", 10], [other, "other", 5], [served, "mid", 20]] as const) {
        const stage = await p.createStage(stageInput(run.id, stageId));
        await p.updateStage(stage.id, { status: "SUSPENDED", nextPollAt: at(minutes) });
      }
      const before = at(60);
      expect((await p.getSuspendedStages(before)).map((s) => s.stageId)).toEqual(["other", "early", "mid", "late"]);
      expect((await p.getSuspendedStages(before, { limit: 2 })).map((s) => s.stageId)).toEqual(["other", "early"]);
      const serves = [{ workflowId: "wf", version: "v1" }];
      expect((await p.getSuspendedStages(before, { limit: 2, serves })).map((s) => s.stageId)).toEqual(["early", "mid"]);
      expect(await p.getSuspendedStages(before, { serves: [] })).toEqual([]);
      expect(await p.getSuspendedStages(before, { limit: 0 })).toEqual([]);
      await expect(p.getSuspendedStages(before, { limit: -1 })).rejects.toBeInstanceOf(ValidationError);
    });
  });
});
