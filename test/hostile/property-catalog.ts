import fc from "fast-check";
import type { ContractVersion } from "../../src/database/migrations/contract-versions.js";
import { hostileDate, hostileJson, hostileNumber, hostileString, mostly, record } from "./property-values.js";

// Every public method of the contract entries (0.1, 0.12 and 1.0: persistence,
// queue, AI-call logger; the blob store; 1.0's step ledger), with what its arguments may be and
// the names its ValidationErrors start with. The properties call them with
// valid and hostile arguments alike.

/** Rows the properties start from: calls name them (or names that do not exist). */
export interface World {
  runId: string;
  stageRecordId: string;
  heldJobId: string;
  eventId: string;
}

export type Target = "persistence" | "queue" | "logger" | "blobs" | "steps";

export interface MethodCase {
  target: Target;
  name: string;
  /** Where it exists (both when absent). */
  contract?: ContractVersion;
  /** The parameter names, as a ValidationError's field starts. */
  params: readonly string[];
  args(world: World): fc.Arbitrary<unknown[]>;
}

const id = (world: World, ...known: (keyof World)[]) =>
  mostly(fc.oneof(fc.constantFrom(...known.map((key) => world[key]), "missing"), fc.string({ minLength: 1, maxLength: 6 })), hostileString);
const key = () => mostly(fc.string({ minLength: 1, maxLength: 10 }), hostileString);
const text = () => mostly(fc.string({ maxLength: 20 }), hostileString);
const int = (min = 0, max = 1_000) => mostly(fc.integer({ min, max }), hostileNumber);
const date = () => mostly(fc.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true }), hostileDate);
const json = () => mostly(fc.jsonValue({ maxDepth: 2 }), hostileJson);
const status = () => mostly(fc.constantFrom("PENDING", "RUNNING", "SUSPENDED", "COMPLETED", "FAILED", "CANCELLED"), hostileString);
const args = (...parts: fc.Arbitrary<unknown>[]) => fc.tuple(...parts) as fc.Arbitrary<unknown[]>;

const runData = (world: World, contract012: boolean) =>
  record(
    {
      id: mostly(fc.uuid(), hostileString),
      workflowId: key(),
      workflowName: text(),
      workflowType: key(),
      input: json(),
      config: json(),
      priority: int(-5, 10),
      ...(contract012 ? { metadata: mostly(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }), hostileJson) } : {}),
    },
    ["workflowId", "workflowName", "workflowType", "input"],
  );
const stageUpdate = (contract012: boolean) =>
  record({
    status: status(),
    startedAt: mostly(fc.option(fc.date({ noInvalidDate: true, min: new Date("2020-01-01"), max: new Date("2030-01-01") })), hostileDate),
    completedAt: date(),
    duration: int(-100, 100_000),
    outputData: json(),
    suspendedState: json(),
    nextPollAt: date(),
    pollInterval: int(),
    errorMessage: text(),
    ...(contract012 ? { expectedVersion: int(0, 5) } : {}),
  });
const stageFields = { stageName: text(), stageNumber: int(), executionGroup: int(), status: status(), config: json(), inputData: json() };
const job = (world: World, contract012: boolean) =>
  record(
    {
      workflowRunId: id(world, "runId"),
      stageId: key(),
      priority: int(-5, 10),
      payload: mostly(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }), hostileJson),
      scheduledFor: date(),
      maxAttempts: int(1, 5),
      ...(contract012 ? { workflowId: key() } : {}),
    },
    contract012 ? ["workflowRunId", "stageId", "workflowId"] : ["workflowRunId", "stageId"],
  );
const aiCall = () =>
  record(
    {
      topic: key(), callType: text(), modelKey: key(), modelId: text(), prompt: text(), response: text(),
      inputTokens: int(), outputTokens: int(), cost: mostly(fc.double({ min: 0, max: 10, noNaN: true }), hostileNumber), metadata: json(),
    },
    ["topic", "callType", "modelKey", "modelId", "prompt", "response", "inputTokens", "outputTokens", "cost"],
  );
const annotation = (world: World) =>
  record(
    {
      workflowRunId: id(world, "runId"), workflowStageRecordId: id(world, "stageRecordId"), scope: key(), scopeId: text(), key: key(),
      value: json(), payload: json(), idempotencyKey: key(), attempt: int(0, 3),
      actor: mostly(fc.record({ kind: fc.string({ maxLength: 4 }), id: fc.string({ maxLength: 4 }) }, { requiredKeys: [] })),
    },
    ["workflowRunId", "scope", "key", "value"],
  );
const outboxEvent = (world: World) =>
  record(
    { workflowRunId: id(world, "runId"), eventType: key(), payload: json(), causationId: text(), occurredAt: date() },
    ["workflowRunId", "eventType", "payload", "causationId", "occurredAt"],
  );
const list = (item: fc.Arbitrary<unknown>) => mostly(fc.array(item, { maxLength: 4 }));

const stepStatus = () => mostly(fc.constantFrom("running", "pending", "completed", "failed"), hostileString);
const stepPatch = () =>
  record({
    status: stepStatus(),
    attempt: int(0, 5),
    leaseExpiresAt: mostly(fc.option(fc.date({ noInvalidDate: true, min: new Date("2020-01-01"), max: new Date("2030-01-01") }), { nil: null }), hostileDate),
    deadlineAt: date(),
    result: json(),
    error: mostly(fc.option(fc.string({ maxLength: 10 }), { nil: null }), hostileString),
    waitState: mostly(fc.record({ everyMs: fc.integer({ min: 0, max: 1e6 }), pollFailures: fc.integer({ min: 0, max: 9 }) }, { requiredKeys: [] }), hostileJson),
  });
const step = (world: World) =>
  record(
    {
      stageRecordId: id(world, "stageRecordId"),
      stepId: key(),
      seq: int(0, 100),
      kind: mostly(fc.constantFrom("run", "wait", "signal", "sleep"), hostileString),
      status: stepStatus(),
      attempt: int(0, 5),
      leaseExpiresAt: mostly(fc.constant(null), hostileDate),
      deadlineAt: mostly(fc.constant(null), hostileDate),
      externalKey: mostly(fc.option(fc.string({ maxLength: 8 }), { nil: null }), hostileString),
      result: json(),
    },
    ["stageRecordId", "stepId", "seq", "kind", "status", "attempt", "leaseExpiresAt", "deadlineAt"],
  );
const fence = () => mostly(fc.option(fc.record({ startedAt: fc.date({ noInvalidDate: true, min: new Date("2020-01-01"), max: new Date("2030-01-01") }), attempt: fc.integer({ min: 0, max: 5 }) }), { nil: undefined }), hostileJson);
const served = () => mostly(fc.array(fc.record({ workflowId: fc.string({ maxLength: 5 }), version: fc.string({ maxLength: 3 }) }), { maxLength: 3 }), hostileJson);

/** What 1.0 adds: definitions, retention, the outbox claim, fenced acknowledgements, the step ledger, listCalls. */
function cases10(): MethodCase[] {
  const P = "persistence" as const;
  const Q = "queue" as const;
  const S = "steps" as const;
  return [
    { target: P, name: "insertDefinitionIfAbsent", params: ["input"], args: () => args(record({ workflowId: key(), version: key(), snapshot: json(), structureHash: key() }, ["workflowId", "version", "snapshot", "structureHash"])) },
    { target: P, name: "getDefinition", params: ["workflowId", "version"], args: () => args(key(), key()) },
    { target: P, name: "countRunsByDefinitionVersion", params: ["filter"], args: () => args(mostly(fc.option(fc.record({ workflowId: fc.string({ maxLength: 5 }), definitionVersion: fc.string({ maxLength: 3 }), status: fc.array(fc.constantFrom("PENDING", "FAILED")) }, { requiredKeys: [] }), { nil: undefined }), hostileJson)) },
    { target: P, name: "listRunsForPurge", params: ["cutoff", "statuses", "limit"], args: () => args(date(), mostly(fc.array(fc.constantFrom("COMPLETED", "FAILED", "CANCELLED"), { maxLength: 3 }), hostileJson), int(1, 10)) },
    // Never the world's run: deleting it would leave the other calls nothing to name.
    { target: P, name: "deleteRun", params: ["id"], args: () => args(mostly(fc.string({ minLength: 1, maxLength: 6 }), hostileString)) },
    { target: P, name: "claimUnpublishedOutboxEvents", params: ["limit"], args: () => args(mostly(fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), hostileNumber)) },
    { target: P, name: "releaseOutboxEvents", params: ["ids"], args: (w) => args(list(id(w, "eventId"))) },
    { target: P, name: "claimNextPendingRun", params: ["options"], args: () => args(mostly(fc.option(fc.record({ serves: served() }, { requiredKeys: [] }), { nil: undefined }), hostileJson)) },
    { target: Q, name: "deleteByRunAndStages", params: ["workflowRunId", "stageIds"], args: (w) => args(id(w, "runId"), list(key())) },
    { target: Q, name: "defer", params: ["jobId", "nextPollAt", "reason", "fence"], args: (w) => args(id(w, "heldJobId"), date(), text(), fence()) },
    { target: Q, name: "expireRunawayJobs", params: ["absoluteTimeoutMs"], args: () => args(mostly(fc.integer({ min: 60_000, max: 3_600_000 }), hostileNumber)) },
    { target: "logger", name: "listCalls", params: ["topicPrefix"], args: () => args(key()) },
    { target: S, name: "claim", params: ["record"], args: (w) => args(step(w)) },
    { target: S, name: "get", params: ["stageRecordId", "stepId"], args: (w) => args(id(w, "stageRecordId"), key()) },
    { target: S, name: "update", params: ["stageRecordId", "stepId", "patch"], args: (w) => args(id(w, "stageRecordId"), fc.oneof(key(), fc.constant("world-step")), stepPatch()) },
    { target: S, name: "compareAndSet", params: ["stageRecordId", "stepId", "expected", "patch"], args: (w) => args(id(w, "stageRecordId"), fc.oneof(key(), fc.constant("world-step")), record({ status: stepStatus(), attempt: int(0, 5) }, ["status"]), stepPatch()) },
    { target: S, name: "list", params: ["stageRecordId"], args: (w) => args(id(w, "stageRecordId")) },
    { target: S, name: "clear", params: ["stageRecordId"], args: () => args(mostly(fc.string({ minLength: 1, maxLength: 6 }), hostileString)) },
    { target: S, name: "clearExcept", params: ["stageRecordId", "keepStepIds"], args: (w) => args(id(w, "stageRecordId"), list(key())) },
  ];
}

export function catalog(contract: ContractVersion): MethodCase[] {
  const v012 = contract !== "0.1";
  const P = "persistence" as const;
  const Q = "queue" as const;
  const cases: MethodCase[] = [
    { target: P, name: "createRun", params: ["data"], args: (w) => args(runData(w, v012)) },
    { target: P, name: "updateRun", params: ["id", "data"], args: (w) => args(id(w, "runId"), record({ status: status(), startedAt: date(), completedAt: date(), duration: int(-5, 9), output: json(), totalCost: mostly(fc.double({ min: 0, max: 5, noNaN: true }), hostileNumber), totalTokens: int(), ...(v012 ? { expectedVersion: int(0, 5) } : {}) })) },
    { target: P, name: "getRun", params: ["id"], args: (w) => args(id(w, "runId")) },
    { target: P, name: "getRunStatus", params: ["id"], args: (w) => args(id(w, "runId")) },
    { target: P, name: "getRunsByStatus", params: ["status"], args: () => args(status()) },
    { target: P, name: "claimPendingRun", params: ["id"], args: (w) => args(id(w, "runId")) },
    { target: P, name: "claimNextPendingRun", params: [], args: () => args() },
    { target: P, name: "createStage", params: ["data"], args: (w) => args(record({ workflowRunId: id(w, "runId"), stageId: key(), ...stageFields }, ["workflowRunId", "stageId", "stageName", "stageNumber", "executionGroup"])) },
    { target: P, name: "upsertStage", params: ["data"], args: (w) => args(record({ workflowRunId: id(w, "runId"), stageId: key(), create: record(stageFields, ["stageName", "stageNumber", "executionGroup"]), update: stageUpdate(v012) }, ["workflowRunId", "stageId", "create", "update"])) },
    { target: P, name: "updateStage", params: ["id", "data"], args: (w) => args(id(w, "stageRecordId"), stageUpdate(v012)) },
    { target: P, name: "updateStageByRunAndStageId", params: ["workflowRunId", "stageId", "data"], args: (w) => args(id(w, "runId"), key(), stageUpdate(v012)) },
    { target: P, name: "deleteStage", params: ["id"], args: (w) => args(id(w, "stageRecordId")) },
    { target: P, name: "getStage", params: ["workflowRunId", "stageId"], args: (w) => args(id(w, "runId"), key()) },
    { target: P, name: "getStageById", params: ["id"], args: (w) => args(id(w, "stageRecordId")) },
    { target: P, name: "getStagesByRun", params: ["workflowRunId", "options"], args: (w) => args(id(w, "runId"), mostly(fc.option(fc.record({ status: fc.constantFrom("PENDING", "RUNNING"), orderBy: fc.constantFrom("asc", "desc") }, { requiredKeys: [] })))) },
    { target: P, name: "getSuspendedStages", params: ["beforeDate"], args: () => args(date()) },
    { target: P, name: "getFirstSuspendedStageReadyToResume", params: ["workflowRunId"], args: (w) => args(id(w, "runId")) },
    { target: P, name: "getFirstFailedStage", params: ["workflowRunId"], args: (w) => args(id(w, "runId")) },
    { target: P, name: "getLastCompletedStage", params: ["workflowRunId"], args: (w) => args(id(w, "runId")) },
    { target: P, name: "getLastCompletedStageBefore", params: ["workflowRunId", "executionGroup"], args: (w) => args(id(w, "runId"), int(-3, 9)) },
    { target: P, name: "createLog", params: ["data"], args: (w) => args(record({ workflowRunId: id(w, "runId"), workflowStageId: id(w, "stageRecordId"), level: mostly(fc.constantFrom("DEBUG", "INFO", "WARN", "ERROR"), hostileString), message: text(), metadata: json() }, ["level", "message"])) },
    { target: P, name: "saveArtifact", params: ["data"], args: (w) => args(record({ workflowRunId: id(w, "runId"), workflowStageId: id(w, "stageRecordId"), key: key(), type: mostly(fc.constantFrom("STAGE_OUTPUT", "ARTIFACT", "METADATA"), hostileString), data: json(), size: int(), metadata: json() }, ["workflowRunId", "key", "type", "data"])) },
    { target: P, name: "loadArtifact", params: ["workflowRunId", "key"], args: (w) => args(id(w, "runId"), key()) },
    { target: P, name: "hasArtifact", params: ["workflowRunId", "key"], args: (w) => args(id(w, "runId"), key()) },
    { target: P, name: "deleteArtifact", params: ["workflowRunId", "key"], args: (w) => args(id(w, "runId"), key()) },
    { target: P, name: "listArtifacts", params: ["workflowRunId"], args: (w) => args(id(w, "runId")) },
    { target: P, name: "getStageIdForArtifact", params: ["workflowRunId", "stageId"], args: (w) => args(id(w, "runId"), key()) },
    { target: P, name: "saveStageOutput", params: ["workflowRunId", "workflowType", "stageId", "output"], args: (w) => args(id(w, "runId"), key(), key(), json()) },

    { target: Q, name: "enqueue", params: ["options"], args: (w) => args(job(w, v012)) },
    { target: Q, name: "enqueueParallel", params: ["jobs"], args: (w) => args(list(job(w, v012))) },
    { target: Q, name: "dequeue", params: [], args: () => args() },
    { target: Q, name: "dequeueBatch", params: ["limit"], args: () => args(int(1, 5)) },
    { target: Q, name: "complete", params: ["jobId"], args: (w) => args(id(w, "heldJobId")) },
    { target: Q, name: "completeMany", params: ["jobIds"], args: (w) => args(list(id(w, "heldJobId"))) },
    { target: Q, name: "completeAndDequeue", params: ["jobId"], args: (w) => args(id(w, "heldJobId")) },
    { target: Q, name: "suspend", params: ["jobId", "nextPollAt"], args: (w) => args(id(w, "heldJobId"), date()) },
    { target: Q, name: "fail", params: ["jobId", "error", "shouldRetry"], args: (w) => args(id(w, "heldJobId"), text(), mostly(fc.option(fc.boolean(), { nil: undefined }))) },
    { target: Q, name: "heartbeat", params: ["jobId"], args: (w) => args(id(w, "heldJobId")) },
    { target: Q, name: "releaseStaleJobs", params: ["staleThresholdMs"], args: () => args(mostly(fc.integer({ min: 60_000, max: 3_600_000 }), hostileNumber)) },
    { target: Q, name: "getQueueStats", params: [], args: () => args() },
    { target: Q, name: "waitForJobs", params: ["timeoutMs", "signal"], args: () => args(mostly(fc.integer({ min: 0, max: 5 }), hostileNumber), mostly(fc.constant(undefined))) },

    { target: "logger", name: "logBatchResults", params: ["batchId", "results"], args: () => args(key(), list(aiCall())) },
    { target: "logger", name: "getStats", params: ["topicPrefix"], args: () => args(key()) },
    { target: "logger", name: "isRecorded", params: ["batchId"], args: () => args(key()) },
    { target: "logger", name: "logCall", params: ["call"], args: () => args(aiCall()) },
  ];
  if (contract === "1.0") {
    const fenced = new Set(["complete", "suspend", "fail"]);
    for (const c of cases) {
      if (c.target !== Q || !fenced.has(c.name)) continue;
      const [n, base] = [c.params.length, c.args];
      c.params = [...c.params, "fence"];
      c.args = (w) => base(w).chain((a) => fence().map((f) => [...a.slice(0, n), ...(f === undefined ? [] : [f])]));
    }
    const replaced = new Set(cases10().map((c) => `${c.target}.${c.name}`));
    cases.splice(0, cases.length, ...cases.filter((c) => !replaced.has(`${c.target}.${c.name}`)), ...cases10());
  }
  if (contract === "0.1") {
    cases.push(
      { target: Q, name: "resume", params: ["jobId"], args: (w) => args(id(w, "heldJobId")) },
      { target: Q, name: "getSuspendedJobsReadyToPoll", params: [], args: () => args() },
    );
  } else {
    cases.push(
      { target: P, name: "getStuckRuns", params: ["stuckSince"], args: () => args(date()) },
      { target: P, name: "appendAnnotations", params: ["inputs"], args: (w) => args(list(annotation(w))) },
      { target: P, name: "listAnnotations", params: ["workflowRunId", "filters"], args: (w) => args(id(w, "runId"), mostly(fc.option(fc.record({ keyPrefix: fc.string({ maxLength: 3 }), scope: fc.string({ maxLength: 3 }), since: fc.date({ noInvalidDate: true, min: new Date("2020-01-01"), max: new Date("2030-01-01") }), limit: fc.integer({ min: 1, max: 10 }) }, { requiredKeys: [] }), { nil: undefined }))) },
      { target: P, name: "appendOutboxEvents", params: ["events"], args: (w) => args(list(outboxEvent(w))) },
      { target: P, name: "getUnpublishedOutboxEvents", params: ["limit"], args: () => args(mostly(fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), hostileNumber)) },
      { target: P, name: "markOutboxEventsPublished", params: ["ids"], args: (w) => args(list(id(w, "eventId"))) },
      { target: P, name: "incrementOutboxRetryCount", params: ["id"], args: (w) => args(id(w, "eventId")) },
      { target: P, name: "moveOutboxEventToDLQ", params: ["id"], args: (w) => args(id(w, "eventId")) },
      { target: P, name: "replayDLQEvents", params: ["maxEvents"], args: () => args(int(0, 5)) },
      { target: P, name: "acquireIdempotencyKey", params: ["key", "commandType", "options"], args: () => args(key(), key(), mostly(fc.option(fc.record({ now: fc.date({ noInvalidDate: true, min: new Date("2020-01-01"), max: new Date("2030-01-01") }), staleInProgressAfterMs: fc.integer({ min: 0, max: 1e6 }) }, { requiredKeys: [] }), { nil: undefined }))) },
      { target: P, name: "completeIdempotencyKey", params: ["key", "commandType", "result"], args: () => args(key(), key(), json()) },
      { target: P, name: "releaseIdempotencyKey", params: ["key", "commandType"], args: () => args(key(), key()) },
      { target: Q, name: "cancelByRun", params: ["workflowRunId"], args: (w) => args(id(w, "runId")) },
      { target: Q, name: "getJobsByWorkflowRun", params: ["workflowRunId"], args: (w) => args(id(w, "runId")) },
      { target: Q, name: "touchJob", params: ["jobId"], args: (w) => args(id(w, "heldJobId")) },
      { target: "blobs", name: "put", params: ["key", "data"], args: () => args(key(), json()) },
      { target: "blobs", name: "get", params: ["key"], args: () => args(key()) },
      { target: "blobs", name: "has", params: ["key"], args: () => args(key()) },
      { target: "blobs", name: "delete", params: ["key"], args: () => args(key()) },
      { target: "blobs", name: "list", params: ["prefix"], args: () => args(key()) },
    );
  }
  return cases;
}
