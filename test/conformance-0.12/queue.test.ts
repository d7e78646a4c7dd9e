import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { JobLeaseLostError, NotFoundError, ValidationError, type EnqueueJobInput } from "../../src/v0.12.js";
import { BACKENDS, useBackend012 } from "./fixture.js";

describe.each(BACKENDS)("0.12 JobQueue on $name", (backend) => {
  const fixture = useBackend012(backend);

  const job = (overrides: Partial<EnqueueJobInput> = {}): EnqueueJobInput => ({
    workflowRunId: "run-1",
    workflowId: "wf-a",
    stageId: "s1",
    ...overrides,
  });

  it("keeps workflowId in the payload as _workflowId and hands it back apart", async () => {
    const queue = fixture.jobQueue({ workerId: "w1" });
    const id = await queue.enqueue(job({ payload: { input: 1 } }));
    const { rows } = await sql<{ payload: unknown }>`select payload from job_queue`.execute(fixture.db);
    const stored = typeof rows[0]!.payload === "string" ? JSON.parse(rows[0]!.payload) : rows[0]!.payload;
    expect(stored).toEqual({ input: 1, _workflowId: "wf-a" });
    expect(await queue.dequeue()).toEqual({
      jobId: id, workflowRunId: "run-1", workflowId: "wf-a", stageId: "s1", priority: 5, attempt: 1, maxAttempts: 3, payload: { input: 1 },
    });
    await queue.enqueueParallel([job({ stageId: "s2", workflowId: "wf-b" }), job({ stageId: "s3" })]);
    expect((await queue.dequeueBatch(5)).map((j) => [j.stageId, j.workflowId, j.payload])).toEqual([
      ["s2", "wf-b", {}], ["s3", "wf-a", {}],
    ]);
  });

  it("reads rows the engine's own queue wrote, and rows without a workflowId", async () => {
    const queue = fixture.jobQueue({ workerId: "w1" });
    await fixture.db
      .insertInto("job_queue")
      .values([
        { id: "engine-row", workflowRunId: "r", stageId: "s", status: "PENDING" as never, priority: 9, updatedAt: new Date().toISOString(), payload: JSON.stringify({ _workflowId: "wf-e", x: 2 }) as never },
        { id: "no-payload", workflowRunId: "r", stageId: "t", status: "PENDING" as never, priority: 1, updatedAt: new Date().toISOString(), payload: null as never },
      ] as never)
      .execute()
      .catch(async () => {
        // PostgreSQL: the enum and JSONB columns need their types.
        await sql`insert into job_queue (id, "workflowRunId", "stageId", status, priority, "updatedAt", payload)
          values ('engine-row', 'r', 's', 'PENDING', 9, now(), '{"_workflowId":"wf-e","x":2}'::jsonb),
                 ('no-payload', 'r', 't', 'PENDING', 1, now(), null)`.execute(fixture.db);
      });
    expect(await queue.dequeue()).toMatchObject({ jobId: "engine-row", workflowId: "wf-e", payload: { x: 2 } });
    expect(await queue.dequeue()).toMatchObject({ jobId: "no-payload", workflowId: "", payload: {} });
    expect((await queue.getJobsByWorkflowRun("r")).map((j) => [j.id, j.workflowId])).toEqual(
      expect.arrayContaining([["engine-row", "wf-e"], ["no-payload", ""]]),
    );
  });

  it("requires workflowId and refuses bad input, writing nothing", async () => {
    const queue = fixture.jobQueue();
    await expect(queue.enqueue({ workflowRunId: "r", stageId: "s" } as never)).rejects.toMatchObject({ field: "options.workflowId" });
    await expect(queue.enqueueParallel([job(), job({ workflowId: 5 as never })])).rejects.toMatchObject({ field: "jobs.1.workflowId" });
    await expect(queue.enqueue(job({ payload: { bad: 1n } as never }))).rejects.toBeInstanceOf(ValidationError);
    expect(await fixture.counts()).toMatchObject({ job_queue: 0 });
  });

  it("cancels a run's PENDING and SUSPENDED jobs, leaving RUNNING and finished ones", async () => {
    const w1 = fixture.jobQueue({ workerId: "w1" });
    await w1.enqueueParallel([job({ stageId: "running" }), job({ stageId: "suspended" }), job({ stageId: "done" })]);
    const [running, suspended, done] = await w1.dequeueBatch(3);
    await w1.suspend(suspended!.jobId, new Date(Date.now() + 60_000));
    await w1.complete(done!.jobId);
    await w1.enqueueParallel([job({ stageId: "pending" }), job({ workflowRunId: "run-2", stageId: "other" })]);
    expect(await w1.cancelByRun("run-1")).toBe(2);
    const jobs = await w1.getJobsByWorkflowRun("run-1");
    expect(Object.fromEntries(jobs.map((j) => [j.stageId, j.status]))).toEqual({
      running: "RUNNING", suspended: "CANCELLED", done: "COMPLETED", pending: "CANCELLED",
    });
    expect(running).toBeDefined();
    expect(await w1.cancelByRun("run-1")).toBe(0);
    expect(await w1.cancelByRun("no-such-run")).toBe(0);
    expect((await w1.getJobsByWorkflowRun("run-2"))[0]!.status).toBe("PENDING");
  });

  it("lists a run's jobs with every field, oldest first", async () => {
    const queue = fixture.jobQueue({ workerId: "w1" });
    await queue.enqueue(job({ stageId: "a", priority: 2, payload: { k: "v" } }));
    await queue.enqueue(job({ stageId: "b" }));
    const claimed = (await queue.dequeue())!;
    await queue.fail(claimed.jobId, "boom", true);
    const jobs = await queue.getJobsByWorkflowRun("run-1");
    expect(jobs.map((j) => j.stageId)).toEqual(["a", "b"]);
    expect(jobs.find((j) => j.id === claimed.jobId)).toMatchObject({
      workflowRunId: "run-1", workflowId: "wf-a", status: "PENDING", workerId: null, lockedAt: null, attempt: 1,
      maxAttempts: 3, lastError: "boom", completedAt: null,
    });
    const other = jobs.find((j) => j.id !== claimed.jobId)!;
    expect(other.createdAt).toBeInstanceOf(Date);
    expect(other.updatedAt).toBeInstanceOf(Date);
    expect(await queue.getJobsByWorkflowRun("nothing")).toEqual([]);
  });

  it("touchJob renews the lease of a job this worker runs, and does nothing otherwise", async () => {
    const w1 = fixture.jobQueue({ workerId: "w1" });
    const w2 = fixture.jobQueue({ workerId: "w2" });
    await w1.enqueue(job());
    const claimed = (await w1.dequeue())!;
    await sql`update job_queue set "lockedAt" = ${backend.databaseType === "sqlite" ? 0 : sql`now() - interval '1 hour'`}`.execute(fixture.db);
    await w2.touchJob(claimed.jobId); // not w2's: no change
    await w1.touchJob("no-such-job");
    await expect(w1.touchJob(7 as never)).rejects.toBeInstanceOf(ValidationError);
    expect(await w1.releaseStaleJobs(60_000)).toBe(1);
    const again = (await w2.dequeue())!;
    await sql`update job_queue set "lockedAt" = ${backend.databaseType === "sqlite" ? 0 : sql`now() - interval '1 hour'`}`.execute(fixture.db);
    await w2.touchJob(again.jobId);
    expect(await w2.releaseStaleJobs(60_000)).toBe(0);
    await w2.complete(again.jobId);
    await w2.touchJob(again.jobId); // finished: no change, no error
    expect((await w2.getJobsByWorkflowRun("run-1"))[0]!.status).toBe("COMPLETED");
  });

  it("completes or fails a SUSPENDED job from any queue instance; RUNNING jobs stay fenced", async () => {
    const w1 = fixture.jobQueue({ workerId: "w1" });
    const poller = fixture.jobQueue({ workerId: "poller" });
    await w1.enqueueParallel([job({ stageId: "a" }), job({ stageId: "b" }), job({ stageId: "c" })]);
    const [a, b, c] = await w1.dequeueBatch(3);
    await w1.suspend(a!.jobId, new Date(Date.now() + 60_000));
    await w1.suspend(b!.jobId, new Date(Date.now() + 60_000));
    await poller.complete(a!.jobId);
    await poller.fail(b!.jobId, "gave up");
    await expect(poller.complete(c!.jobId)).rejects.toBeInstanceOf(JobLeaseLostError);
    await expect(poller.fail(c!.jobId, "x")).rejects.toBeInstanceOf(JobLeaseLostError);
    await expect(poller.complete("missing")).rejects.toBeInstanceOf(NotFoundError);
    const status = Object.fromEntries((await w1.getJobsByWorkflowRun("run-1")).map((j) => [j.stageId, j.status]));
    expect(status).toEqual({ a: "COMPLETED", b: "FAILED", c: "RUNNING" });
  });
});
