import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { JobLeaseLostError, NotFoundError, ValidationError } from "../../src/errors.js";
import type { JobQueue } from "../../src/interfaces/job-queue.js";
import { BACKENDS, sleep, useBackend } from "./backends.js";

// completeAndDequeue: complete(), then dequeue(), as one step. Whatever the dialect does underneath (one statement on
// PostgreSQL, two in turn on SQLite), callers see the same behaviour.

describe.each(BACKENDS)("completeAndDequeue on $name", (backend) => {
  const fixture = useBackend(backend);
  const queues: JobQueue[] = [];
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });
  const queue = (workerId = "worker-a") => {
    const created = fixture.jobQueue({ workerId });
    queues.push(created);
    return created;
  };
  const job = (overrides: Record<string, unknown> = {}) => ({ workflowRunId: "run-1", stageId: "stage-1", ...overrides });
  const row = async (id: string) =>
    (await sql<Record<string, unknown>>`select * from job_queue where id = ${id}`.execute(fixture.db)).rows[0]!;
  const statusOf = async (id: string) => String((await row(id)).status);

  it("completes the job, then claims the next one in dequeue's order, and returns null once none is runnable", async () => {
    const q = queue();
    const first = await q.enqueue(job({ priority: 9 }));
    const low = await q.enqueue(job({ stageId: "low", priority: 1, payload: { n: 1 } }));
    const high = await q.enqueue(job({ stageId: "high", priority: 5 }));
    await q.enqueue(job({ stageId: "later", priority: 9, scheduledFor: new Date(Date.now() + 3_600_000) }));
    expect((await q.dequeue())?.jobId).toBe(first);

    const second = await q.completeAndDequeue(first);
    expect(second).toMatchObject({ jobId: high, stageId: "high", priority: 5, attempt: 1 });
    expect(await row(first)).toMatchObject({ status: "COMPLETED", lockedAt: null });
    expect((await row(first)).completedAt).not.toBeNull();
    expect(await row(high)).toMatchObject({ status: "RUNNING", workerId: "worker-a" });

    const third = await q.completeAndDequeue(high);
    expect(third).toEqual({ jobId: low, workflowRunId: "run-1", stageId: "low", priority: 1, attempt: 1, maxAttempts: 3, payload: { n: 1 } });
    expect(await q.completeAndDequeue(low)).toBeNull(); // "later" is not due
    expect(await q.getQueueStats()).toMatchObject({ COMPLETED: 3, PENDING: 1, RUNNING: 0 });
  });

  it("a lost lease throws JobLeaseLostError and claims nothing", async () => {
    const a = queue("a");
    const id = await a.enqueue(job());
    await a.dequeue();
    await sleep(50);
    expect(await a.releaseStaleJobs(10)).toBe(1);
    const b = queue("b");
    expect((await b.dequeue())?.jobId).toBe(id);
    const waiting = await a.enqueue(job({ stageId: "waiting" }));

    const lost = await a.completeAndDequeue(id).catch((e) => e);
    expect(lost).toBeInstanceOf(JobLeaseLostError);
    expect(lost).toMatchObject({ operation: "completeAndDequeue", jobId: id, workerId: "a", currentWorkerId: "b" });
    expect(await row(id)).toMatchObject({ status: "RUNNING", workerId: "b" });
    expect(await statusOf(waiting)).toBe("PENDING");
  });

  it("a missing job throws NotFoundError and claims nothing", async () => {
    const q = queue();
    const waiting = await q.enqueue(job());
    const missing = await q.completeAndDequeue("no-such-job").catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.id).toBe("no-such-job");
    expect(await statusOf(waiting)).toBe("PENDING");
  });

  it("completing a job this worker already completed still claims the next (a retried call is safe)", async () => {
    const q = queue();
    const id = await q.enqueue(job({ priority: 9 }));
    const next = await q.enqueue(job({ stageId: "next" }));
    await q.dequeue();
    await q.complete(id);
    expect((await q.completeAndDequeue(id))?.jobId).toBe(next);
    expect(await statusOf(id)).toBe("COMPLETED");
  });

  it("bad input is a ValidationError naming the field, and writes nothing", async () => {
    const q = queue();
    const id = await q.enqueue(job());
    await q.dequeue();
    const waiting = await q.enqueue(job({ stageId: "waiting" }));
    const cases: Array<[string, () => Promise<unknown>]> = [
      ["jobId", () => q.completeAndDequeue("i".repeat(1_001))],
      ["jobId", () => q.completeAndDequeue(7 as never)],
      ["jobId", () => q.completeAndDequeue("x".repeat(1_001))],
    ];
    for (const [field, act] of cases) {
      const error = await act().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ field });
    }
    expect(await statusOf(id)).toBe("RUNNING");
    expect(await statusOf(waiting)).toBe("PENDING");
  });
});
