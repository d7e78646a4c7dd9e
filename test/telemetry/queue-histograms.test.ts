import { metrics as otelMetrics } from "@opentelemetry/api";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type HistogramMetricData } from "@opentelemetry/sdk-metrics";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { ageRow, BACKENDS, useBackend } from "../conformance/backends.js";

// Issue 32 item 3, the histograms: a worker process records how long each job
// waited from its enqueue to its claim (the database's clock, from the
// claim's own RETURNING) and how long it held each job until the call that
// settled it, by outcome, into the global meter provider. Every backend.

interface Point {
  attributes: Record<string, unknown>;
  value: { count: number; sum?: number; min?: number; max?: number };
}

let provider: MeterProvider;
let reader: PeriodicExportingMetricReader;

function register() {
  reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 });
  provider = new MeterProvider({ readers: [reader] });
  expect(otelMetrics.setGlobalMeterProvider(provider)).toBe(true);
}

async function histogram(name: string): Promise<Point[]> {
  const { resourceMetrics } = await reader.collect();
  const found = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === name) as HistogramMetricData | undefined;
  return (found?.dataPoints ?? []) as unknown as Point[];
}

const where = (points: Point[], attributes: Record<string, unknown>) =>
  points.filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value));

beforeEach(register);
afterEach(async () => {
  otelMetrics.disable();
  await provider.shutdown();
});
afterAll(() => otelMetrics.disable());

describe.each(BACKENDS.map((backend) => [backend.name, backend] as const))("queue histograms (claim latency, job duration): %s", (_name, backend) => {
  describe("0.1 contract", () => {
    const fixture = useBackend(backend, "0.1");

    it("records each claim's wait since its enqueue and each job's time held, by outcome", async () => {
      const run = await (fixture.persistence as any).createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
      const producer = fixture.jobQueue({ workerId: "web", listen: false }) as any;
      const job = (stageId: string) => ({ workflowRunId: run.id, stageId, payload: { secret: "s3cr3t" } });
      const ids: string[] = await producer.enqueueParallel([job("a"), job("a"), job("a"), job("b"), job("b")]);
      // The two "b" jobs were enqueued 90 s ago: their claims waited that long.
      for (const id of ids.slice(3)) await ageRow(fixture.db, backend.databaseType, "job_queue", "createdAt", id, 90_000);

      const worker = fixture.jobQueue({ workerId: "worker", listen: false }) as any;
      const claimed: Array<{ jobId: string; stageId: string }> = await worker.dequeueBatch(5);
      expect(claimed.map((c) => c.stageId)).toEqual(["b", "b", "a", "a", "a"]);
      const [b1, b2, a1, a2, a3] = claimed.map((c) => c.jobId);
      await worker.completeMany([b1, b2]);
      await worker.fail(a1, "boom", false);
      await worker.suspend(a2, new Date(Date.now() + 60_000));
      await worker.complete(a3);

      const latency = await histogram("kwp.job.claim_latency");
      const waitedB = where(latency, { "kwp.stage.id": "b" });
      expect(waitedB).toHaveLength(1);
      expect(waitedB[0]!.attributes).toEqual({
        "messaging.system": "kysely_workflow_persistence",
        "messaging.destination.name": "job_queue",
        "kwp.stage.id": "b",
        "kwp.job.first_claim": true,
      });
      expect(waitedB[0]!.value.count).toBe(2);
      expect(waitedB[0]!.value.min).toBeGreaterThanOrEqual(89.9);
      expect(waitedB[0]!.value.max).toBeLessThan(90 + 600);
      const waitedA = where(latency, { "kwp.stage.id": "a" });
      expect(waitedA[0]!.value.count).toBe(3);
      expect(waitedA[0]!.value.max).toBeLessThan(89);

      const held = await histogram("kwp.job.duration");
      const count = (attributes: Record<string, unknown>) => where(held, attributes).reduce((n, point) => n + point.value.count, 0);
      expect(count({ "kwp.job.outcome": "completed", "kwp.stage.id": "b" })).toBe(2);
      expect(count({ "kwp.job.outcome": "completed", "kwp.stage.id": "a" })).toBe(1);
      expect(count({ "kwp.job.outcome": "failed" })).toBe(1);
      expect(count({ "kwp.job.outcome": "suspended" })).toBe(1);
      for (const point of held) expect(point.value.min).toBeGreaterThanOrEqual(0);
      // Ids and payloads never become attributes.
      expect(JSON.stringify([latency, held])).not.toMatch(/s3cr3t|wf|worker/);
      expect(JSON.stringify([latency, held])).not.toContain(run.id);
    });

    it("tells a claim after a retry from a first claim, and keeps nothing while no meter provider is registered", async () => {
      const run = await (fixture.persistence as any).createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
      const queue = fixture.jobQueue({ workerId: "worker", listen: false }) as any;
      const id: string = await queue.enqueue({ workflowRunId: run.id, stageId: "a", payload: {}, maxAttempts: 3 });
      await queue.dequeue();
      await queue.fail(id, "again", true);
      await ageRow(fixture.db, backend.databaseType, "job_queue", "nextPollAt", id, 3_600_000);
      expect((await queue.dequeue()).jobId).toBe(id);
      const latency = await histogram("kwp.job.claim_latency");
      expect(where(latency, { "kwp.job.first_claim": true })[0]!.value.count).toBe(1);
      expect(where(latency, { "kwp.job.first_claim": false })[0]!.value.count).toBe(1);

      // Claimed while no provider is registered: not held, so its completion
      // under a provider registered later records no duration.
      otelMetrics.disable();
      const unmeasured: string = await queue.enqueue({ workflowRunId: run.id, stageId: "z", payload: {} });
      expect((await queue.dequeue()).jobId).toBe(unmeasured);
      await provider.shutdown();
      register();
      await queue.complete(unmeasured);
      expect(await histogram("kwp.job.duration")).toEqual([]);
      expect(await histogram("kwp.job.claim_latency")).toEqual([]);
    });
  });

  describe("1.0 contract", () => {
    const fixture = useBackend(backend, "1.0");

    it("records a deferral and a completeAndDequeue, not an acknowledgement answered superseded", async () => {
      const run = await (fixture.persistence as any).createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
      const producer = fixture.jobQueue({ workerId: "web", listen: false }) as any;
      for (const stageId of ["a", "b", "c"]) await producer.enqueue({ workflowRunId: run.id, workflowId: "wf", stageId, payload: {} });
      const worker = fixture.jobQueue({ workerId: "worker", listen: false }) as any;
      const first = await worker.dequeue();
      const second = await worker.completeAndDequeue(first.jobId);
      expect(await worker.defer(second.jobId, new Date(Date.now() + 60_000), "rate limited", { startedAt: second.startedAt, attempt: second.attempt })).toBe("acknowledged");
      const third = await worker.dequeue();
      expect(await worker.complete(third.jobId, { startedAt: third.startedAt, attempt: third.attempt + 1 })).toBe("superseded");

      const held = await histogram("kwp.job.duration");
      expect(held.map((point) => [point.attributes["kwp.stage.id"], point.attributes["kwp.job.outcome"], point.value.count]).sort()).toEqual([
        [first.stageId, "completed", 1],
        [second.stageId, "deferred", 1],
      ]);
      expect((await histogram("kwp.job.claim_latency")).reduce((n, point) => n + point.value.count, 0)).toBe(3);
    });
  });
});
