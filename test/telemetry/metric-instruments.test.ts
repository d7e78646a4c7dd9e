import { metrics as otelMetrics } from "@opentelemetry/api";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { afterAll, describe, expect, it } from "vitest";
import { createWorkflowMetrics } from "../../src/metrics/workflow-metrics.js";
import { OBSERVED_FAMILIES, observeWorkflowMetrics } from "../../src/metrics/open-telemetry-metrics.js";
import { KYSELY_BACKENDS, useBackend } from "../conformance/backends.js";

// Issue 32 item 3, the observable instruments (the histograms:
// queue-histograms.test.ts): createWorkflowMetrics' families as OpenTelemetry
// observable instruments, read by one snapshot per collection.

const providers: MeterProvider[] = [];
afterAll(async () => {
  for (const provider of providers) await provider.shutdown();
  otelMetrics.disable();
});

function sdk() {
  const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  providers.push(provider);
  return { reader, provider };
}

describe.each(KYSELY_BACKENDS.map((backend) => [backend.name, backend] as const))("workflow metrics as OpenTelemetry instruments: %s", (_name, backend) => {
  const fixture = useBackend(backend, "1.0");

  it("reports every family /metrics reports, with the same values, from one snapshot per collection", async () => {
    const p = fixture.persistence as any;
    const run = await p.createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    await p.updateRun(run.id, { status: "FAILED" });
    await p.createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    await (fixture.aiCallLogger() as any).logBatchResults("b", [
      { topic: `workflow.${run.id}.stage.a`, callType: "text", modelKey: "m1", modelId: "x/m1", prompt: "p", response: "r", inputTokens: 10, outputTokens: 5, cost: 0.5 },
    ]);
    const metrics = createWorkflowMetrics(fixture.db);
    let snapshots = 0;
    const counted = { ...metrics, snapshot: () => (snapshots++, metrics.snapshot()) };
    const { reader, provider } = sdk();
    observeWorkflowMetrics(counted, { meter: provider.getMeter("test") });

    const { resourceMetrics } = await reader.collect();
    expect(snapshots).toBe(1);
    const points = new Map<string, Array<{ attributes: Record<string, unknown>; value: unknown }>>();
    for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) points.set(metric.descriptor.name, (metric.dataPoints as Array<{ attributes: Record<string, unknown>; value: unknown }>).map((point) => ({ attributes: point.attributes, value: point.value })));
    expect(points.get("kwp.workflow_runs")).toEqual(expect.arrayContaining([{ attributes: { "kwp.status": "FAILED" }, value: 1 }, { attributes: { "kwp.status": "PENDING" }, value: 1 }]));
    expect(points.get("kwp.ai.calls")).toEqual([{ attributes: { "gen_ai.request.model": "m1" }, value: 1 }]);
    expect(points.get("kwp.ai.tokens")).toEqual(expect.arrayContaining([{ attributes: { "gen_ai.request.model": "m1", "gen_ai.token.type": "output" }, value: 5 }]));
    expect(points.get("kwp.ai.cost")).toEqual([{ attributes: { "gen_ai.request.model": "m1" }, value: 0.5 }]);
    expect(points.has("kwp.outbox.dead_letters")).toBe(true);
    // Every family of a 1.0 database (which has them all) has its instrument.
    expect((await metrics.snapshot()).families.map((family) => family.name).filter((name) => !OBSERVED_FAMILIES.includes(name))).toEqual([]);
  });

  it("uses the global meter provider when no meter is given, and stops reading on request", async () => {
    const { reader, provider } = sdk();
    expect(otelMetrics.setGlobalMeterProvider(provider)).toBe(true);
    try {
      const metrics = createWorkflowMetrics(fixture.db);
      let snapshots = 0;
      const observed = observeWorkflowMetrics({ ...metrics, snapshot: () => (snapshots++, metrics.snapshot()) });
      const first = await reader.collect();
      expect(first.resourceMetrics.scopeMetrics.map((scope) => scope.scope.name)).toContain("kysely-workflow-persistence");
      expect(snapshots).toBe(1);
      observed.stop();
      await reader.collect();
      expect(snapshots).toBe(1); // no read of the database after stop()
    } finally {
      otelMetrics.disable();
    }
  });
});
