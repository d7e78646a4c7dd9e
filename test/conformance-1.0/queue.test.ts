import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { LEASE_ABSOLUTE_CAP, LEASE_HEARTBEAT_LOST, JobLeaseLostError, ValidationError, type EnqueueJobInput } from "../../src/v1.js";
import { BACKENDS, sleep, useBackend10 } from "./fixture.js";
import { ageRow } from "../conformance/backends.js";

// The engine's 1.0 JobQueue contract, case by case as CONTRACT-DELTA.md §5
// names them, and the rest of what the 1.0 port says, on every backend.
describe.each(BACKENDS)("1.0 JobQueue on $name", (backend) => {
  const fixture = useBackend10(backend);

  const job = (overrides: Partial<EnqueueJobInput> = {}): EnqueueJobInput => ({ workflowRunId: "run-1", workflowId: "wf-a", stageId: "s1", ...overrides });
  const storedPayload = async (id: string) => {
    const { rows } = await sql<{ payload: unknown }>`select payload from job_queue where id = ${id}`.execute(fixture.db);
    const payload = rows[0]!.payload;
    return typeof payload === "string" ? JSON.parse(payload) : payload;
  };
  const rowOf = async (id: string) =>
    (await sql<{ status: string; attempt: number; lastError: string | null; workerId: string | null }>`
      select status, attempt, "lastError", "workerId" from job_queue where id = ${id}`.execute(fixture.db)).rows[0];
  /** Makes the job's lease (or claim) look `ms` old. */
  const ageJob = (id: string, column: "lockedAt" | "startedAt", ms: number) => ageRow(fixture.db, backend.databaseType, "job_queue", column, id, ms);

  describe("enqueue operation", () => {
    it("dequeues only jobs whose definition version the caller serves", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      await queue.enqueueParallel([
        job({ stageId: "v1", definitionVersion: "v1", priority: 9 }),
        job({ stageId: "v2", definitionVersion: "v2" }),
        job({ stageId: "unpinned", priority: 1 }),
        job({ stageId: "other-wf", workflowId: "wf-b", priority: 8 }),
      ]);
      const serves = [{ workflowId: "wf-a", version: "v2" }];
      expect((await queue.dequeue({ serves }))!.stageId).toBe("v2");
      expect((await queue.dequeue({ serves }))!.stageId).toBe("unpinned"); // no version: its workflow is served
      expect(await queue.dequeue({ serves })).toBeNull(); // v1 is another version; wf-b is not served
      expect((await queue.dequeue())!.stageId).toBe("v1"); // no serves: anything
    });

    it("claims nothing for a caller that serves no workflow", async () => {
      const queue = fixture.jobQueue();
      await queue.enqueueParallel([job()]);
      expect(await queue.dequeue({ serves: [] })).toBeNull();
      expect(await queue.getQueueStats()).toMatchObject({ PENDING: 1, RUNNING: 0 });
    });

    it("defers a claimed job without spending its attempt", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      const [id] = await queue.enqueueParallel([job()]);
      const claimed = (await queue.dequeue())!;
      expect(claimed.attempt).toBe(1);
      const later = new Date(Date.now() + 60_000);
      expect(await queue.defer(id!, later, "version v9 not served here", { startedAt: claimed.startedAt, attempt: claimed.attempt })).toBe("acknowledged");
      expect(await rowOf(id!)).toMatchObject({ status: "PENDING", attempt: 0, lastError: "version v9 not served here", workerId: null });
      expect(await queue.dequeue()).toBeNull(); // not due yet
      const [jobRecord] = await queue.getJobsByWorkflowRun("run-1");
      expect(Math.abs(jobRecord!.nextPollAt!.getTime() - later.getTime())).toBeLessThan(2);
    });

    it("keeps one job row per (workflowRunId, stageId), replacing the row already queued", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      const [first] = await queue.enqueueParallel([job({ payload: { n: 1 }, priority: 2 })]);
      const claimed = (await queue.dequeue())!;
      await queue.fail(first!, "boom", false, { startedAt: claimed.startedAt, attempt: claimed.attempt });
      const [again] = await queue.enqueueParallel([job({ payload: { n: 2 }, priority: 7 })]);
      expect(again).toBe(first); // replaced in place
      const jobs = await queue.getJobsByWorkflowRun("run-1");
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ status: "PENDING", attempt: 0, workerId: null, lockedAt: null, lastError: null, nextPollAt: null, priority: 7, payload: { n: 2 } });
      expect(await queue.dequeue()).toMatchObject({ jobId: first, attempt: 1, payload: { n: 2 } });
    });

    it("re-enqueueing twice in a row still leaves one row per stage", async () => {
      const queue = fixture.jobQueue();
      const batch = [job({ stageId: "a" }), job({ stageId: "b" })];
      const ids1 = await queue.enqueueParallel(batch);
      const ids2 = await queue.enqueueParallel(batch);
      const ids3 = await queue.enqueueParallel([...batch, job({ stageId: "a", payload: { last: true } })]);
      expect(ids2).toEqual(ids1);
      expect(ids3).toEqual([ids1[0], ids1[1], ids1[0]]); // a pair named twice: one row, one id
      expect(await fixture.counts()).toMatchObject({ job_queue: 2 });
      expect(await storedPayload(ids1[0]!)).toMatchObject({ last: true });
    });

    it("keeps groupKey and definitionVersion in the payload, never handing them back", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      const [id] = await queue.enqueueParallel([job({ payload: { input: 1 }, groupKey: "tenant-a", definitionVersion: "v3" })]);
      expect(await storedPayload(id!)).toEqual({ input: 1, _workflowId: "wf-a", _groupKey: "tenant-a", _definitionVersion: "v3" });
      const claimed = (await queue.dequeue())!;
      expect(claimed.payload).toEqual({ input: 1 });
      expect(claimed).toMatchObject({ workflowId: "wf-a", startedAt: expect.any(Date) });
      expect((await queue.getJobsByWorkflowRun("run-1"))[0]!.payload).toEqual({ input: 1 });
    });

    it("refuses bad jobs by field, writing nothing", async () => {
      const queue = fixture.jobQueue();
      await expect(queue.enqueueParallel([job(), job({ groupKey: 5 as never })])).rejects.toMatchObject({ field: "jobs.1.groupKey" });
      await expect(queue.enqueueParallel([job({ definitionVersion: 7 as never })])).rejects.toMatchObject({ field: "jobs.0.definitionVersion" });
      await expect(queue.dequeue({ serves: [{ workflowId: "wf-a" }] as never })).rejects.toMatchObject({ field: "options.serves.0.version" });
      expect(await fixture.counts()).toMatchObject({ job_queue: 0 });
    });
  });

  describe("deleteByRunAndStages operation", () => {
    it("removes the named stages' rows whatever their status and leaves the rest", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      await queue.enqueueParallel([job({ stageId: "a", priority: 9 }), job({ stageId: "b" }), job({ stageId: "c" }), job({ workflowRunId: "run-2", stageId: "a" })]);
      await queue.dequeue(); // a is RUNNING
      expect(await queue.deleteByRunAndStages("run-1", ["a", "b"])).toBe(2);
      expect((await queue.getJobsByWorkflowRun("run-1")).map((j) => j.stageId)).toEqual(["c"]);
      expect(await queue.getJobsByWorkflowRun("run-2")).toHaveLength(1);
    });

    it("is a no-op for an empty stage list or unknown stages", async () => {
      const queue = fixture.jobQueue();
      await queue.enqueueParallel([job()]);
      expect(await queue.deleteByRunAndStages("run-1", [])).toBe(0);
      expect(await queue.deleteByRunAndStages("run-1", ["nope"])).toBe(0);
      expect(await fixture.counts()).toMatchObject({ job_queue: 1 });
    });
  });

  describe("fenced acknowledgement", () => {
    it("should acknowledge a completion carrying the fence from its own claim", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      const [id] = await queue.enqueueParallel([job()]);
      const claimed = (await queue.dequeue())!;
      expect(await queue.complete(id!, { startedAt: claimed.startedAt, attempt: claimed.attempt })).toBe("acknowledged");
      expect(await rowOf(id!)).toMatchObject({ status: "COMPLETED" });
    });

    /** A job claimed, its lease released as stale, and claimed again by another worker. */
    async function superseded() {
      const stalled = fixture.jobQueue({ workerId: "stalled" });
      const [id] = await stalled.enqueueParallel([job({ maxAttempts: 5 })]);
      const first = (await stalled.dequeue())!;
      await ageJob(id!, "lockedAt", 600_000);
      expect(await stalled.releaseStaleJobs(300_000)).toBe(1);
      const fresh = fixture.jobQueue({ workerId: "fresh" });
      const second = (await fresh.dequeue())!;
      expect(second.attempt).toBe(2);
      return { id: id!, stalledFence: { startedAt: first.startedAt, attempt: first.attempt }, fresh, second };
    }

    it("should report a completion from a superseded attempt instead of clobbering the newer one", async () => {
      const { id, stalledFence } = await superseded();
      expect(await fixture.jobQueue({ workerId: "stalled" }).complete(id, stalledFence)).toBe("superseded");
      expect(await rowOf(id)).toMatchObject({ status: "RUNNING", workerId: "fresh", attempt: 2 });
    });

    it("should report a failure from a superseded attempt instead of clobbering the newer one", async () => {
      const { id, stalledFence } = await superseded();
      expect(await fixture.jobQueue({ workerId: "stalled" }).fail(id, "late failure", true, stalledFence)).toBe("superseded");
      expect(await rowOf(id)).toMatchObject({ status: "RUNNING", workerId: "fresh" });
    });

    it("should report a suspend from a superseded attempt instead of releasing the newer one's lease", async () => {
      const { id, stalledFence, fresh, second } = await superseded();
      expect(await fixture.jobQueue({ workerId: "stalled" }).suspend(id, new Date(Date.now() + 1_000), stalledFence)).toBe("superseded");
      expect(await rowOf(id)).toMatchObject({ status: "RUNNING", workerId: "fresh" });
      expect(await fresh.complete(id, { startedAt: second.startedAt, attempt: second.attempt })).toBe("acknowledged");
    });

    it("should keep acknowledging unconditionally when no fence is passed", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      const [a, b, c] = await queue.enqueueParallel([job({ stageId: "a", priority: 3 }), job({ stageId: "b", priority: 2 }), job({ stageId: "c", priority: 1 })]);
      await queue.dequeueBatch(3);
      expect(await queue.complete(a!)).toBe("acknowledged");
      expect(await queue.suspend(b!, new Date(Date.now() + 60_000))).toBe("acknowledged");
      expect(await queue.fail(c!, "no retry by default")).toBe("acknowledged");
      expect([(await rowOf(a!))!.status, (await rowOf(b!))!.status, (await rowOf(c!))!.status]).toEqual(["COMPLETED", "SUSPENDED", "FAILED"]);
      // This library's difference: unfenced, a RUNNING job is still this worker's to acknowledge.
      const [d] = await queue.enqueueParallel([job({ stageId: "d" })]);
      await fixture.jobQueue({ workerId: "w2" }).dequeue();
      await expect(queue.complete(d!)).rejects.toBeInstanceOf(JobLeaseLostError);
    });

    it("should report a fenced acknowledgement of a deleted job as superseded", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      const [id] = await queue.enqueueParallel([job()]);
      const claimed = (await queue.dequeue())!;
      await queue.deleteByRunAndStages("run-1", ["s1"]);
      const fence = { startedAt: claimed.startedAt, attempt: claimed.attempt };
      expect(await queue.complete(id!, fence)).toBe("superseded");
      expect(await queue.fail(id!, "x", false, fence)).toBe("superseded");
      expect(await queue.suspend(id!, new Date(), fence)).toBe("superseded");
      expect(await queue.defer(id!, new Date(), "x", fence)).toBe("superseded");
    });

    it("refuses a malformed fence by field, writing nothing", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      const [id] = await queue.enqueueParallel([job()]);
      await queue.dequeue();
      await expect(queue.complete(id!, { startedAt: "yesterday", attempt: 1 } as never)).rejects.toMatchObject({ field: "fence.startedAt" });
      await expect(queue.complete(id!, { startedAt: new Date(), attempt: 1.5 })).rejects.toBeInstanceOf(ValidationError);
      expect(await rowOf(id!)).toMatchObject({ status: "RUNNING" });
    });
  });

  describe("releaseStaleJobs operation", () => {
    it("should name the heartbeat tier in lastError when it reclaims a lease", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      const [id] = await queue.enqueueParallel([job()]);
      await queue.dequeue();
      await ageJob(id!, "lockedAt", 600_000);
      expect(await queue.releaseStaleJobs(300_000)).toBe(1);
      const row = (await rowOf(id!))!;
      expect(row.status).toBe("PENDING");
      expect(row.lastError!.startsWith(LEASE_HEARTBEAT_LOST)).toBe(true);
    });
  });

  describe("expireRunawayJobs operation (absolute lease tier)", () => {
    it("should fail a job that held its lease past the absolute cap, even while heartbeating", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      const [id] = await queue.enqueueParallel([job()]);
      await queue.dequeue();
      await ageJob(id!, "startedAt", 7_200_000);
      await queue.touchJob(id!); // heartbeating: the lease is fresh
      expect(await queue.releaseStaleJobs(300_000)).toBe(0);
      expect(await queue.expireRunawayJobs(3_600_000)).toBe(1);
      const row = (await rowOf(id!))!;
      expect(row.status).toBe("FAILED");
      expect(row.lastError!.startsWith(LEASE_ABSOLUTE_CAP)).toBe(true);
    });

    it("should leave a job inside the cap alone", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      const [id] = await queue.enqueueParallel([job()]);
      await queue.dequeue();
      expect(await queue.expireRunawayJobs(3_600_000)).toBe(0);
      expect(await rowOf(id!)).toMatchObject({ status: "RUNNING" });
    });
  });

  // The engine's own 1.0 job-queue cases that force a rescue the engine's way:
  // "A negative threshold makes every held lease look stale straight away"
  // (its persistence-conformance.ts, RESCUE_EVERYTHING_MS = -1000). An engine
  // user's tests written like these must pass here unchanged.
  describe("the engine's negative thresholds", () => {
    const RESCUE_EVERYTHING_MS = -1000;

    async function rescueAndReclaim(stageId: string) {
      const queue = fixture.jobQueue({ workerId: "w1" });
      const [jobId] = await queue.enqueueParallel([job({ workflowRunId: `fence-${stageId}`, stageId })]);
      const first = (await queue.dequeue())!;
      expect(first.jobId).toBe(jobId);
      expect(await queue.releaseStaleJobs(RESCUE_EVERYTHING_MS)).toBe(1);
      const second = (await queue.dequeue())!;
      expect(second.jobId).toBe(jobId);
      return { queue, jobId: jobId!, first, second };
    }

    it("should name the heartbeat tier in lastError when it reclaims a lease (releaseStaleJobs(-1000))", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      await queue.enqueueParallel([job({ workflowRunId: "tier-heartbeat", stageId: "tier-stage" })]);
      await queue.dequeue();
      expect(await queue.releaseStaleJobs(-1000)).toBe(1);
      const [row] = await queue.getJobsByWorkflowRun("tier-heartbeat");
      expect(row!.status).toBe("PENDING");
      expect(row!.lastError).toContain(LEASE_HEARTBEAT_LOST);
      expect(row!.lastError).not.toContain(LEASE_ABSOLUTE_CAP);
    });

    it("should fail a job that held its lease past the absolute cap, even while heartbeating (expireRunawayJobs(-1000))", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      await queue.enqueueParallel([job({ workflowRunId: "tier-absolute", stageId: "tier-stage" })]);
      const claimed = (await queue.dequeue())!;
      await queue.touchJob(claimed.jobId);
      expect(await queue.releaseStaleJobs(60_000)).toBe(0);
      expect(await queue.expireRunawayJobs(-1000)).toBe(1);
      const [row] = await queue.getJobsByWorkflowRun("tier-absolute");
      expect(row!.status).toBe("FAILED");
      expect(row!.lastError).toContain(LEASE_ABSOLUTE_CAP);
      expect(row!.lastError).not.toContain(LEASE_HEARTBEAT_LOST);
    });

    it("a zero threshold also rescues every held lease, and leaves PENDING jobs alone", async () => {
      const queue = fixture.jobQueue({ workerId: "w1" });
      await queue.enqueueParallel([job({ stageId: "held", priority: 2 }), job({ stageId: "waiting", priority: 1 })]);
      await queue.dequeue();
      await sleep(5); // the lease must be older than "now" by at least a millisecond
      expect(await queue.releaseStaleJobs(0)).toBe(1);
      expect((await queue.getJobsByWorkflowRun("run-1")).map((j) => j.status)).toEqual(["PENDING", "PENDING"]);
      expect(await queue.expireRunawayJobs(RESCUE_EVERYTHING_MS)).toBe(0); // nothing RUNNING, nothing expired
    });

    it("should report a completion from a superseded attempt instead of clobbering the newer one", async () => {
      const { queue, jobId, first, second } = await rescueAndReclaim("fence-complete");
      expect(await queue.complete(jobId, { startedAt: first.startedAt, attempt: first.attempt })).toBe("superseded");
      expect((await queue.getJobsByWorkflowRun("fence-fence-complete"))[0]!.status).toBe("RUNNING");
      expect(await queue.complete(jobId, { startedAt: second.startedAt, attempt: second.attempt })).toBe("acknowledged");
      expect((await queue.getJobsByWorkflowRun("fence-fence-complete"))[0]!.status).toBe("COMPLETED");
    });

    it("should report a failure from a superseded attempt instead of clobbering the newer one", async () => {
      const { queue, jobId, first } = await rescueAndReclaim("fence-fail");
      expect(await queue.fail(jobId, "stalled worker error", false, { startedAt: first.startedAt, attempt: first.attempt })).toBe("superseded");
      const [row] = await queue.getJobsByWorkflowRun("fence-fence-fail");
      expect(row!.status).toBe("RUNNING");
      expect(row!.lastError).not.toContain("stalled worker error");
    });

    it("should report a suspend from a superseded attempt instead of releasing the newer one's lease", async () => {
      const { queue, jobId, first } = await rescueAndReclaim("fence-suspend");
      expect(await queue.suspend(jobId, new Date(Date.now() + 60_000), { startedAt: first.startedAt, attempt: first.attempt })).toBe("superseded");
      const [row] = await queue.getJobsByWorkflowRun("fence-fence-suspend");
      expect(row!.status).toBe("RUNNING");
      expect(row!.workerId).not.toBeNull();
    });

    it("should keep acknowledging unconditionally when no fence is passed", async () => {
      const { queue, jobId } = await rescueAndReclaim("fence-optional");
      expect(await queue.complete(jobId)).toBe("acknowledged");
      expect((await queue.getJobsByWorkflowRun("fence-fence-optional"))[0]!.status).toBe("COMPLETED");
    });
  });

  describe("fairness", () => {
    it("caps the RUNNING jobs of a group, so a flood cannot starve a quiet group", async () => {
      const queue = fixture.jobQueue({ workerId: "w1", fairness: { maxConcurrentPerGroup: 2 } });
      expect(queue.fairnessGroupBy).toBe("_groupKey");
      const flood = Array.from({ length: 6 }, (_, i) => job({ stageId: `flood-${i}`, groupKey: "tenant-a", priority: 9 }));
      await queue.enqueueParallel([...flood, job({ stageId: "quiet", groupKey: "tenant-b", priority: 1 }), job({ stageId: "nogroup", priority: 0 })]);
      const claimed = await queue.dequeueBatch(10);
      expect(claimed.map((j) => j.stageId)).toEqual(["flood-0", "flood-1", "quiet", "nogroup"]);
      expect(await queue.dequeue()).toBeNull(); // every group at its cap or empty
      await queue.complete(claimed[0]!.jobId, { startedAt: claimed[0]!.startedAt, attempt: claimed[0]!.attempt });
      expect((await queue.dequeue())!.stageId).toBe("flood-2");
    });

    it("reads the group at a dotted path of the payload, and leaves a queue without fairness uncapped", async () => {
      const queue = fixture.jobQueue({ workerId: "w1", fairness: { maxConcurrentPerGroup: 1, groupBy: "config.tenantId" } });
      expect(queue.fairnessGroupBy).toBe("config.tenantId");
      await queue.enqueueParallel([
        job({ stageId: "a1", payload: { config: { tenantId: "a" } }, priority: 3 }),
        job({ stageId: "a2", payload: { config: { tenantId: "a" } }, priority: 2 }),
        job({ stageId: "b1", payload: { config: { tenantId: "b" } }, priority: 1 }),
      ]);
      expect((await queue.dequeueBatch(3)).map((j) => j.stageId)).toEqual(["a1", "b1"]);
      expect((await fixture.jobQueue({ workerId: "w2" }).dequeue())!.stageId).toBe("a2"); // no fairness there
      expect(fixture.jobQueue().fairnessGroupBy).toBeNull();
    });
  });

  it("adopts a host's worker id unless it was made with one", async () => {
    const generated = fixture.jobQueue();
    expect(generated.adoptWorkerId("host-7")).toBe("host-7");
    expect(generated.workerId).toBe("host-7");
    await generated.enqueueParallel([job()]);
    await generated.dequeue();
    const { rows } = await sql<{ workerId: string }>`select "workerId" from job_queue`.execute(fixture.db);
    expect(rows[0]!.workerId).toBe("host-7");
    const explicit = fixture.jobQueue({ workerId: "mine" });
    expect(explicit.adoptWorkerId("host-7")).toBe("mine");
  });

  it("fails without retry unless shouldRetry is true", async () => {
    const queue = fixture.jobQueue({ workerId: "w1" });
    const [a, b] = await queue.enqueueParallel([job({ stageId: "a", priority: 2 }), job({ stageId: "b", priority: 1 })]);
    const [first, second] = await queue.dequeueBatch(2);
    await queue.fail(a!, "x", undefined, { startedAt: first!.startedAt, attempt: first!.attempt });
    await queue.fail(b!, "x", true, { startedAt: second!.startedAt, attempt: second!.attempt });
    expect([(await rowOf(a!))!.status, (await rowOf(b!))!.status]).toEqual(["FAILED", "PENDING"]);
    await sleep(0);
  });
});
