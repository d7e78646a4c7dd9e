import { sql } from "kysely";
import { afterEach, describe, expect, it, vi } from "vitest";
import { JobLeaseLostError, NotFoundError, ValidationError } from "../../src/errors.js";
import type { JobQueue } from "../../src/interfaces/job-queue.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { dialectSupportFor } from "../../src/dialects/detect-database-type.js";
import { ageRow, BACKENDS, sleep, useBackend, expectStampedSince } from "./backends.js";
import { runChild } from "../support/spawn-child.js";

describe.each(BACKENDS)("JobQueue on $name", (backend) => {
  const fixture = useBackend(backend);
  const queues: JobQueue[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });
  const queue = (workerId = "worker-a") => {
    const created = fixture.jobQueue({ workerId });
    queues.push(created);
    return created;
  };
  /** The library's own codec reads the raw column values these tests look at. */
  const readDate = (value: unknown) => dialectSupportFor(backend.databaseType).readDate(value);
  const job = (overrides: Record<string, unknown> = {}) => ({ workflowRunId: "run-1", stageId: "stage-1", ...overrides });
  const row = async (id: string) =>
    (await sql<Record<string, unknown>>`select * from job_queue where id = ${id}`.execute(fixture.db)).rows[0]!;
  /** Moves a job's nextPollAt into the past, as if its backoff or schedule had elapsed. */
  const makeDue = (id: string) =>
    fixture.db.updateTable("job_queue").set({ nextPollAt: backend.databaseType === "postgresql" ? "2000-01-01 00:00:00" : "2000-01-01T00:00:00.000+00:00" }).where("id", "=", id).execute();

  it("generates a workerId when given an empty one, as the engine's createPrismaJobQueue does", async () => {
    const q = queue("");
    expect(q.workerId).toMatch(/.+:\d+:[0-9a-f]{8}$/);
    const id = await q.enqueue(job());
    expect((await q.dequeue())?.jobId).toBe(id);
    expect((await row(id)).workerId).toBe(q.workerId);
  });

  describe("enqueue", () => {
    it("adds a PENDING job with the documented defaults", async () => {
      const id = await queue().enqueue(job());
      const stored = await row(id);
      expect(stored).toMatchObject({ status: "PENDING", priority: 5, attempt: 0, maxAttempts: 3, workerId: null, nextPollAt: null });
      expect(typeof stored.payload === "string" ? JSON.parse(stored.payload) : stored.payload).toEqual({});
    });

    it("does not hand out a job before scheduledFor", async () => {
      const q = queue();
      await q.enqueue(job({ scheduledFor: new Date(Date.now() + 60_000) }));
      expect(await q.dequeue()).toBeNull();
      const due = await q.enqueue(job({ scheduledFor: new Date(Date.now() - 1_000) }));
      expect((await q.dequeue())?.jobId).toBe(due);
    });

    it("enqueueParallel returns ids in input order and honours scheduledFor", async () => {
      const q = queue();
      const ids = await q.enqueueParallel([
        job({ stageId: "a", priority: 1 }),
        job({ stageId: "b", priority: 9, scheduledFor: new Date(Date.now() + 60_000) }),
        job({ stageId: "c", priority: 5, payload: { n: 3 } }),
      ]);
      expect(ids).toHaveLength(3);
      expect((await row(ids[1]!)).nextPollAt).not.toBeNull();
      expect((await q.dequeue())?.jobId).toBe(ids[2]);
      expect((await q.dequeue())?.jobId).toBe(ids[0]);
      expect(await q.dequeue()).toBeNull();
      expect(await q.enqueueParallel([])).toEqual([]);
    });

    it("enqueueParallel is all or nothing", async () => {
      const error = await queue()
        .enqueueParallel([job(), job({ priority: Number.NaN }), job()])
        .catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.field).toBe("jobs.1.priority");
      expect((await fixture.counts()).job_queue).toBe(0);
    });

    it("enqueueParallel splits a batch larger than one statement can bind, still in one transaction", async () => {
      const ids = await queue().enqueueParallel(Array.from({ length: 6_000 }, (_, i) => job({ stageId: `s${i}` })));
      expect(new Set(ids).size).toBe(6_000);
      expect((await fixture.counts()).job_queue).toBe(6_000);
    });
  });

  describe("dequeue", () => {
    it("claims by priority, then age, then id, and marks the job RUNNING for this worker", async () => {
      const q = queue();
      const low = await q.enqueue(job({ priority: 1 }));
      const first = await q.enqueue(job({ priority: 7, payload: { order: 1 } }));
      const second = await q.enqueue(job({ priority: 7, payload: { order: 2 } }));
      const before = Date.now();
      const claimed = await q.dequeue();
      expect(claimed).toEqual({
        jobId: first,
        workflowRunId: "run-1",
        stageId: "stage-1",
        priority: 7,
        attempt: 1,
        maxAttempts: 3,
        payload: { order: 1 },
      });
      const stored = await row(first);
      expect(stored).toMatchObject({ status: "RUNNING", workerId: "worker-a", attempt: 1 });
      expect(stored.lockedAt).not.toBeNull();
      expect(stored.startedAt).not.toBeNull();
      expectStampedSince(readDate(stored.lockedAt), before);
      expect((await q.dequeue())?.jobId).toBe(second);
      expect((await q.dequeue())?.jobId).toBe(low);
      expect(await q.dequeue()).toBeNull();
    });

    it("claims exactly as many jobs as asked, however many are runnable", async () => {
      // Regression: `id IN (subquery LIMIT n FOR UPDATE SKIP LOCKED)` can re-run
      // its subquery per row on PostgreSQL and claim every runnable job.
      const q = queue();
      await q.enqueueParallel(Array.from({ length: 20 }, (_, i) => job({ priority: i % 3 })));
      expect(await q.dequeue()).not.toBeNull();
      expect((await q.getQueueStats()).RUNNING).toBe(1);
      expect(await q.dequeueBatch(5)).toHaveLength(5);
      expect((await q.getQueueStats()).RUNNING).toBe(6);
    });

    it("dequeueBatch claims up to n jobs in claim order", async () => {
      const q = queue();
      const ids = await q.enqueueParallel(Array.from({ length: 5 }, (_, i) => job({ priority: i })));
      const batch = await q.dequeueBatch(3);
      expect(batch.map((j) => j.jobId)).toEqual([ids[4], ids[3], ids[2]]);
      expect((await q.dequeueBatch(10)).map((j) => j.jobId)).toEqual([ids[1], ids[0]]);
      expect(await q.dequeueBatch(10)).toEqual([]);
      expect(await q.dequeueBatch(0).catch((e) => e)).toBeInstanceOf(ValidationError);
    });

    it.runIf(backend.kind === "kysely")("throws database errors instead of reporting an empty queue", async () => {
      const db = fixture.database.open();
      const q = createKyselyJobQueue(db, { workerId: "w", listen: false });
      await q.enqueue(job());
      await db.destroy(); // a closed pool / connection
      await expect(q.dequeue()).rejects.toThrow(/destroyed/);
    });

    it.runIf(backend.databaseType === "postgresql")("uses the database clock, so a skewed process clock does not matter", async () => {
      const q = queue();
      const id = await q.enqueue(job());
      await sql`update job_queue set "nextPollAt" = (now() at time zone 'UTC') - interval '1 second' where id = ${id}`.execute(fixture.db);
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(new Date(Date.now() - 3_600_000)); // this process runs an hour behind
      expect((await q.dequeue())?.jobId).toBe(id);
    });
  });

  describe("acknowledging", () => {
    it("complete marks COMPLETED, is idempotent for its worker, and refuses others", async () => {
      const a = queue("a");
      const b = queue("b");
      const id = await a.enqueue(job());
      await a.dequeue();
      const lost = await b.complete(id).catch((e) => e);
      expect(lost).toBeInstanceOf(JobLeaseLostError);
      expect(lost).toMatchObject({ jobId: id, workerId: "b", currentStatus: "RUNNING", currentWorkerId: "a" });
      await a.complete(id);
      await a.complete(id);
      const stored = await row(id);
      expect(stored).toMatchObject({ status: "COMPLETED", lockedAt: null });
      expect(stored.completedAt).not.toBeNull();
      const missing = await a.complete("no-such-job").catch((e) => e);
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing.id).toBe("no-such-job");
    });

    it("completeMany completes a batch in one statement", async () => {
      const q = queue();
      await q.enqueueParallel(Array.from({ length: 4 }, () => job()));
      const batch = await q.dequeueBatch(4);
      await q.completeMany(batch.map((j) => j.jobId));
      expect((await q.getQueueStats()).COMPLETED).toBe(4);
      await expect(q.completeMany(["no-such-job"])).rejects.toBeInstanceOf(NotFoundError);
    });

    it("suspend parks the job until nextPollAt and releases the lock", async () => {
      const q = queue();
      const later = await q.enqueue(job({ stageId: "later" }));
      const due = await q.enqueue(job({ stageId: "due" }));
      await q.dequeueBatch(2);
      await q.suspend(later, new Date(Date.now() + 60_000));
      await q.suspend(due, new Date(Date.now() - 1_000));
      expect(await row(later)).toMatchObject({ status: "SUSPENDED", workerId: null, lockedAt: null });
      expect(await q.getSuspendedJobsReadyToPoll()).toEqual([{ jobId: due, stageId: "due", workflowRunId: "run-1" }]);
      expect(await q.dequeue()).toBeNull();
    });

    it("resume makes a suspended job runnable again, for one caller only", async () => {
      const q = queue();
      const id = await q.enqueue(job());
      await q.dequeue();
      await q.suspend(id, new Date(Date.now() + 60_000));
      expect(await Promise.all([q.resume(id), queue("other").resume(id)])).toEqual(expect.arrayContaining([true, false]));
      expect(await row(id)).toMatchObject({ status: "PENDING", nextPollAt: null });
      expect((await q.dequeue())?.attempt).toBe(2);
      expect(await q.resume(id)).toBe(false); // not suspended any more
      await expect(q.resume("no-such-job")).rejects.toBeInstanceOf(NotFoundError);
    });

    it("fail without retry marks FAILED with the error", async () => {
      const q = queue();
      const id = await q.enqueue(job());
      await q.dequeue();
      await q.fail(id, "boom");
      const stored = await row(id);
      expect(stored).toMatchObject({ status: "FAILED", lastError: "boom", lockedAt: null });
      expect(stored.completedAt).not.toBeNull();
    });

    it("fail with retry backs off 2^attempt seconds, then fails for good after maxAttempts", async () => {
      const q = queue();
      const id = await q.enqueue(job({ maxAttempts: 2 }));
      await q.dequeue();
      const before = Date.now();
      await q.fail(id, "first", true);
      const retried = await row(id);
      expect(retried).toMatchObject({ status: "PENDING", lastError: "first", workerId: null, lockedAt: null, attempt: 1 });
      const nextPollAt = readDate(retried.nextPollAt);
      expect(nextPollAt.getTime() - before).toBeGreaterThan(1_000);
      expect(nextPollAt.getTime() - before).toBeLessThan(3_000 + 1_000); // 2^1 s, clock slack
      expect(await q.dequeue()).toBeNull(); // still backing off

      await makeDue(id);
      expect((await q.dequeue())?.attempt).toBe(2);
      await q.fail(id, "second", true);
      expect(await row(id)).toMatchObject({ status: "FAILED", lastError: "second", attempt: 2 });
    });

    it("heartbeat renews the lock for the owner only", async () => {
      const a = queue("a");
      const id = await a.enqueue(job());
      await a.dequeue();
      const lockedAt = (await row(id)).lockedAt;
      await sleep(15);
      expect(await a.heartbeat(id)).toBe(true);
      expect((await row(id)).lockedAt).not.toEqual(lockedAt);
      expect(await queue("b").heartbeat(id)).toBe(false);
      await expect(a.heartbeat("no-such-job")).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe("stale jobs", () => {
    it("releases jobs locked longer than the threshold, failing those out of attempts", async () => {
      const q = queue();
      const [retryable, poison] = await q.enqueueParallel([job({ stageId: "retryable" }), job({ stageId: "poison", maxAttempts: 1 })]);
      await q.dequeueBatch(2);
      // Locked ten minutes ago (aged, not slept: a loaded machine pauses between calls).
      for (const id of [retryable!, poison!]) await ageRow(fixture.db, backend.databaseType, "job_queue", "lockedAt", id, 600_000);
      const fresh = await q.enqueue(job({ stageId: "fresh" }));
      await q.dequeue();
      expect(await q.releaseStaleJobs(60_000)).toBe(2);
      expect(await row(retryable!)).toMatchObject({ status: "PENDING", workerId: null, lockedAt: null, attempt: 1 });
      const failed = await row(poison!);
      expect(failed).toMatchObject({ status: "FAILED", workerId: null });
      expect(String(failed.lastError)).toMatch(/worker vanished/);
      expect((await row(fresh)).status).toBe("RUNNING");
      expect(await q.releaseStaleJobs()).toBe(0); // default threshold: 5 minutes
    });

    // The engine fails a run only when its worker reports the failure; a job whose
    // workers all died is never reported, so its stage and run would stay RUNNING.
    it("fails the stage and run of a job out of attempts, where they are still RUNNING, in the same call", async () => {
      const persistence = fixture.persistence;
      const newRun = async () => {
        const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: {} });
        await persistence.updateRun(run.id, { status: "RUNNING" });
        return run.id;
      };
      const [zombie, retried, finished] = [await newRun(), await newRun(), await newRun()];
      const start = (runId: string, stageId: string) =>
        persistence.upsertStage({ workflowRunId: runId, stageId, create: { stageName: stageId, stageNumber: 1, executionGroup: 1 }, update: {} });
      const zombieStage = await start(zombie, "poison");
      const sibling = await start(zombie, "sibling");
      const retriedStage = await start(retried, "flaky");
      const finishedStage = await start(finished, "done-elsewhere");
      await persistence.updateStage(finishedStage.id, { status: "COMPLETED" });
      await persistence.updateRun(finished, { status: "CANCELLED" });

      const q = queue();
      await q.enqueueParallel([
        job({ workflowRunId: zombie, stageId: "poison", maxAttempts: 1 }),
        job({ workflowRunId: retried, stageId: "flaky", maxAttempts: 2 }),
        job({ workflowRunId: finished, stageId: "done-elsewhere", maxAttempts: 1 }),
      ]);
      await q.dequeueBatch(3);
      await sleep(400);
      expect(await q.releaseStaleJobs(250)).toBe(3);

      const zombieRead = (await persistence.getStageById(zombieStage.id))!;
      expect(zombieRead.status).toBe("FAILED");
      expect(zombieRead.errorMessage).toMatch(/exhausted its attempts on workers that vanished/);
      expect(zombieRead.completedAt).not.toBeNull();
      expect(await persistence.getRunStatus(zombie)).toBe("FAILED");
      expect((await persistence.getRun(zombie))!.completedAt).not.toBeNull();
      expect((await persistence.getStageById(sibling.id))!.status).toBe("RUNNING");
      // Attempts left: the job goes back to the queue, and its stage and run stay as they are.
      expect((await persistence.getStageById(retriedStage.id))!.status).toBe("RUNNING");
      expect(await persistence.getRunStatus(retried)).toBe("RUNNING");
      // Already ended by another path: left alone.
      expect((await persistence.getStageById(finishedStage.id))!.status).toBe("COMPLETED");
      expect(await persistence.getRunStatus(finished)).toBe("CANCELLED");
    });

    it("leaves a job alone while its worker heart-beats, and its late ack is refused once released", async () => {
      const a = queue("a");
      const id = await a.enqueue(job());
      await a.dequeue();
      for (let i = 0; i < 3; i++) {
        await ageRow(fixture.db, backend.databaseType, "job_queue", "lockedAt", id, 600_000); // ten minutes without a heartbeat…
        expect(await a.heartbeat(id)).toBe(true); // …until this one
        expect(await a.releaseStaleJobs(60_000)).toBe(0); // claimed 30 minutes ago, but the lease is fresh
      }
      await ageRow(fixture.db, backend.databaseType, "job_queue", "lockedAt", id, 600_000);
      expect(await a.releaseStaleJobs(60_000)).toBe(1);
      const b = queue("b");
      expect((await b.dequeue())?.attempt).toBe(2);
      await expect(a.complete(id)).rejects.toBeInstanceOf(JobLeaseLostError);
      await b.complete(id);
    });
  });

  it("getQueueStats counts jobs by status", async () => {
    const q = queue();
    await q.enqueueParallel(Array.from({ length: 3 }, () => job()));
    const [claimed] = await q.dequeueBatch(1);
    await q.complete(claimed!.jobId);
    await q.dequeue();
    expect(await q.getQueueStats()).toEqual({
      PENDING: 1, RUNNING: 1, COMPLETED: 1, SUSPENDED: 0, FAILED: 0, CANCELLED: 0, SKIPPED: 0,
    });
  });

  describe("waitForJobs", () => {
    it("returns after the timeout when nothing happens, or at once when aborted", async () => {
      const q = queue();
      let start = Date.now();
      await q.waitForJobs(60);
      expect(Date.now() - start).toBeGreaterThanOrEqual(55);
      const controller = new AbortController();
      start = Date.now();
      setTimeout(() => controller.abort(), 20);
      await q.waitForJobs(60_000, controller.signal);
      expect(Date.now() - start).toBeLessThan(30_000); // the abort, not the minute's timeout
    });

    it.runIf(backend.name === "kysely/postgresql")("shares one LISTEN connection among the queues of a handle", async () => {
      const handle = fixture.database.open();
      const waiters = Array.from({ length: 8 }, (_, i) => createKyselyJobQueue(handle, { workerId: `waiter-${i}` }));
      try {
        await Promise.all(waiters.map((waiter) => waiter.waitForJobs(50)));
        const database = new URL(fixture.database.url).pathname.slice(1);
        const listening = async () =>
          Number((await sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = ${database} and query ilike 'LISTEN%'`.execute(fixture.db)).rows[0]!.n);
        expect(await listening()).toBe(1);
        await Promise.all(waiters.slice(1).map((waiter) => waiter.close()));
        expect(await listening()).toBe(1); // one queue still uses it
        await waiters[0]!.close();
        for (let i = 0; i < 50 && (await listening()) > 0; i++) await sleep(20);
        expect(await listening()).toBe(0);
      } finally {
        await handle.destroy();
      }
    });

    it.runIf(backend.name === "kysely/postgresql")("lets the process end after db.destroy(), with no queue.close()", { timeout: 180_000 }, async () => {
      const result = await runChild("wait-then-destroy", [fixture.database.url]);
      expect(result.stderr).toBe("");
      expect(result.stdout).toContain("destroyed");
      expect(result.code).toBe(0);
    });

    it.runIf(backend.databaseType === "postgresql" && backend.kind === "kysely")("wakes up as soon as a job is enqueued (LISTEN/NOTIFY)", async () => {
      const waiter = queue("waiter");
      await waiter.waitForJobs(1); // connects the listener
      // Woken by the notification, not by the timeout: a minute, of which it may use far less than half.
      const start = Date.now();
      const woke = waiter.waitForJobs(60_000);
      await queue("producer").enqueue(job());
      await woke;
      expect(Date.now() - start).toBeLessThan(30_000);
    });
  });
});
