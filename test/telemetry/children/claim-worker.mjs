// A worker process of the trace tests, on the built package, wired as an
// application wires OpenTelemetry: the SDK with an in-memory exporter and the
// async-hooks context manager. It claims one job and prints the spans it made
// (name, kind, trace, links) as one JSON line.
// argv: <url> <workerId>
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

const [url, workerId] = process.argv.slice(2);
const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));

const { openDatabase, createKyselyJobQueue } = await import("../../../dist/v1.js");
const db = openDatabase(url);
const queue = createKyselyJobQueue(db, { workerId, listen: false });
const job = await queue.dequeue();
await queue.complete(job.jobId, { startedAt: job.startedAt, attempt: job.attempt });
await db.destroy();
const spans = exporter.getFinishedSpans().map((span) => ({
  name: span.name,
  kind: span.kind,
  traceId: span.spanContext().traceId,
  links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId, jobId: link.attributes?.["messaging.message.id"] })),
}));
process.stdout.write(`${JSON.stringify({ jobId: job.jobId, spans })}\n`);
