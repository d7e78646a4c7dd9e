import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError } from "../../src/errors.js";
import { BACKENDS, runInput, sleep, stageInput, useBackend, expectStampedSince } from "./backends.js";

describe.each(BACKENDS)("WorkflowPersistence stages on $name", (backend) => {
  const fixture = useBackend(backend);
  const newRun = async () => (await fixture.persistence.createRun(runInput())).id;

  describe("createStage", () => {
    it("stores the stage with PENDING by default", async () => {
      const runId = await newRun();
      const stage = await fixture.persistence.createStage(
        stageInput(runId, "extract", { stageNumber: 2, executionGroup: 3, inputData: { file: "a.pdf" }, config: { x: 1 } }),
      );
      expect(stage).toMatchObject({
        workflowRunId: runId,
        stageId: "extract",
        stageName: "Stage extract",
        stageNumber: 2,
        executionGroup: 3,
        status: "PENDING",
        startedAt: null,
        inputData: { file: "a.pdf" },
        config: { x: 1 },
        outputData: null,
        nextPollAt: null,
        errorMessage: null,
      });
      expect(await fixture.persistence.getStageById(stage.id)).toEqual(stage);
      expect(await fixture.persistence.getStage(runId, "extract")).toEqual(stage);
    });

    it("refuses a stage of a missing run (NotFoundError) and a duplicate stage id (ConflictError)", async () => {
      const missing = await fixture.persistence.createStage(stageInput("no-run", "s")).catch((e) => e);
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing.id).toBe("no-run");
      const runId = await newRun();
      await fixture.persistence.createStage(stageInput(runId, "s"));
      expect(await fixture.persistence.createStage(stageInput(runId, "s")).catch((e) => e)).toBeInstanceOf(ConflictError);
    });
  });

  describe("upsertStage", () => {
    const upsert = (runId: string, update: Record<string, unknown> = {}, create: Record<string, unknown> = {}) =>
      fixture.persistence.upsertStage({
        workflowRunId: runId,
        stageId: "s1",
        create: { workflowRunId: runId, stageId: "s1", stageName: "First", stageNumber: 1, executionGroup: 1, ...create },
        update,
      });

    it("creates RUNNING, started now, when the stage does not exist", async () => {
      const runId = await newRun();
      const before = Date.now();
      const stage = await upsert(runId);
      expect(stage.status).toBe("RUNNING");
      expectStampedSince(stage.startedAt!, before);
    });

    it("applies every UpdateStageInput field given in update when it exists", async () => {
      const runId = await newRun();
      const created = await upsert(runId, {}, { inputData: { v: 1 } });
      const completedAt = new Date("2030-01-02T00:00:00.002Z");
      const updated = await upsert(runId, {
        status: "FAILED",
        completedAt,
        duration: 12,
        outputData: { partial: true, skipped: undefined },
        errorMessage: "boom",
        metrics: { tokens: 5 },
        artifacts: ["ignored: no column"],
      });
      expect(updated.id).toBe(created.id);
      expect(updated).toMatchObject({ status: "FAILED", duration: 12, outputData: { partial: true }, errorMessage: "boom", metrics: { tokens: 5 }, inputData: { v: 1 } });
      expect(updated.completedAt!.getTime()).toBe(completedAt.getTime());
    });

    it("changes only status and startedAt when it exists", async () => {
      const runId = await newRun();
      const created = await upsert(runId, {}, { inputData: { v: 1 } });
      await sleep(5);
      const startedAt = new Date("2030-01-01T00:00:00.001Z");
      const updated = await upsert(runId, { status: "COMPLETED", startedAt }, { stageName: "Other", inputData: { v: 2 } });
      expect(updated.id).toBe(created.id);
      expect(updated).toMatchObject({ status: "COMPLETED", stageName: "First", inputData: { v: 1 } });
      expect(updated.startedAt!.getTime()).toBe(startedAt.getTime());
      expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
    });

    it("gives racing callers the same single row", async () => {
      const runId = await newRun();
      const stages = await Promise.all(Array.from({ length: 10 }, () => upsert(runId)));
      expect(new Set(stages.map((stage) => stage.id)).size).toBe(1);
      expect(await fixture.persistence.getStagesByRun(runId)).toHaveLength(1);
    });

    it("refuses ids in create that contradict the top-level ones", async () => {
      const runId = await newRun();
      const error = await upsert(runId, {}, { stageId: "other" }).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.field).toBe("data.create.stageId");
    });
  });

  describe("updating stages", () => {
    it("updateStage sets given fields, clears null ones, leaves undefined ones", async () => {
      const runId = await newRun();
      const stage = await fixture.persistence.createStage(stageInput(runId, "s"));
      const nextPollAt = new Date("2031-02-03T04:05:06.789Z");
      await fixture.persistence.updateStage(stage.id, {
        status: "SUSPENDED",
        nextPollAt,
        pollInterval: 30,
        suspendedState: { batchId: "b1" },
        errorMessage: "waiting",
      });
      let read = (await fixture.persistence.getStageById(stage.id))!;
      expect(read).toMatchObject({ status: "SUSPENDED", pollInterval: 30, suspendedState: { batchId: "b1" }, errorMessage: "waiting" });
      expect(read.nextPollAt!.getTime()).toBe(nextPollAt.getTime());

      await fixture.persistence.updateStage(stage.id, { nextPollAt: null, errorMessage: null, status: undefined });
      read = (await fixture.persistence.getStageById(stage.id))!;
      expect(read).toMatchObject({ status: "SUSPENDED", nextPollAt: null, errorMessage: null, pollInterval: 30 });
    });

    it("accepts the engine's artifacts field and stores nothing for it (no column)", async () => {
      const runId = await newRun();
      const stage = await fixture.persistence.createStage(stageInput(runId, "s"));
      await fixture.persistence.updateStage(stage.id, { status: "COMPLETED", artifacts: { report: "k" } });
      await fixture.persistence.updateStageByRunAndStageId(runId, "s", { artifacts: [1] });
      expect((await fixture.persistence.getStageById(stage.id))!.status).toBe("COMPLETED");
    });

    it("updateStageByRunAndStageId addresses the stage by its run and stage id", async () => {
      const runId = await newRun();
      await fixture.persistence.createStage(stageInput(runId, "s"));
      await fixture.persistence.updateStageByRunAndStageId(runId, "s", { status: "COMPLETED", outputData: [1, 2], duration: 12 });
      expect(await fixture.persistence.getStage(runId, "s")).toMatchObject({ status: "COMPLETED", outputData: [1, 2], duration: 12 });
    });

    it("throws NotFoundError for missing stages", async () => {
      const runId = await newRun();
      const byId = await fixture.persistence.updateStage("missing", { status: "RUNNING" }).catch((e) => e);
      expect(byId).toBeInstanceOf(NotFoundError);
      expect(byId.id).toBe("missing");
      const byKey = await fixture.persistence.updateStageByRunAndStageId(runId, "nope", {}).catch((e) => e);
      expect(byKey).toBeInstanceOf(NotFoundError);
      expect(byKey.id).toBe(`${runId}/nope`);
      expect(await fixture.persistence.deleteStage("missing").catch((e) => e)).toBeInstanceOf(NotFoundError);
    });

    it("deleteStage removes the stage with its logs and artifacts", async () => {
      const runId = await newRun();
      const stage = await fixture.persistence.createStage(stageInput(runId, "s"));
      await fixture.persistence.createLog({ workflowRunId: runId, workflowStageId: stage.id, level: "INFO", message: "m" });
      await fixture.persistence.saveArtifact({ workflowRunId: runId, workflowStageId: stage.id, key: "k", type: "ARTIFACT", data: 1 });
      await fixture.persistence.deleteStage(stage.id);
      expect(await fixture.persistence.getStageById(stage.id)).toBeNull();
      expect(await fixture.counts()).toMatchObject({ workflow_logs: 0, workflow_artifacts: 0, workflow_runs: 1 });
    });
  });

  describe("stage queries", () => {
    // Pipeline: group 1: a(1) b(2); group 2: c(1) d(2); group 3: e(1)
    async function pipeline(statuses: Record<string, string> = {}) {
      const runId = await newRun();
      const layout: Array<[string, number, number]> = [["d", 2, 2], ["a", 1, 1], ["e", 3, 1], ["c", 2, 1], ["b", 1, 2]];
      for (const [stageId, executionGroup, stageNumber] of layout) {
        await fixture.persistence.createStage(
          stageInput(runId, stageId, { executionGroup, stageNumber, status: statuses[stageId] ?? "PENDING" }),
        );
      }
      return runId;
    }
    const ids = (stages: Array<{ stageId: string }>) => stages.map((stage) => stage.stageId);

    it("getStagesByRun orders by group then number, both ways, and filters by status", async () => {
      const runId = await pipeline({ b: "COMPLETED", d: "COMPLETED" });
      expect(ids(await fixture.persistence.getStagesByRun(runId))).toEqual(["a", "b", "c", "d", "e"]);
      expect(ids(await fixture.persistence.getStagesByRun(runId, { orderBy: "desc" }))).toEqual(["e", "d", "c", "b", "a"]);
      expect(ids(await fixture.persistence.getStagesByRun(runId, { status: "COMPLETED" }))).toEqual(["b", "d"]);
      expect(await fixture.persistence.getStagesByRun("no-run")).toEqual([]);
    });

    it("finds the first failed and the last completed stage", async () => {
      const runId = await pipeline({ a: "COMPLETED", b: "COMPLETED", c: "COMPLETED", d: "FAILED", e: "FAILED" });
      expect((await fixture.persistence.getFirstFailedStage(runId))?.stageId).toBe("d");
      expect((await fixture.persistence.getLastCompletedStage(runId))?.stageId).toBe("c");
      expect((await fixture.persistence.getLastCompletedStageBefore(runId, 2))?.stageId).toBe("b");
      expect(await fixture.persistence.getLastCompletedStageBefore(runId, 1)).toBeNull();
      expect(await fixture.persistence.getFirstFailedStage(await pipeline())).toBeNull();
    });

    it("finds the first suspended stage ready to resume (no pending poll)", async () => {
      const runId = await pipeline({ b: "SUSPENDED", c: "SUSPENDED", d: "SUSPENDED" });
      await fixture.persistence.updateStageByRunAndStageId(runId, "b", { nextPollAt: new Date(Date.now() + 60_000) });
      expect((await fixture.persistence.getFirstSuspendedStageReadyToResume(runId))?.stageId).toBe("c");
    });

    it("getSuspendedStages returns suspended stages due by the given time, across runs", async () => {
      const first = await pipeline({ a: "SUSPENDED", b: "SUSPENDED", c: "SUSPENDED" });
      const second = await pipeline({ a: "SUSPENDED" });
      const at = (iso: string) => new Date(iso);
      await fixture.persistence.updateStageByRunAndStageId(first, "a", { nextPollAt: at("2030-01-01T00:00:02Z") });
      await fixture.persistence.updateStageByRunAndStageId(first, "b", { nextPollAt: at("2030-01-01T00:00:10Z") });
      await fixture.persistence.updateStageByRunAndStageId(second, "a", { nextPollAt: at("2030-01-01T00:00:01Z") });
      await fixture.persistence.updateStageByRunAndStageId(second, "b", { nextPollAt: at("2030-01-01T00:00:00Z") }); // PENDING
      const due = await fixture.persistence.getSuspendedStages(at("2030-01-01T00:00:02Z"));
      expect(due.map((stage) => [stage.workflowRunId, stage.stageId])).toEqual([
        [second, "a"],
        [first, "a"],
      ]);
    });
  });
});
