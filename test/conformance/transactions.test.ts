import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/errors.js";
import { BACKENDS, runInput, stageInput, useBackend } from "./backends.js";

describe.each(BACKENDS)("WorkflowPersistence.transaction on $name", (backend) => {
  const fixture = useBackend(backend);

  it("commits every call together", async () => {
    const run = await fixture.persistence.createRun(runInput());
    await fixture.persistence.createStage(stageInput(run.id, "s"));
    const result = await fixture.persistence.transaction(async (tx) => {
      await tx.updateStageByRunAndStageId(run.id, "s", { status: "COMPLETED", outputData: { done: true } });
      const key = await tx.saveStageOutput(run.id, "type-a", "s", { done: true });
      await tx.updateRun(run.id, { status: "COMPLETED", completedAt: new Date() });
      return key;
    });
    expect(result).toContain("output.json");
    expect(await fixture.persistence.getRunStatus(run.id)).toBe("COMPLETED");
    expect((await fixture.persistence.getStage(run.id, "s"))?.status).toBe("COMPLETED");
    expect(await fixture.persistence.hasArtifact(run.id, result)).toBe(true);
  });

  it("rolls every call back when the work throws, and rethrows", async () => {
    const run = await fixture.persistence.createRun(runInput());
    await fixture.persistence.createStage(stageInput(run.id, "s"));
    const before = await fixture.counts();
    const error = await fixture.persistence
      .transaction(async (tx) => {
        await tx.updateStageByRunAndStageId(run.id, "s", { status: "COMPLETED" });
        await tx.saveStageOutput(run.id, "type-a", "s", { done: true });
        await tx.createLog({ workflowRunId: run.id, level: "INFO", message: "inside" });
        await tx.updateRun("missing-run", { status: "COMPLETED" }); // throws NotFoundError
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(await fixture.counts()).toEqual(before);
    expect((await fixture.persistence.getStage(run.id, "s"))?.status).toBe("PENDING");
  });

  it("joins an enclosing transaction when nested", async () => {
    const run = await fixture.persistence.createRun(runInput());
    await fixture.persistence
      .transaction(async (outer) => {
        await outer.transaction(async (inner) => inner.updateRun(run.id, { status: "RUNNING" }));
        throw new Error("abort the outer one");
      })
      .catch(() => {});
    expect(await fixture.persistence.getRunStatus(run.id)).toBe("PENDING");
  });
});
