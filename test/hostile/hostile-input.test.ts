import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import type { AICallLogger } from "../../src/interfaces/ai-call-logger.js";
import type { JobQueue } from "../../src/interfaces/job-queue.js";
import type { WorkflowPersistence } from "../../src/interfaces/workflow-persistence.js";
import { KYSELY_BACKENDS, runInput, stageInput, useBackend } from "../conformance/backends.js";

const HUGE = "x".repeat(10_001); // over the 800-byte limit of indexed keys
const LONE_SURROGATE = "x\ud800";
const HUGE_ID = "i".repeat(1_001);
const NUL = "bad\u0000value";
const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;
const deep: Record<string, unknown> = {};
let cursor = deep;
for (let i = 0; i < 600; i++) cursor = (cursor.next = {}) as Record<string, unknown>;

const call = (overrides: Record<string, unknown> = {}) => ({
  topic: "t", callType: "c", modelKey: "m", modelId: "x/m", prompt: "p", response: "r", inputTokens: 1, outputTokens: 1, cost: 0, ...overrides,
});

interface Subjects {
  persistence: WorkflowPersistence;
  queue: JobQueue;
  logger: AICallLogger;
  runId: string;
  jobId: string;
}
type Case = [string, string, (s: Subjects) => unknown];

// Malformed input of every kind against every public method family; each must
// be a ValidationError naming the field, with nothing written.
const cases: Case[] = [
  ["createRun: a lone surrogate in workflowName", "data.workflowName", (s) => s.persistence.createRun(runInput({ workflowName: LONE_SURROGATE }))],
  ["createRun: enormous id", "data.id", (s) => s.persistence.createRun(runInput({ id: HUGE_ID }))],
  ["createRun: NUL in workflowType", "data.workflowType", (s) => s.persistence.createRun(runInput({ workflowType: NUL }))],
  ["createRun: NUL in a JSON string", "data.input.text", (s) => s.persistence.createRun(runInput({ input: { text: NUL } }))],
  ["createRun: NUL in a JSON key", "data.input.a\u0000b", (s) => s.persistence.createRun(runInput({ input: { "a\u0000b": 1 } }))],
  ["createRun: JSON nested 600 deep", "data.input", (s) => s.persistence.createRun(runInput({ input: deep })).catch((e) => { throw Object.assign(e, { field: String(e.field).split(".next")[0] }); })],
  ["createRun: cyclic config", "data.config.self", (s) => s.persistence.createRun(runInput({ config: cyclic }))],
  ["createRun: __proto__ metadata key", "data.metadata.__proto__", (s) => s.persistence.createRun(runInput({ metadata: JSON.parse('{"__proto__": 1}') }))],
  ["createRun: metadata as an array", "data.metadata", (s) => s.persistence.createRun(runInput({ metadata: [1] }))],
  ["updateRun: status as a number", "data.status", (s) => s.persistence.updateRun(s.runId, { status: 1 as never })],
  ["updateRun: Infinity duration", "data.duration", (s) => s.persistence.updateRun(s.runId, { duration: Number.POSITIVE_INFINITY })],
  ["createLog: NUL in message", "data.message", (s) => s.persistence.createLog({ workflowRunId: s.runId, level: "INFO", message: NUL })],
  ["saveArtifact: BigInt data", "data.data.n", (s) => s.persistence.saveArtifact({ workflowRunId: s.runId, key: "k", type: "ARTIFACT", data: { n: 2n } })],
  ["saveArtifact: enormous key", "data.key", (s) => s.persistence.saveArtifact({ workflowRunId: s.runId, key: HUGE, type: "ARTIFACT", data: 1 })],
  ["loadArtifact: key as an object", "key", (s) => s.persistence.loadArtifact(s.runId, {} as never)],
  ["getRun: id as an object", "id", (s) => s.persistence.getRun({} as never)],
  ["getRunStatus: an id over 1,000 bytes", "id", (s) => s.persistence.getRunStatus(HUGE_ID)],
  ["claimPendingRun: id as a number", "id", (s) => s.persistence.claimPendingRun(1 as never)],
  ["getStage: enormous stage id", "stageId", (s) => s.persistence.getStage(s.runId, HUGE)],
  ["getStageById: NUL in id", "id", (s) => s.persistence.getStageById(NUL)],
  ["updateStageByRunAndStageId: unknown field", "data", (s) => s.persistence.updateStageByRunAndStageId(s.runId, "s", { colour: "red" } as never)],
  ["deleteStage: id as null", "id", (s) => s.persistence.deleteStage(null as never)],
  ["getFirstSuspendedStageReadyToResume: id as an array", "workflowRunId", (s) => s.persistence.getFirstSuspendedStageReadyToResume([] as never)],
  ["getFirstFailedStage: an id over 1,000 bytes", "workflowRunId", (s) => s.persistence.getFirstFailedStage(HUGE_ID)],
  ["getLastCompletedStage: id as a number", "workflowRunId", (s) => s.persistence.getLastCompletedStage(3 as never)],
  ["hasArtifact: NUL in key", "key", (s) => s.persistence.hasArtifact(s.runId, NUL)],
  ["deleteArtifact: a lone surrogate in the key", "key", (s) => s.persistence.deleteArtifact(s.runId, LONE_SURROGATE)],
  ["listArtifacts: enormous id", "workflowRunId", (s) => s.persistence.listArtifacts(HUGE_ID)],
  ["getStageIdForArtifact: stage id as a Date", "stageId", (s) => s.persistence.getStageIdForArtifact(s.runId, new Date() as never)],
  ["saveStageOutput: NUL in workflowType", "workflowType", (s) => s.persistence.saveStageOutput(s.runId, NUL, "s", 1)],
  ["resume: an id over 1,000 bytes", "jobId", (s) => s.queue.resume(HUGE_ID)],
  ["enqueue: missing stageId", "options.stageId", (s) => s.queue.enqueue({ workflowRunId: "r" } as never)],
  ["enqueue: NaN priority", "options.priority", (s) => s.queue.enqueue({ workflowRunId: "r", stageId: "s", priority: Number.NaN })],
  ["enqueue: payload not an object", "options.payload", (s) => s.queue.enqueue({ workflowRunId: "r", stageId: "s", payload: [1] as never })],
  ["enqueue: invalid scheduledFor", "options.scheduledFor", (s) => s.queue.enqueue({ workflowRunId: "r", stageId: "s", scheduledFor: new Date("x") })],
  ["enqueue: maxAttempts 0", "options.maxAttempts", (s) => s.queue.enqueue({ workflowRunId: "r", stageId: "s", maxAttempts: 0 })],
  ["enqueue: unknown field", "options", (s) => s.queue.enqueue({ workflowRunId: "r", stageId: "s", prio: 1 } as never)],
  ["enqueueParallel: not an array", "jobs", (s) => s.queue.enqueueParallel({} as never)],
  ["dequeueBatch: fractional limit", "limit", (s) => s.queue.dequeueBatch(1.5)],
  ["complete: NUL in the id", "jobId", (s) => s.queue.complete(NUL)],
  ["completeMany: a non-string id", "jobIds.1", (s) => s.queue.completeMany([s.jobId, 7 as never])],
  ["completeAndDequeue: id as a number", "jobId", (s) => s.queue.completeAndDequeue(7 as never)],
  ["suspend: invalid date", "nextPollAt", (s) => s.queue.suspend(s.jobId, new Date(Number.NaN))],
  ["fail: error not a string", "error", (s) => s.queue.fail(s.jobId, { message: "x" } as never)],
  ["fail: NUL in error", "error", (s) => s.queue.fail(s.jobId, NUL)],
  ["heartbeat: id as a number", "jobId", (s) => s.queue.heartbeat(5 as never)],
  ["releaseStaleJobs: a threshold beyond a century back", "staleThresholdMs", (s) => s.queue.releaseStaleJobs(-1e300)],
  ["releaseStaleJobs: NaN threshold", "staleThresholdMs", (s) => s.queue.releaseStaleJobs(Number.NaN)],
  ["logCall: tokens as a string", "call.inputTokens", (s) => s.logger.logCall(call({ inputTokens: "12" }) as never)],
  ["logCall: NUL in the prompt", "call.prompt", (s) => s.logger.logCall(call({ prompt: NUL }) as never)],
  ["logCall: cyclic metadata", "call.metadata.self", (s) => s.logger.logCall(call({ metadata: cyclic }) as never)],
  ["logBatchResults: results not an array", "results", (s) => s.logger.logBatchResults("b", {} as never)],
  ["logBatchResults: NUL in batchId", "batchId", (s) => s.logger.logBatchResults(NUL, [call() as never])],
  ["getStats: prefix as a number", "topicPrefix", (s) => s.logger.getStats(5 as never)],
  ["isRecorded: batchId null", "batchId", (s) => s.logger.isRecorded(null as never)],
];

describe.each(KYSELY_BACKENDS)("hostile input on $name", (backend) => {
  const fixture = useBackend(backend);

  it.each(cases)("%s → ValidationError naming %s, nothing written", async (_what, field, act) => {
    const run = await fixture.persistence.createRun(runInput());
    await fixture.persistence.createStage(stageInput(run.id, "s"));
    const queue = fixture.jobQueue({ workerId: "w", listen: false });
    const jobId = await queue.enqueue({ workflowRunId: run.id, stageId: "s" });
    await queue.dequeue();
    // logCall never throws: what it refuses reaches onError.
    const reported: unknown[] = [];
    const logger = fixture.aiCallLogger({ flushIntervalMs: 60_000, onError: (refused: unknown) => reported.push(refused) });
    const before = await fixture.counts();
    const snapshot = await fixture.db.selectFrom("job_queue").selectAll().execute();

    let error: unknown;
    try {
      await act({ persistence: fixture.persistence, queue, logger, runId: run.id, jobId });
    } catch (caught) {
      error = caught;
    }
    await logger.close();
    error ??= reported[0];
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(await fixture.counts()).toEqual(before);
    expect(await fixture.db.selectFrom("job_queue").selectAll().execute()).toEqual(snapshot);
    expect(Object.prototype).not.toHaveProperty("polluted");
  });
});
