import { describe, expect, it } from "vitest";
import { BACKENDS, runWithStage, useBackend10 } from "./fixture.js";

// The 1.0 kernel calls its step ledger (and its queue) inside
// `persistence.withTransaction`, on objects made before the transaction from
// the same handle: they must join it (no hang on SQLite's one connection),
// commit with it and vanish with its rollback.
describe.each(BACKENDS)("the 1.0 kernel's transactions on $name", (backend) => {
  const fixture = useBackend10(backend);
  class RolledBack extends Error {}

  it("a step claimed, updated and compared-and-set inside withTransaction commits with it and rolls back with it", async () => {
    const { run, stage } = await runWithStage(fixture);
    const ledger = fixture.stepLedger();
    const queue = fixture.jobQueue({ workerId: "kernel" });
    const claim = (stepId: string) => ({ stageRecordId: stage.id, stepId, seq: 1, kind: "run" as const, status: "running" as const, attempt: 1, leaseExpiresAt: null, deadlineAt: null });

    await fixture.persistence.withTransaction(async (tx) => {
      expect((await ledger.claim(claim("kept"))).created).toBe(true);
      expect((await ledger.claim(claim("kept"))).created).toBe(false); // a replay inside the same transaction
      await ledger.update(stage.id, "kept", { status: "completed", result: { ok: true } });
      await queue.enqueueParallel([{ workflowRunId: run.id, workflowId: "wf", stageId: "next" }]);
      await tx.updateStage(stage.id, { status: "COMPLETED" });
    });

    await expect(
      fixture.persistence.withTransaction(async () => {
        await ledger.claim(claim("gone"));
        await ledger.compareAndSet(stage.id, "kept", { status: "completed" }, { result: "overwritten" });
        await ledger.clearExcept(stage.id, ["gone"]);
        await queue.deleteByRunAndStages(run.id, ["next"]);
        throw new RolledBack();
      }),
    ).rejects.toBeInstanceOf(RolledBack);

    expect((await ledger.list(stage.id)).map((s) => [s.stepId, s.status, s.result])).toEqual([["kept", "completed", { ok: true }]]);
    expect((await queue.getJobsByWorkflowRun(run.id)).map((j) => j.stageId)).toEqual(["next"]);
  });

  it("a fenced acknowledgement and the next group's enqueue inside one transaction", async () => {
    const { run } = await runWithStage(fixture);
    const queue = fixture.jobQueue({ workerId: "kernel" });
    await queue.enqueueParallel([{ workflowRunId: run.id, workflowId: "wf", stageId: "s1" }]);
    const job = (await queue.dequeue())!;
    const outcome = await fixture.persistence.withTransaction(async () => {
      const acknowledged = await queue.complete(job.jobId, { startedAt: job.startedAt, attempt: job.attempt });
      await queue.enqueueParallel([{ workflowRunId: run.id, workflowId: "wf", stageId: "s2" }]);
      return acknowledged;
    });
    expect(outcome).toBe("acknowledged");
    expect((await queue.getJobsByWorkflowRun(run.id)).map((j) => [j.stageId, j.status])).toEqual([
      ["s1", "COMPLETED"],
      ["s2", "PENDING"],
    ]);
  });
});
