import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/errors.js";
import { BACKENDS, runInput, sleep, stageInput, useBackend } from "./backends.js";

describe.each(BACKENDS)("WorkflowPersistence artifacts and logs on $name", (backend) => {
  const fixture = useBackend(backend);
  const newRun = async () => (await fixture.persistence.createRun(runInput())).id;

  describe("artifacts", () => {
    it("saves, loads, lists, replaces and deletes by (run, key)", async () => {
      const runId = await newRun();
      const p = fixture.persistence;
      await p.saveArtifact({ workflowRunId: runId, key: "b", type: "ARTIFACT", data: { v: 1 }, metadata: { m: true } });
      await sleep(5);
      await p.saveArtifact({ workflowRunId: runId, key: "a", type: "METADATA", data: "text" });
      expect(await p.loadArtifact(runId, "b")).toEqual({ v: 1 });
      expect(await p.hasArtifact(runId, "b")).toBe(true);
      expect(await p.hasArtifact(runId, "zzz")).toBe(false);
      expect(await p.loadArtifact(runId, "zzz")).toBeUndefined();

      const listed = await p.listArtifacts(runId);
      expect(listed.map((a) => a.key)).toEqual(["b", "a"]); // by createdAt, then key
      expect(listed[0]).toMatchObject({ type: "ARTIFACT", data: { v: 1 }, metadata: { m: true }, size: 7, workflowStageId: null });

      await p.saveArtifact({ workflowRunId: runId, key: "b", type: "STAGE_OUTPUT", data: [1, 2, 3] });
      const replaced = (await p.listArtifacts(runId)).find((a) => a.key === "b")!;
      // Omitted metadata is kept (README: saveArtifact on an existing key).
      expect(replaced).toMatchObject({ id: listed[0]!.id, type: "STAGE_OUTPUT", data: [1, 2, 3], metadata: { m: true } });
      expect(replaced.createdAt.getTime()).toBe(listed[0]!.createdAt.getTime());

      await p.deleteArtifact(runId, "b");
      expect(await p.hasArtifact(runId, "b")).toBe(false);
      const error = await p.deleteArtifact(runId, "b").catch((e) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.id).toBe(`${runId}/b`);
    });

    it("on an existing key replaces data, size and type, and stage link and metadata only when given", async () => {
      const runId = await newRun();
      const p = fixture.persistence;
      const stage = await p.createStage(stageInput(runId, "s"));
      await p.saveArtifact({ workflowRunId: runId, workflowStageId: stage.id, key: "k", type: "ARTIFACT", data: "first", metadata: { source: "a" } });
      await p.saveArtifact({ workflowRunId: runId, key: "k", type: "METADATA", data: { second: true } });
      let [artifact] = await p.listArtifacts(runId);
      expect(artifact).toMatchObject({ workflowStageId: stage.id, type: "METADATA", data: { second: true }, size: 15, metadata: { source: "a" } });
      await p.saveArtifact({ workflowRunId: runId, key: "k", type: "METADATA", data: 3, metadata: null });
      [artifact] = await p.listArtifacts(runId);
      expect(artifact).toMatchObject({ workflowStageId: stage.id, data: 3, size: 1, metadata: null });
      const other = await p.createStage(stageInput(runId, "t"));
      await p.saveArtifact({ workflowRunId: runId, workflowStageId: other.id, key: "k", type: "ARTIFACT", data: 4, metadata: { source: "b" } });
      [artifact] = await p.listArtifacts(runId);
      expect(artifact).toMatchObject({ workflowStageId: other.id, type: "ARTIFACT", data: 4, metadata: { source: "b" } });
    });

    it("measures size as UTF-8 bytes of the stored JSON unless given", async () => {
      const runId = await newRun();
      await fixture.persistence.saveArtifact({ workflowRunId: runId, key: "k", type: "ARTIFACT", data: "é€😀" });
      await fixture.persistence.saveArtifact({ workflowRunId: runId, key: "given", type: "ARTIFACT", data: 1, size: 99 });
      const sizes = Object.fromEntries((await fixture.persistence.listArtifacts(runId)).map((a) => [a.key, a.size]));
      expect(sizes).toEqual({ k: 2 + 2 + 3 + 4, given: 99 }); // quotes + é(2) + €(3) + 😀(4)
    });

    it("refuses an artifact of a missing run", async () => {
      const error = await fixture.persistence
        .saveArtifact({ workflowRunId: "no-run", key: "k", type: "ARTIFACT", data: 1 })
        .catch((e) => e);
      expect(error).toBeInstanceOf(NotFoundError);
    });

    it("getStageIdForArtifact returns the stage row id or null", async () => {
      const runId = await newRun();
      const stage = await fixture.persistence.createStage(stageInput(runId, "s"));
      expect(await fixture.persistence.getStageIdForArtifact(runId, "s")).toBe(stage.id);
      expect(await fixture.persistence.getStageIdForArtifact(runId, "other")).toBeNull();
    });

    it("saveStageOutput stores a STAGE_OUTPUT under the engine's key, linked to the stage", async () => {
      const runId = await newRun();
      const stage = await fixture.persistence.createStage(stageInput(runId, "summarize"));
      const key = await fixture.persistence.saveStageOutput(runId, "type-a", "summarize", { summary: "ok" });
      expect(key).toBe(`workflow-v2/type-a/${runId}/summarize/output.json`);
      const [artifact] = await fixture.persistence.listArtifacts(runId);
      expect(artifact).toMatchObject({ key, type: "STAGE_OUTPUT", data: { summary: "ok" }, size: 16, workflowStageId: stage.id });

      await fixture.persistence.saveStageOutput(runId, "type-a", "summarize", { summary: "again" });
      expect(await fixture.persistence.loadArtifact(runId, key)).toEqual({ summary: "again" });
      expect(await fixture.persistence.listArtifacts(runId)).toHaveLength(1);

      const orphanKey = await fixture.persistence.saveStageOutput(runId, "type-a", "no-stage", 1);
      expect((await fixture.persistence.listArtifacts(runId)).find((a) => a.key === orphanKey)?.workflowStageId).toBeNull();
    });
  });

  describe("logs", () => {
    it("writes every level, with a run, a stage, both or neither", async () => {
      const runId = await newRun();
      const stage = await fixture.persistence.createStage(stageInput(runId, "s"));
      const p = fixture.persistence;
      await p.createLog({ level: "DEBUG", message: "alone" });
      await p.createLog({ workflowRunId: runId, level: "INFO", message: "run", metadata: { a: [1] } });
      await p.createLog({ workflowStageId: stage.id, level: "WARN", message: "stage" });
      await p.createLog({ workflowRunId: runId, workflowStageId: stage.id, level: "ERROR", message: "both" });
      const { rows } = await sql<Record<string, unknown>>`
        select "level", "message", "workflowRunId", "workflowStageId", "metadata" from workflow_logs order by "message"`.execute(
        fixture.db,
      );
      const metadata = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);
      expect(rows.map((r) => [r.level, r.message, r.workflowRunId, r.workflowStageId, metadata(r.metadata)])).toEqual([
        ["DEBUG", "alone", null, null, null],
        ["ERROR", "both", runId, stage.id, null],
        ["INFO", "run", runId, null, { a: [1] }],
        ["WARN", "stage", null, stage.id, null],
      ]);
    });

    it("refuses a log line for a missing run", async () => {
      expect(await fixture.persistence.createLog({ workflowRunId: "no-run", level: "INFO", message: "m" }).catch((e) => e)).toBeInstanceOf(
        NotFoundError,
      );
    });
  });

  it("deleting a run cascades to its stages, logs and artifacts", async () => {
    const runId = await newRun();
    const stage = await fixture.persistence.createStage(stageInput(runId, "s"));
    await fixture.persistence.createLog({ workflowRunId: runId, level: "INFO", message: "m" });
    await fixture.persistence.createLog({ workflowStageId: stage.id, level: "INFO", message: "m" });
    await fixture.persistence.saveArtifact({ workflowRunId: runId, key: "k", type: "ARTIFACT", data: 1 });
    await fixture.persistence.saveStageOutput(runId, "t", "s", 2);
    await fixture.db.deleteFrom("workflow_runs").where("id", "=", runId).execute();
    expect(await fixture.counts()).toMatchObject({ workflow_runs: 0, workflow_stages: 0, workflow_logs: 0, workflow_artifacts: 0 });
  });
});
