// Prints one real trace end to end, as docs/observability.md shows it: an HTTP
// request that creates a run and enqueues its first stage, a worker (outside
// the request's context, as another process would be) that claims the job,
// records the stage and its durable steps and completes it. OpenTelemetry's
// Node pieces as an application wires them (the SDK's tracer provider, the
// async-hooks context manager), spans collected in memory and printed as a
// tree, with the links that join the worker's trace to the request's.
//   npx tsx scripts/print-a-trace.ts [database URL]   (default: a temporary SQLite file)
import { request, createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import * as v1 from "../src/v1.js";

const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
const tracer = trace.getTracer("the-application");

const folder = mkdtempSync(join(tmpdir(), "kwp-trace-"));
const db = v1.openDatabase(process.argv[2] ?? `sqlite:${join(folder, "trace.db")}`);
await v1.migrateToLatest(db, { target: "1.0", traceContext: true });
const persistence = v1.createKyselyWorkflowPersistence(db);

// The web side: POST /orders creates a run and enqueues its first stage, in one transaction.
const server = createServer((req, res) => {
  tracer.startActiveSpan(`${req.method} /orders`, { kind: SpanKind.SERVER, attributes: { "http.request.method": req.method!, "url.path": req.url! } }, async (span) => {
    await persistence.withTransaction(async (tx) => {
      const run = await tx.createRun({ workflowId: "orders", workflowName: "Order", workflowType: "fulfilment", input: { sku: "A-1" } });
      await v1.createKyselyJobQueue(db, { listen: false }).enqueue({ workflowRunId: run.id, workflowId: "orders", stageId: "charge" });
    });
    res.end("accepted");
    span.setAttribute("http.response.status_code", 200);
    span.end();
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as { port: number }).port;
await new Promise<void>((resolve, reject) => request({ port, method: "POST", path: "/orders" }, (res) => res.resume().on("end", resolve)).on("error", reject).end());
server.close();

// The worker: its own trace (another process in production), which the claim links to the request's.
await context.with(ROOT_CONTEXT, () =>
  tracer.startActiveSpan("work one job", async (span) => {
    const queue = v1.createKyselyJobQueue(db, { workerId: "worker-1", listen: false });
    const job = (await queue.dequeue())!;
    const stage = await persistence.createStage({ workflowRunId: job.workflowRunId, stageId: job.stageId, stageName: "Charge", stageNumber: 1, executionGroup: 1 });
    const ledger = v1.createKyselyStepLedger(db);
    await ledger.claim({ stageRecordId: stage.id, stepId: "call-bank", seq: 1, kind: "run", status: "running", attempt: 1, leaseExpiresAt: null, deadlineAt: null });
    await ledger.update(stage.id, "call-bank", { status: "completed", result: { ok: true } });
    await persistence.updateStage(stage.id, { status: "COMPLETED" });
    await queue.complete(job.jobId, { startedAt: job.startedAt, attempt: job.attempt });
    span.end();
  }),
);
await db.destroy();
rmSync(folder, { recursive: true, force: true });

// The spans as trees, one per trace, in the order they started.
const spans = exporter.getFinishedSpans().sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
const traces = [...new Set(spans.map((span) => span.spanContext().traceId))];
const ids = (span: ReadableSpan) => Object.entries(span.attributes).filter(([key]) => key.startsWith("kwp.") || key === "messaging.message.id" || key === "db.system.name").map(([key, value]) => `${key}=${String(value).slice(0, 12)}`).join(" ");
const line = (span: ReadableSpan, depth: number) => {
  const ms = (span.duration[0] * 1e3 + span.duration[1] / 1e6).toFixed(1);
  const links = span.links.map((link) => `  ↩ linked to ${link.context.traceId.slice(0, 8)}…/${link.context.spanId.slice(0, 8)}`).join("");
  console.log(`${"  ".repeat(depth)}${span.name} [${SpanKind[span.kind]}] ${ms} ms  ${ids(span)}${links}`);
};
for (const traceId of traces) {
  const inTrace = spans.filter((span) => span.spanContext().traceId === traceId);
  console.log(`trace ${traceId.slice(0, 8)}…`);
  const walk = (parent: string | undefined, depth: number) => {
    for (const span of inTrace.filter((s) => s.parentSpanContext?.spanId === parent)) {
      line(span, depth);
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 1);
  for (const span of inTrace.filter((s) => s.parentSpanContext !== undefined && !inTrace.some((p) => p.spanContext().spanId === s.parentSpanContext!.spanId))) line(span, 1);
  console.log(`  (span ids: ${inTrace.map((span) => `${span.name}=${span.spanContext().spanId.slice(0, 8)}`).join(", ")})`);
}
