import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { useInMemoryTracing } from "../support/in-memory-tracing.js";
import { openTelemetry, resetOpenTelemetry } from "../../src/telemetry/open-telemetry.js";
import { BACKENDS, useBackend } from "../conformance/backends.js";

// Issue 32 item 1: a span for every public call, through @opentelemetry/api
// (the SDK's in-memory exporter and the async-hooks context manager, as an
// application wires them), on every backend: names, kinds, attributes,
// parent and child, errors, nothing sensitive, and nothing without the API.

const { exporter, named } = useInMemoryTracing();
const only = (name: string): ReadableSpan => {
  const spans = named(name);
  expect(spans.map((span) => span.name), name).toEqual([name]);
  return spans[0]!;
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const SECRET = "hunter2-do-not-trace";

describe.each(BACKENDS.map((backend) => [backend.name, backend] as const))("spans of the library's calls: %s", (_name, backend) => {
  const fixture = useBackend(backend, "1.0");
  const p = () => fixture.persistence as any;
  beforeEach(() => exporter.reset());

  it("names each call, marks the queue's sends, receives and settlements, and carries the database's and the workflow's attributes", async () => {
    const run = await p().createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: { card: SECRET } });
    const queue = fixture.jobQueue({ workerId: "worker-7", listen: false }) as any;
    await queue.enqueue({ workflowRunId: run.id, workflowId: "wf", stageId: "charge", payload: { card: SECRET } });
    const job = await queue.dequeue();
    expect(await queue.complete(job!.jobId, { startedAt: job!.startedAt, attempt: job!.attempt })).toBe("acknowledged");

    const created = only("persistence.createRun");
    expect(created.kind).toBe(SpanKind.CLIENT);
    expect(created.attributes).toMatchObject({ "db.system.name": fixture.database.databaseType, "db.operation.name": "createRun", "kwp.workflow_run.id": run.id });
    expect(created.instrumentationScope.name).toBe("kysely-workflow-persistence");
    const sent = only("queue.enqueue");
    expect(sent.kind).toBe(SpanKind.PRODUCER);
    expect(sent.attributes).toMatchObject({
      "messaging.system": "kysely_workflow_persistence", "messaging.destination.name": "job_queue", "messaging.operation.type": "send",
      "kwp.workflow_run.id": run.id, "kwp.stage.id": "charge", "kwp.worker.id": "worker-7",
    });
    const received = only("queue.dequeue");
    expect(received.kind).toBe(SpanKind.CONSUMER);
    expect(received.attributes).toMatchObject({ "messaging.operation.type": "receive", "messaging.message.id": job!.jobId, "kwp.job.id": job!.jobId, "kwp.job.attempt": job!.attempt, "kwp.workflow_run.id": run.id });
    const settled = only("queue.complete");
    expect(settled.attributes).toMatchObject({ "messaging.operation.type": "settle", "kwp.job.id": job!.jobId, "kwp.job.attempt": job!.attempt });
    for (const span of [created, sent, received, settled]) expect(span.status.code).toBe(SpanStatusCode.UNSET);
    if (backend.name === "kysely/postgresql") {
      expect(created.attributes["db.namespace"]).toBe(new URL(fixture.database.url).pathname.slice(1));
      expect(created.attributes["server.port"]).toBe(Number(new URL(fixture.database.url).port || 5432));
    }
    // Ids only: nothing a call carries is an attribute.
    for (const span of exporter.getFinishedSpans()) expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
  });

  it("makes the calls inside a caller's span and inside withTransaction children of them", async () => {
    const tracer = trace.getTracer("the-application");
    const parent = await tracer.startActiveSpan("POST /orders", async (span) => {
      await p().withTransaction(async (tx: any) => {
        const run = await tx.createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
        await tx.createLog({ workflowRunId: run.id, level: "INFO", message: SECRET });
      });
      span.end();
      return span.spanContext().spanId;
    });
    const transaction = only("persistence.withTransaction");
    expect(parentOf(transaction)).toBe(parent);
    expect(parentOf(only("persistence.createRun"))).toBe(transaction.spanContext().spanId);
    expect(parentOf(only("persistence.createLog"))).toBe(transaction.spanContext().spanId);
    expect(only("persistence.createLog").spanContext().traceId).toBe(transaction.spanContext().traceId);
    for (const span of exporter.getFinishedSpans()) expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
  });

  it("writes each batch of fire-and-forget AI calls in a span of its own, with the batch's size and no prompt or response", async () => {
    const logger = fixture.aiCallLogger() as any;
    for (const modelKey of ["m1", "m2", "m1"]) {
      logger.logCall({ topic: "workflow.r.stage.s", callType: "text", modelKey, modelId: `x/${modelKey}`, prompt: SECRET, response: SECRET, inputTokens: 1, outputTokens: 1, cost: 0.1 });
    }
    await logger.flush();
    const [write] = named("ai-calls.write");
    expect(write, "ai-calls.write").toBeDefined();
    expect(write!.attributes).toMatchObject({ "db.operation.name": "write", "db.operation.batch.size": 3, "db.system.name": fixture.database.databaseType });
    for (const span of exporter.getFinishedSpans()) expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
  });

  it("names the stage execution and the step of the step ledger's calls", async () => {
    const run = await p().createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    const stage = await p().createStage({ workflowRunId: run.id, stageId: "charge", stageName: "Charge", stageNumber: 1, executionGroup: 1 });
    const ledger = fixture.stepLedger() as any;
    await ledger.claim({ stageRecordId: stage.id, stepId: "call-bank", seq: 1, kind: "run", status: "running", attempt: 1, leaseExpiresAt: null, deadlineAt: null, result: { secret: SECRET } });
    await ledger.update(stage.id, "call-bank", { status: "completed", result: { secret: SECRET } });
    for (const name of ["steps.claim", "steps.update"]) expect(only(name).attributes).toMatchObject({ "kwp.stage.record_id": stage.id, "kwp.step.id": "call-bank" });
    for (const span of exporter.getFinishedSpans()) expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
  });

  it("ends a failed call's span with status ERROR, the exception and the typed error's code and class", async () => {
    await expect(p().createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {}, priority: "high" })).rejects.toThrow();
    const failed = only("persistence.createRun");
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes).toMatchObject({ "error.type": "VALIDATION_ERROR", "kwp.error.class": "ValidationError" });
    expect(failed.events.map((event) => event.name)).toContain("exception");
  });
});

describe("without @opentelemetry/api", () => {
  const fixture = useBackend(BACKENDS[0]!, "1.0");
  afterAll(() => resetOpenTelemetry());

  it("makes no span and the calls work the same", async () => {
    exporter.reset();
    resetOpenTelemetry();
    const absent = Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: "MODULE_NOT_FOUND" });
    expect(openTelemetry(() => { throw absent; })).toBeUndefined();
    const run = await (fixture.persistence as any).createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    expect((await (fixture.persistence as any).getRun(run.id)).id).toBe(run.id);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
