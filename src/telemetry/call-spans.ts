import type { Attributes, Span, SpanKind, Tracer } from "@opentelemetry/api";
import type { QueryContext } from "../database/query-context.js";
import { endpointOf } from "./database-endpoint.js";
import { linkReceived, rememberSend } from "./job-trace-context.js";
import { INSTRUMENTATION_SCOPE, openTelemetry, type OpenTelemetry } from "./open-telemetry.js";
import { withJobDurations } from "./queue-histograms.js";

/** The part of the library a call belongs to (the first word of its span's name). */
export type Component = "persistence" | "queue" | "steps" | "ai-calls" | "blobs" | "console" | "metrics";

/** The tracer's name (the instrumentation scope), as OpenTelemetry names a library's. */
export const TRACER_NAME = INSTRUMENTATION_SCOPE;

/**
 * Runs one public call in a span of its own, active while it runs (the calls
 * it makes, and a callback's, are its children): `<component>.<method>`,
 * its attributes set once the span is known to record (so a sampler sees the
 * name and kind only),
 * with OpenTelemetry's database attributes, the messaging ones for the queue,
 * and the workflow's identifiers under `kwp.`. Never an argument's contents
 * (inputs, outputs, payloads, prompts): ids only. A call that throws ends its
 * span with the error recorded, status ERROR and `error.type` (the typed
 * error's code). Without `@opentelemetry/api` installed: the call alone.
 */
export function traced<T>(component: Component, method: string, args: readonly unknown[], ctx: QueryContext, call: () => Promise<T>): Promise<T> {
  // A settling queue call ends the durations of the jobs this process claimed (queue-histograms.ts).
  const run = component === "queue" ? withJobDurations(method, args, call) : call;
  const otel = openTelemetry();
  if (!otel) return run();
  const operation = component === "queue" ? QUEUE_OPERATIONS[method] : undefined;
  const kind = operation === "send" ? otel.SpanKind.PRODUCER : operation === "receive" ? otel.SpanKind.CONSUMER : otel.SpanKind.CLIENT;
  tracer ??= otel.trace.getTracer(TRACER_NAME);
  const span = tracer.startSpan(`${component}.${method}`, { kind: kind as SpanKind });
  // Not recorded (no SDK, or the sampler said no): the call runs as it would
  // without OpenTelemetry, its attributes never computed, its span never made
  // active (its children are not recorded either, whatever their parent).
  if (!span.isRecording()) {
    span.end();
    return run();
  }
  span.setAttributes({ ...databaseAttributes(ctx, method), ...idsOf(component, method, args) });
  if (component === "queue") span.setAttributes(queueAttributes(ctx, method, operation));
  const succeeded = (result: T): T => {
    span.setAttributes(resultAttributes(result));
    span.end();
    return result;
  };
  return otel.context.with(otel.trace.setSpan(otel.context.active(), span), () =>
    run().then(
      // A send or a receive carries the trace across the queue first; any other call ends at once.
      operation === "send" || operation === "receive" ? (result) => acrossTheQueue(otel, ctx, span, operation, result).then(() => succeeded(result)) : succeeded,
      (error: unknown) => {
        recordFailure(otel, span, error);
        span.end();
        throw error;
      },
    ),
  );
}

/** The library's tracer (a proxy: it follows a provider registered later). */
let tracer: Tracer | undefined;

/** How each queue call moves messages, in the messaging conventions' words. */
const QUEUE_OPERATIONS: Record<string, "send" | "receive" | "settle" | undefined> = {
  enqueue: "send",
  enqueueParallel: "send",
  dequeue: "receive",
  dequeueBatch: "receive",
  completeAndDequeue: "receive",
  complete: "settle",
  completeMany: "settle",
  fail: "settle",
  suspend: "settle",
  defer: "settle",
};

function databaseAttributes(ctx: QueryContext, method: string): Attributes {
  const endpoint = endpointOf(ctx.handle);
  const attributes: Attributes = { "db.system.name": ctx.dialect.databaseType, "db.operation.name": method };
  if (endpoint?.namespace !== undefined) attributes["db.namespace"] = endpoint.namespace;
  if (endpoint?.address !== undefined) attributes["server.address"] = endpoint.address;
  if (endpoint?.port !== undefined) attributes["server.port"] = endpoint.port;
  return attributes;
}

function queueAttributes(ctx: QueryContext, method: string, operation: string | undefined): Attributes {
  const attributes: Attributes = {
    "messaging.system": "kysely_workflow_persistence",
    "messaging.destination.name": "job_queue",
    "messaging.operation.name": method,
  };
  if (operation !== undefined) attributes["messaging.operation.type"] = operation;
  const workerId = (ctx as { workerId?: unknown }).workerId;
  if (typeof workerId === "string") attributes["kwp.worker.id"] = workerId;
  return attributes;
}

/** Methods whose first argument is a job id, a run id, a stage record id. */
const JOB_ID_FIRST = new Set(["complete", "fail", "suspend", "defer", "touchJob", "completeAndDequeue", "resume"]);
const RUN_ID_FIRST = /(^|[a-z])(Run|ByRun|ForRun|WorkflowRun)$|^(cancelByRun|deleteByRunAndStages|getRun|updateRun|deleteRun)$/;
const STAGE_RECORD_FIRST = /^(updateStage|getStageById|upsertStage)$/;

/** The workflow's identifiers a call names, from its arguments: ids only, never what they carry. */
function idsOf(component: Component, method: string, args: readonly unknown[]): Attributes {
  const attributes: Attributes = {};
  const [first, second] = args;
  if (typeof first === "string" && component === "steps") {
    // The step ledger's calls name a stage execution, then a step.
    attributes["kwp.stage.record_id"] = first;
    if (typeof second === "string") attributes["kwp.step.id"] = second;
  } else if (typeof first === "string") {
    if (JOB_ID_FIRST.has(method)) attributes["kwp.job.id"] = first;
    else if (RUN_ID_FIRST.test(method)) attributes["kwp.workflow_run.id"] = first;
    else if (STAGE_RECORD_FIRST.test(method)) attributes["kwp.stage.record_id"] = first;
  } else if (Array.isArray(first)) {
    attributes[component === "queue" ? "messaging.batch.message_count" : "db.operation.batch.size"] = first.length;
  } else if (first !== null && typeof first === "object") {
    Object.assign(attributes, namedIds(first as Record<string, unknown>));
  }
  const attempt = (second as { attempt?: unknown } | null | undefined)?.attempt;
  if (JOB_ID_FIRST.has(method) && typeof attempt === "number") attributes["kwp.job.attempt"] = attempt;
  return attributes;
}

/** The id fields of an input or a result, by the engine's names. */
function namedIds(value: Record<string, unknown>): Attributes {
  const attributes: Attributes = {};
  const text = (key: string) => (typeof value[key] === "string" ? (value[key] as string) : undefined);
  const run = text("workflowRunId");
  if (run !== undefined) attributes["kwp.workflow_run.id"] = run;
  if (text("stageId") !== undefined) attributes["kwp.stage.id"] = text("stageId")!;
  if (text("jobId") !== undefined) {
    attributes["kwp.job.id"] = text("jobId")!;
    attributes["messaging.message.id"] = text("jobId")!;
  }
  if (text("stageRecordId") !== undefined) attributes["kwp.stage.record_id"] = text("stageRecordId")!;
  if (text("stepId") !== undefined) attributes["kwp.step.id"] = text("stepId")!;
  // An attempt is a job's (a claim's result), a step's, or a stage's (0.12+): named by whose it is.
  if (typeof value.attempt === "number") {
    const whose = text("jobId") !== undefined ? "kwp.job.attempt" : text("stepId") !== undefined ? "kwp.step.attempt" : "kwp.stage.attempt";
    attributes[whose] = value.attempt;
  }
  return attributes;
}

/** What a result adds: the job a claim handed out, the run a createRun made, how many a batch moved. */
function resultAttributes(result: unknown): Attributes {
  if (Array.isArray(result)) return { "messaging.batch.message_count": result.length };
  if (result === null || typeof result !== "object") return {};
  const ids = namedIds(result as Record<string, unknown>);
  const id = (result as { id?: unknown }).id;
  if (ids["kwp.workflow_run.id"] === undefined && typeof id === "string" && typeof (result as { workflowName?: unknown }).workflowName === "string") ids["kwp.workflow_run.id"] = id;
  return ids;
}

function recordFailure(otel: OpenTelemetry, span: Span, error: unknown): void {
  const name = (error as { name?: unknown } | null)?.name;
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error as { message?: unknown } | null)?.message;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: otel.SpanStatusCode.ERROR, ...(typeof message === "string" ? { message } : {}) });
  span.setAttributes({
    "error.type": typeof code === "string" ? code : typeof name === "string" ? name : "Error",
    ...(typeof name === "string" ? { "kwp.error.class": name } : {}),
  });
}

/**
 * The trace across the queue (job-trace-context.ts): a send leaves its span
 * context, a receive links to it. The call itself has succeeded: a failure
 * here is an event on its span, never the call's error.
 */
async function acrossTheQueue(otel: OpenTelemetry, ctx: QueryContext, span: Span, operation: string | undefined, result: unknown): Promise<void> {
  if (operation !== "send" && operation !== "receive") return;
  try {
    if (operation === "send") await rememberSend(ctx, span, result);
    else await linkReceived(otel, ctx, span, result);
  } catch (error) {
    span.addEvent("kwp.trace_context.failed", { "error.type": (error as { code?: string; name?: string })?.code ?? (error as Error)?.name ?? "Error" });
  }
}
