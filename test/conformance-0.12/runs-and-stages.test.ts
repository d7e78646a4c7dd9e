import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { NotFoundError, StaleVersionError, ValidationError } from "../../src/v0.12.js";
import { createKyselyWorkflowPersistence012 } from "../../src/persistence/kysely-workflow-persistence-0.12.js";
import { BACKENDS, runInput, sleep, stageInput, useBackend012 } from "./fixture.js";

/** Stands in for the engine's own class: instances must be made from it. */
class EngineStaleVersionError extends Error {
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`engine: stale ${entity}`);
  }
}

describe.each(BACKENDS)("0.12 runs and stages on $name", (backend) => {
  const fixture = useBackend012(backend);

  it("creates runs at version 1 with JSON metadata and a given id", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput({ id: "run-given", metadata: { tenant: "t1", nested: { a: [1, 2] }, gone: undefined } }));
    expect(run).toMatchObject({ id: "run-given", version: 1, metadata: { tenant: "t1", nested: { a: [1, 2] } } });
    expect(await persistence.getRun("run-given")).toMatchObject({ version: 1, metadata: { tenant: "t1", nested: { a: [1, 2] } } });
    const plain = await persistence.createRun(runInput());
    expect(plain.metadata).toBeNull();
  });

  it("adds 1 to version on every update, claim and upsert, with or without expectedVersion", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput());
    await persistence.updateRun(run.id, { totalTokens: 5 });
    await persistence.updateRun(run.id, { totalTokens: 6, expectedVersion: 2 });
    expect((await persistence.getRun(run.id))!.version).toBe(3);
    const claimed = await persistence.claimNextPendingRun();
    expect(claimed).toMatchObject({ id: run.id, status: "RUNNING", version: 4 });
    const other = await persistence.createRun(runInput());
    expect(await persistence.claimPendingRun(other.id)).toBe(true);
    expect((await persistence.getRun(other.id))!.version).toBe(2);

    const stage = await persistence.createStage(stageInput(run.id, "s1"));
    expect(stage).toMatchObject({ version: 1, attempt: 0 });
    await persistence.updateStage(stage.id, { status: "RUNNING" });
    await persistence.updateStageByRunAndStageId(run.id, "s1", { metrics: { n: 1 }, expectedVersion: 2 });
    const upserted = await persistence.upsertStage({ workflowRunId: run.id, stageId: "s1", create: stageInput(run.id, "s1"), update: { status: "COMPLETED" } });
    expect(upserted).toMatchObject({ version: 4, status: "COMPLETED" });
    const created = await persistence.upsertStage({ workflowRunId: run.id, stageId: "s2", create: { ...stageInput(run.id, "s2"), attempt: 2 }, update: {} });
    expect(created).toMatchObject({ version: 1, attempt: 2 });
  });

  it("refuses a stale expectedVersion with StaleVersionError and writes nothing", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput());
    const error = await persistence.updateRun(run.id, { status: "FAILED", expectedVersion: 7 }).catch((e) => e);
    expect(error).toBeInstanceOf(StaleVersionError);
    expect(error).toMatchObject({ name: "StaleVersionError", entity: "WorkflowRun", id: run.id, expected: 7, actual: 1 });
    expect(error.message).toBe(`Stale version on WorkflowRun ${run.id}: expected 7, got 1`);
    expect(await persistence.getRun(run.id)).toMatchObject({ status: "PENDING", version: 1 });

    const stage = await persistence.createStage(stageInput(run.id, "s1"));
    await expect(persistence.updateStage(stage.id, { status: "FAILED", expectedVersion: 2 })).rejects.toMatchObject({
      entity: "WorkflowStage", id: stage.id, expected: 2, actual: 1,
    });
    await expect(persistence.updateStageByRunAndStageId(run.id, "s1", { status: "FAILED", expectedVersion: 0 })).rejects.toMatchObject({
      entity: "WorkflowStage", id: stage.id, expected: 0, actual: 1,
    });
    expect(await persistence.getStage(run.id, "s1")).toMatchObject({ status: "PENDING", version: 1 });
  });

  it("reports a missing row as NotFoundError, or with expectedVersion as StaleVersionError with actual -1", async () => {
    const { persistence } = fixture;
    await expect(persistence.updateRun("nope", { status: "FAILED" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(persistence.updateRun("nope", { status: "FAILED", expectedVersion: 1 })).rejects.toMatchObject({
      name: "StaleVersionError", entity: "WorkflowRun", id: "nope", actual: -1,
    });
    await expect(persistence.updateStageByRunAndStageId("r", "s", { expectedVersion: 1 })).rejects.toMatchObject({ id: "r/s", actual: -1 });
  });

  it("throws instances of the class handed in as staleVersionError", async () => {
    if (backend.kind !== "kysely") return; // the option is the same object on every path; one backend proves it
    const persistence = createKyselyWorkflowPersistence012(fixture.db, { staleVersionError: EngineStaleVersionError });
    const run = await persistence.createRun(runInput());
    const error = await persistence.updateRun(run.id, { expectedVersion: 3 }).catch((e) => e);
    expect(error).toBeInstanceOf(EngineStaleVersionError);
    expect(error).toMatchObject({ entity: "WorkflowRun", id: run.id, expected: 3, actual: 1 });
  });

  it("lets exactly one of two writers holding the same version win", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput());
    const results = await Promise.allSettled([
      persistence.updateRun(run.id, { totalTokens: 1, expectedVersion: 1 }),
      persistence.updateRun(run.id, { totalTokens: 2, expectedVersion: 1 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toBeInstanceOf(StaleVersionError);
    expect((await persistence.getRun(run.id))!.version).toBe(2);
  });

  it("clears completedAt and duration with null and validates 0.12 fields", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput());
    await persistence.updateRun(run.id, { completedAt: new Date(), duration: 5 });
    await persistence.updateRun(run.id, { completedAt: null, duration: null });
    expect(await persistence.getRun(run.id)).toMatchObject({ completedAt: null, duration: null });
    await expect(persistence.updateRun(run.id, { expectedVersion: 1.5 })).rejects.toMatchObject({ field: "data.expectedVersion" });
    await expect(persistence.createStage({ ...stageInput(run.id, "s"), attempt: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(persistence.createRun(runInput({ metadata: [1] }))).rejects.toMatchObject({ field: "data.metadata" });
    expect(await fixture.counts()).toMatchObject({ workflow_runs: 1, workflow_stages: 0 });
  });

  it("finds stuck runs: RUNNING, not updated since, no stage updated since", async () => {
    const { persistence } = fixture;
    const stuck = await persistence.createRun(runInput());
    const busyStage = await persistence.createRun(runInput());
    const pending = await persistence.createRun(runInput());
    await persistence.claimPendingRun(stuck.id);
    await persistence.claimPendingRun(busyStage.id);
    const stage = await persistence.createStage(stageInput(busyStage.id, "s1"));
    await sleep(30);
    const since = new Date();
    await sleep(30);
    await persistence.updateStage(stage.id, { status: "RUNNING" });
    const found = await persistence.getStuckRuns(since);
    expect(found.map((run) => run.id)).toEqual([stuck.id]);
    expect(found[0]).toMatchObject({ status: "RUNNING", version: 2 });
    expect(pending.status).toBe("PENDING");
    await expect(persistence.getStuckRuns("yesterday" as never)).rejects.toBeInstanceOf(ValidationError);
  });

  it("stores log levels and artifact types as text, and unlinks artifacts and annotations of a deleted stage", async () => {
    const { persistence, db } = fixture;
    const run = await persistence.createRun(runInput());
    const stage = await persistence.createStage(stageInput(run.id, "s1"));
    await persistence.createLog({ workflowRunId: run.id, workflowStageId: stage.id, level: "WARN", message: "m" });
    await persistence.saveArtifact({ workflowRunId: run.id, workflowStageId: stage.id, key: "k", type: "ARTIFACT", data: { x: 1 }, size: 7 });
    await persistence.appendAnnotations([{ workflowRunId: run.id, workflowStageRecordId: stage.id, scope: "stage", key: "a", value: 1 }]);
    const { rows } = await sql<{ level: string }>`select level from workflow_logs`.execute(db);
    expect(rows[0]!.level).toBe("WARN");
    await persistence.deleteStage(stage.id);
    expect((await persistence.listArtifacts(run.id))[0]).toMatchObject({ key: "k", workflowStageId: null });
    expect((await persistence.listAnnotations(run.id))[0]).toMatchObject({ key: "a", workflowStageRecordId: null });
  });

  it("withTransaction commits together or not at all", async () => {
    const { persistence } = fixture;
    const run = await persistence.createRun(runInput());
    await expect(
      persistence.withTransaction(async (tx) => {
        await tx.updateRun(run.id, { status: "RUNNING" });
        await tx.appendOutboxEvents([{ workflowRunId: run.id, eventType: "run:started", payload: {}, causationId: "c", occurredAt: new Date() }]);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await persistence.getRun(run.id)).toMatchObject({ status: "PENDING", version: 1 });
    expect(await persistence.getUnpublishedOutboxEvents()).toEqual([]);
    const value = await persistence.withTransaction(async (tx) => {
      await tx.updateRun(run.id, { status: "RUNNING", expectedVersion: 1 });
      await tx.appendOutboxEvents([{ workflowRunId: run.id, eventType: "run:started", payload: {}, causationId: "c", occurredAt: new Date() }]);
      return 42;
    });
    expect(value).toBe(42);
    expect((await persistence.getUnpublishedOutboxEvents()).map((e) => e.sequence)).toEqual([1]);
  });
});
