import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { SpanKind, trace } from "@opentelemetry/api";
import { sql, type Kysely } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { useInMemoryTracing } from "../support/in-memory-tracing.js";
import { repositoryRoot } from "../support/consumer-project.js";
import { BACKENDS, useBackend } from "../conformance/backends.js";

// Issue 32 item 2: the trace crosses the queue. The span of an enqueue
// (PRODUCER) leaves its context in the opt-in kwp_job_trace_context table;
// the span of every claim of the job (CONSUMER) links to it: the first claim,
// a claim after a retry, through enqueueParallel, in this process and in
// another one. The job's payload stays exactly what was enqueued.

const { exporter, named: spansNamed } = useInMemoryTracing();

describe.each(BACKENDS.map((backend) => [backend.name, backend] as const))("an OpenTelemetry trace across the queue: %s", (_name, backend) => {
  const fixture = useBackend(backend, "1.0", { traceContext: true });
  beforeEach(() => exporter.reset());

  it("links each claim's span to the span that enqueued its job, through enqueueParallel and a retry, payloads untouched", async () => {
    const run = await (fixture.persistence as any).createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    const producer = fixture.jobQueue({ workerId: "web", listen: false }) as any;
    const payload = { order: 42, nested: { keep: ["exactly", "this"] } };
    const request = await trace.getTracer("the-application").startActiveSpan("POST /orders", async (span) => {
      await producer.enqueueParallel([
        { workflowRunId: run.id, workflowId: "wf", stageId: "a", payload },
        { workflowRunId: run.id, workflowId: "wf", stageId: "b", payload },
      ]);
      span.end();
      return span.spanContext();
    });
    const [send] = spansNamed("queue.enqueueParallel");
    expect(send!.kind).toBe(SpanKind.PRODUCER);
    expect(send!.spanContext().traceId).toBe(request.traceId);

    // The worker: no active span of its own (another request, another process in production).
    const worker = fixture.jobQueue({ workerId: "worker", listen: false }) as any;
    const first = await worker.dequeue();
    const second = await worker.dequeue();
    expect(first.payload).toEqual(payload);
    const receives = spansNamed("queue.dequeue");
    expect(receives).toHaveLength(2);
    for (const [i, receive] of receives.entries()) {
      expect(receive.kind).toBe(SpanKind.CONSUMER);
      expect(receive.spanContext().traceId).not.toBe(request.traceId); // its own trace, linked
      expect(receive.links.map((link) => [link.context.traceId, link.context.spanId, link.attributes?.["messaging.message.id"]])).toEqual([
        [request.traceId, send!.spanContext().spanId, [first, second][i].jobId],
      ]);
    }
    // A retry: the next claim of the same job links to the same enqueue.
    await worker.fail(first.jobId, "try again", true, { startedAt: first.startedAt, attempt: first.attempt });
    await worker.complete(second.jobId, { startedAt: second.startedAt, attempt: second.attempt });
    exporter.reset();
    await sql`update job_queue set "nextPollAt" = null where id = ${first.jobId}`.execute(fixture.db as Kysely<any>);
    const again = await worker.dequeue();
    expect(again.jobId).toBe(first.jobId);
    expect(spansNamed("queue.dequeue")[0]!.links.map((link) => link.context.spanId)).toEqual([send!.spanContext().spanId]);
    // What the engine reads back is what it wrote.
    const stored = await sql<{ payload: unknown }>`select payload from job_queue where id = ${first.jobId}`.execute(fixture.db as Kysely<any>);
    const raw = stored.rows[0]!.payload;
    expect(typeof raw === "string" ? JSON.parse(raw) : raw).toEqual({ ...payload, _workflowId: "wf" });
  });

  it("leaves no trace context behind a deleted job", async () => {
    const run = await (fixture.persistence as any).createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    const queue = fixture.jobQueue({ listen: false }) as any;
    await trace.getTracer("the-application").startActiveSpan("enqueue", async (span) => {
      await queue.enqueue({ workflowRunId: run.id, workflowId: "wf", stageId: "gone" });
      span.end();
    });
    const count = async () => Number((await sql<{ n: string }>`select count(*) as n from kwp_job_trace_context`.execute(fixture.db as Kysely<any>)).rows[0]!.n);
    expect(await count()).toBe(1);
    await queue.deleteByRunAndStages(run.id, ["gone"]);
    expect(await count()).toBe(0);
  });
});

describe.skipIf(!existsSync(join(repositoryRoot, "dist/v1.js")))("across two processes", () => {
  const fixture = useBackend(BACKENDS.find((backend) => backend.name === "kysely/postgresql")!, "1.0", { traceContext: true });

  it("a worker process's claim links to the span that enqueued the job in this one", { timeout: 60_000 }, async () => {
    exporter.reset();
    const run = await (fixture.persistence as any).createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    const queue = fixture.jobQueue({ listen: false }) as any;
    const sent = await trace.getTracer("the-application").startActiveSpan("POST /orders", async (span) => {
      const jobId = await queue.enqueue({ workflowRunId: run.id, workflowId: "wf", stageId: "s" });
      span.end();
      return { jobId, traceId: span.spanContext().traceId };
    });
    const send = exporter.getFinishedSpans().find((span) => span.name === "queue.enqueue")!;
    const { stdout } = await promisify(execFile)(process.execPath, [join(repositoryRoot, "test/telemetry/children/claim-worker.mjs"), fixture.database.url, "remote-worker"]);
    const reported = JSON.parse(stdout.trim()) as { jobId: string; spans: Array<{ name: string; kind: number; links: Array<{ traceId: string; spanId: string; jobId: string }> }> };
    expect(reported.jobId).toBe(sent.jobId);
    const receive = reported.spans.find((span) => span.name === "queue.dequeue")!;
    expect(receive.kind).toBe(SpanKind.CONSUMER);
    expect(receive.links).toEqual([{ traceId: sent.traceId, spanId: send.spanContext().spanId, jobId: sent.jobId }]);
    expect(reported.spans.map((span) => span.name)).toContain("queue.complete");
  });
});
