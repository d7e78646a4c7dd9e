import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { ContractVersion } from "../../src/database/migrations/contract-versions.js";
import { ValidationError } from "../../src/errors.js";
import { StaleVersionError } from "../../src/v1.js";
import type { WorkflowPersistenceWithLegacy } from "../../src/v1.js";
import { BACKENDS, runInput, sleep, stageInput, useBackend } from "../conformance/backends.js";
import { useBackend10, type Fixture10 } from "../conformance-1.0/fixture.js";

// Issue 29: every validation rule read against the contracts' own words
// (../shared/spec: persistence-setup.md for 0.1, interface-0.12.ts.txt, the
// 1.0 interface.ts.txt and the engine's conformance suite). Where the
// contract types a parameter as a plain `number` or `string` and states no
// range, every finite value the engine could send is accepted; what stays
// refused is what no column can hold (a fraction in an Int column, a value past
// 32 bits, NaN, ±Infinity, NUL, a lone surrogate, a date outside years
// 1–9999, an index entry too large) or what means nothing (a span past a
// century, a negative number of rows). One test per rule, on every backend.

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);
async function refused(promise: Promise<unknown>, field: string) {
  const error = await failure(promise);
  expect(error, field).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe(field);
}
const call = (overrides: Record<string, unknown> = {}) => ({
  topic: "t", callType: "c", modelKey: "m", modelId: "x/m", prompt: "p", response: "r", inputTokens: 1, outputTokens: 1, cost: 0, ...overrides,
});

describe.each(BACKENDS)("the contract's values on $name", (backend) => {
  // --- Spans: "releaseStaleJobs(staleThresholdMs?: number)" on every contract ---
  describe.each(["0.1", "0.12", "1.0"] as ContractVersion[])("contract %s", (contract) => {
    const fixture = useBackend(backend, contract);
    const job = (stageId: string) => ({ workflowRunId: "r", stageId, ...(contract === "0.1" ? {} : { workflowId: "wf" }) });

    it('releaseStaleJobs(staleThresholdMs?: number): zero or negative — "a negative threshold makes every held lease look stale straight away"', async () => {
      const queue = fixture.jobQueue({ workerId: "w", listen: false }) as any;
      await queue.enqueueParallel([job("a"), job("b"), job("c")]);
      await queue.dequeue();
      await queue.dequeue();
      expect(await queue.releaseStaleJobs(-1000)).toBe(2);
      await queue.dequeue();
      await sleep(5);
      expect(await queue.releaseStaleJobs(0)).toBe(1);
      expect((await fixture.db.selectFrom("job_queue").select("status").execute()).map((j) => j.status)).toEqual(["PENDING", "PENDING", "PENDING"]);
      // Kept: what is no span a clock measures.
      for (const span of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1e300, 1e300]) await refused(queue.releaseStaleJobs(span), "staleThresholdMs");
      await refused(queue.releaseStaleJobs("1000" as never), "staleThresholdMs");
    });
  });

  describe("1.0 entry", () => {
    const fixture: Fixture10 = useBackend10(backend, { blobStore: true });
    const p = () => fixture.persistence as WorkflowPersistenceWithLegacy;
    const job = (stageId: string, workflowRunId = "r") => ({ workflowRunId, workflowId: "wf", stageId });

    it('expireRunawayJobs?(absoluteTimeoutMs: number): zero or negative fails every claim now ("LEASE_ABSOLUTE_CAP")', async () => {
      const queue = fixture.jobQueue({ workerId: "w" });
      await queue.enqueueParallel([job("a"), job("b")]);
      await queue.dequeue();
      expect(await queue.expireRunawayJobs(-1000)).toBe(1);
      await queue.dequeue();
      await sleep(5);
      expect(await queue.expireRunawayJobs(0)).toBe(1);
      expect((await queue.getJobsByWorkflowRun("r")).map((j) => j.status)).toEqual(["FAILED", "FAILED"]);
      for (const span of [Number.NaN, Number.POSITIVE_INFINITY, -1e300]) await refused(queue.expireRunawayJobs(span), "absoluteTimeoutMs");
    });

    it('acquireIdempotencyKey(…, { staleInProgressAfterMs?: number }): "reclaimed once it has been in progress for at least that long" — zero or negative reclaims at once', async () => {
      expect(await p().acquireIdempotencyKey("k", "cmd")).toEqual({ status: "acquired" });
      expect(await p().acquireIdempotencyKey("k", "cmd")).toEqual({ status: "in_progress" });
      expect(await p().acquireIdempotencyKey("k", "cmd", { staleInProgressAfterMs: -1000 })).toEqual({ status: "acquired" });
      expect(await p().acquireIdempotencyKey("k", "cmd", { now: new Date(Date.now() + 10), staleInProgressAfterMs: 0 })).toEqual({ status: "acquired" });
      await refused(p().acquireIdempotencyKey("k", "cmd", { staleInProgressAfterMs: Number.NaN }), "options.staleInProgressAfterMs");
    });

    it("totalCost / cost / estimatedCost / reportedCost: number (a Float column): any finite value, negative included", async () => {
      const run = await p().createRun(runInput());
      await p().updateRun(run.id, { totalCost: -0.25 });
      expect((await p().getRun(run.id))!.totalCost).toBe(-0.25);
      const logger = fixture.aiCallLogger();
      await logger.logBatchResults("credit", [call({ topic: "credit.1", cost: -0.01, estimatedCost: 0.02, reportedCost: -0.01, costSource: "reported" })]);
      expect(await logger.listCalls!("credit.")).toMatchObject([{ cost: -0.01, estimatedCost: 0.02, reportedCost: -0.01 }]);
      expect((await logger.getStats("credit.")).totalCost).toBe(-0.01);
      await logger.close();
      // Kept: not finite, no column holds it.
      await refused(p().updateRun(run.id, { totalCost: Number.NaN }), "data.totalCost");
      await refused(p().updateRun(run.id, { totalCost: Number.NEGATIVE_INFINITY }), "data.totalCost");
    });

    it("totalTokens / inputTokens / outputTokens / cachedInputTokens / reasoningTokens: number (an Int column): any whole number it holds", async () => {
      const run = await p().createRun(runInput());
      await p().updateRun(run.id, { totalTokens: -5 });
      expect((await p().getRun(run.id))!.totalTokens).toBe(-5);
      const logger = fixture.aiCallLogger();
      await logger.logBatchResults("b", [call({ topic: "tok.1", inputTokens: -3, outputTokens: 0, cachedInputTokens: -1, reasoningTokens: -2 })]);
      expect(await logger.listCalls!("tok.")).toMatchObject([{ inputTokens: -3, outputTokens: 0, cachedInputTokens: -1, reasoningTokens: -2 }]);
      await logger.close();
      // Kept: what the Int column cannot hold (the engine's Prisma adapter refuses it too).
      await refused(p().updateRun(run.id, { totalTokens: 1.5 }), "data.totalTokens");
      await refused(p().updateRun(run.id, { totalTokens: 2 ** 31 }), "data.totalTokens");
    });

    it("duration / pollInterval / size: number (Int columns): negative whole numbers stored (a skewed clock, a poll due now)", async () => {
      const run = await p().createRun(runInput());
      const stage = await p().createStage(stageInput(run.id, "s"));
      await p().updateStage(stage.id, { duration: -3, pollInterval: -1000 });
      expect(await p().getStageById(stage.id)).toMatchObject({ duration: -3, pollInterval: -1000 });
      await p().saveArtifact({ workflowRunId: run.id, key: "k", type: "ARTIFACT", data: 1, size: -1 });
      expect((await p().listArtifacts(run.id))[0]!.size).toBe(-1);
      await refused(p().updateStage(stage.id, { duration: 2 ** 31 }), "data.duration");
    });

    it("attempt: number (stages, annotations and their filter, steps, JobAckFence): any whole number; a fence naming no claim is superseded", async () => {
      const run = await p().createRun(runInput());
      const stage = await p().createStage({ ...stageInput(run.id, "s"), attempt: -1 });
      expect(stage.attempt).toBe(-1);
      await p().updateStage(stage.id, { attempt: -2 });
      expect((await p().getStageById(stage.id))!.attempt).toBe(-2);
      await p().appendAnnotations([{ workflowRunId: run.id, scope: "run", key: "k", value: 1, attempt: -1 }]);
      expect(await p().listAnnotations(run.id, { attempt: -1 })).toHaveLength(1);
      const ledger = fixture.stepLedger();
      const step = { stageRecordId: stage.id, stepId: "st", seq: 0, kind: "run" as const, status: "running" as const, attempt: -1, leaseExpiresAt: null, deadlineAt: null };
      expect((await ledger.claim(step)).record.attempt).toBe(-1);
      expect((await ledger.compareAndSet(stage.id, "st", { status: "running", attempt: -1 }, { attempt: 0 })).applied).toBe(true);
      const queue = fixture.jobQueue({ workerId: "w" });
      const [id] = await queue.enqueueParallel([job("s", run.id)]);
      const claimed = (await queue.dequeue())!;
      expect(await queue.complete(id!, { startedAt: claimed.startedAt, attempt: -7 })).toBe("superseded");
      expect(await queue.complete(id!, { startedAt: claimed.startedAt, attempt: claimed.attempt })).toBe("acknowledged");
      await refused(queue.complete(id!, { startedAt: claimed.startedAt, attempt: 0.5 }), "fence.attempt");
    });

    it("expectedVersion?: number — a version the row does not have is a StaleVersionError, never a ValidationError; redriveCount any whole number", async () => {
      const run = await p().createRun(runInput());
      const error = await failure(p().updateRun(run.id, { status: "RUNNING", expectedVersion: -1 }));
      expect(error).toBeInstanceOf(StaleVersionError);
      await p().updateRun(run.id, { redriveCount: -1 });
      expect((await p().getRun(run.id))!.redriveCount).toBe(-1);
      await refused(p().updateRun(run.id, { expectedVersion: 0.5 }), "data.expectedVersion");
    });

    it('"up to limit" (listAnnotations, get/claimUnpublishedOutboxEvents, getSuspendedStages, listRunsForPurge, replayDLQEvents): 0 is none, a huge limit is all, a negative count of rows is refused', async () => {
      const run = await p().createRun(runInput());
      await p().appendAnnotations([{ workflowRunId: run.id, scope: "run", key: "a", value: 1 }]);
      await p().appendOutboxEvents([{ workflowRunId: run.id, eventType: "e", payload: {}, causationId: "c", occurredAt: new Date() }]);
      const stage = await p().createStage(stageInput(run.id, "s"));
      await p().updateStage(stage.id, { status: "SUSPENDED", nextPollAt: new Date(Date.now() - 1000) });
      await p().updateRun(run.id, { status: "COMPLETED", completedAt: new Date(Date.now() - 1000) });
      const now = new Date();
      expect(await p().listAnnotations(run.id, { limit: 0 })).toEqual([]);
      expect(await p().getUnpublishedOutboxEvents(0)).toEqual([]);
      expect(await p().getSuspendedStages(now, { limit: 0 })).toEqual([]);
      expect(await p().listRunsForPurge(now, ["COMPLETED"], 0)).toEqual([]);
      expect(await p().replayDLQEvents(0)).toBe(0);
      expect(await p().claimUnpublishedOutboxEvents(0)).toEqual([]);
      const huge = Number.MAX_SAFE_INTEGER;
      expect(await p().listAnnotations(run.id, { limit: huge })).toHaveLength(1);
      expect(await p().getUnpublishedOutboxEvents(huge)).toHaveLength(1);
      expect(await p().getSuspendedStages(now, { limit: huge })).toHaveLength(1);
      expect(await p().listRunsForPurge(now, ["COMPLETED"], huge)).toHaveLength(1);
      expect(await p().replayDLQEvents(huge)).toBe(0);
      expect(await p().claimUnpublishedOutboxEvents(huge)).toHaveLength(1);
      await refused(p().listAnnotations(run.id, { limit: -1 }), "filters.limit");
      await refused(p().claimUnpublishedOutboxEvents(-1), "limit");
      await refused(p().listRunsForPurge(now, ["COMPLETED"], 2.5), "limit");
      await refused(p().getSuspendedStages(now, { limit: Number.POSITIVE_INFINITY }), "options.limit");
    });

    it('listRunsForPurge(cutoff, statuses, limit): "runs whose status is one of statuses" — none named, none listed', async () => {
      const run = await p().createRun(runInput());
      await p().updateRun(run.id, { status: "FAILED", completedAt: new Date(Date.now() - 1000) });
      expect(await p().listRunsForPurge(new Date(), [], 10)).toEqual([]);
      expect(await p().listRunsForPurge(new Date(), ["FAILED"], 10)).toHaveLength(1);
      expect(await p().countRunsByDefinitionVersion({ status: ["FAILED", "FAILED", "FAILED", "FAILED", "FAILED", "FAILED", "FAILED", "FAILED"] })).toHaveLength(1);
    });

    it("ids, keys and names are plain strings: the empty string is stored, found and read back", async () => {
      const run = await p().createRun(runInput({ id: "", workflowId: "", workflowName: "", workflowType: "", definitionVersion: "" }));
      expect(run).toMatchObject({ id: "", workflowId: "", workflowName: "", workflowType: "", definitionVersion: "" });
      expect(await p().getRun("")).toMatchObject({ id: "", workflowId: "" });
      const stage = await p().createStage(stageInput("", ""));
      expect(await p().getStage("", "")).toMatchObject({ id: stage.id, stageId: "" });
      await p().appendAnnotations([{ workflowRunId: "", scope: "", key: "", value: "" }]);
      expect(await p().listAnnotations("", { key: "" })).toMatchObject([{ scope: "", key: "", value: "" }]);
      await p().appendOutboxEvents([{ workflowRunId: "", eventType: "", payload: {}, causationId: "", occurredAt: new Date() }]);
      expect(await p().getUnpublishedOutboxEvents()).toMatchObject([{ eventType: "", causationId: "" }]);
      expect(await p().acquireIdempotencyKey("", "")).toEqual({ status: "acquired" });
      const ledger = fixture.stepLedger();
      await ledger.claim({ stageRecordId: stage.id, stepId: "", seq: 0, kind: "run", status: "running", attempt: 1, leaseExpiresAt: null, deadlineAt: null });
      expect(await ledger.get(stage.id, "")).toMatchObject({ stepId: "" });
      const blobs = fixture.blobStore();
      await blobs.put("", { v: 1 });
      expect(await blobs.get("")).toEqual({ v: 1 });
      const queue = fixture.jobQueue({ workerId: "w" });
      const [id] = await queue.enqueueParallel([{ workflowRunId: "", workflowId: "", stageId: "" }]);
      expect((await queue.dequeue())!).toMatchObject({ jobId: id, workflowId: "", stageId: "" });
      expect(await p().getRun("missing-and-not-empty")).toBeNull();
    });

    it("names have no stated length: a 20,000-character workflow name and stage name read back exactly", async () => {
      const name = "名".repeat(20_000);
      const run = await p().createRun(runInput({ workflowName: name }));
      await p().createStage(stageInput(run.id, "s", { stageName: name }));
      expect((await p().getRun(run.id))!.workflowName).toBe(name);
      expect((await p().getStage(run.id, "s"))!.stageName).toBe(name);
      // Kept: indexed text (an index entry has a size limit on PostgreSQL), checked the same on both databases.
      await refused(p().createRun(runInput({ workflowId: "k".repeat(801) })), "data.workflowId");
    });

    it("string[] lists (deleteByRunAndStages, clearExcept, markOutboxEventsPublished, releaseOutboxEvents): any length, one bound parameter", async () => {
      const many = Array.from({ length: 40_000 }, (_, i) => `id-${i}`);
      const queue = fixture.jobQueue({ workerId: "w" });
      await queue.enqueueParallel([job("keep"), job("id-7")]);
      expect(await queue.deleteByRunAndStages("r", many)).toBe(1);
      expect((await queue.getJobsByWorkflowRun("r")).map((j) => j.stageId)).toEqual(["keep"]);
      const run = await p().createRun(runInput());
      const stage = await p().createStage(stageInput(run.id, "s"));
      const ledger = fixture.stepLedger();
      for (const stepId of ["id-3", "gone"]) {
        await ledger.claim({ stageRecordId: stage.id, stepId, seq: 0, kind: "run", status: "running", attempt: 1, leaseExpiresAt: null, deadlineAt: null });
      }
      await ledger.clearExcept!(stage.id, many);
      expect((await ledger.list(stage.id)).map((s) => s.stepId)).toEqual(["id-3"]);
      await p().appendOutboxEvents([{ workflowRunId: run.id, eventType: "e", payload: {}, causationId: "c", occurredAt: new Date() }]);
      const [event] = await p().getUnpublishedOutboxEvents();
      await expect(p().markOutboxEventsPublished([event!.id, ...many])).rejects.toMatchObject({ name: "NotFoundError" }); // all or none
      expect(await p().getUnpublishedOutboxEvents()).toHaveLength(1);
      await p().markOutboxEventsPublished(Array.from({ length: 40_000 }, () => event!.id));
      expect(await p().getUnpublishedOutboxEvents()).toHaveLength(0);
      await p().releaseOutboxEvents([event!.id, event!.id]);
      expect(await p().getUnpublishedOutboxEvents()).toHaveLength(1);
    });

    it('listRunEvents(runId, afterSequence: number): "afterSequence 0 = from start"; a negative one also reads from the start', async () => {
      const run = await p().createRun(runInput());
      await p().appendOutboxEvents([{ workflowRunId: run.id, eventType: "e", payload: {}, causationId: "c", occurredAt: new Date() }]);
      const reader = fixture.consoleReader();
      expect(await reader.listRunEvents(run.id, 0)).toHaveLength(1);
      expect(await reader.listRunEvents(run.id, -5)).toHaveLength(1);
    });

    it('adoptWorkerId?(workerId: string): "returns the id the queue will stamp" — an empty offer is accepted and not taken', async () => {
      const queue = fixture.jobQueue();
      const before = queue.workerId;
      expect(queue.adoptWorkerId!("")).toBe(before);
      expect(queue.adoptWorkerId!("host-7")).toBe("host-7");
      expect(fixture.jobQueue({ workerId: "configured" }).adoptWorkerId!("host-7")).toBe("configured");
    });

    it('the console read port\'s statementTimeoutMs: "0 disables"; a negative value disables it too', async () => {
      const reader = fixture.consoleReader({ statementTimeoutMs: -1 });
      expect((await reader.listRuns({})).runs).toEqual([]);
    });

    it("kept: dates outside years 1 to 9999 (the databases order them differently), refused by field", async () => {
      const run = await p().createRun(runInput());
      await refused(p().updateRun(run.id, { completedAt: new Date("+010000-01-01T00:00:00Z") }), "data.completedAt");
      await refused(p().getSuspendedStages(new Date(Number.NaN)), "beforeDate");
      const rows = await sql<{ n: number }>`select count(*) as n from workflow_runs where "completedAt" is not null`.execute(fixture.db);
      expect(Number(rows.rows[0]!.n)).toBe(0);
    });
  });
});
