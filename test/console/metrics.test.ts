import { describe, expect, it } from "vitest";
import { createWorkflowMetrics } from "../../src/metrics/workflow-metrics.js";
import { prometheusText } from "../../src/metrics/prometheus-text.js";
import { createPrismaKysely } from "../../src/prisma/prisma-kysely.js";
import { createPrismaClient } from "../support/prisma-clients.js";
import type { ContractVersion } from "../../src/database/migrations/contract-versions.js";
import { KYSELY_BACKENDS, useBackend } from "../conformance/backends.js";

// Workflow metrics in Prometheus' text format, on both databases and
// contracts, directly and through a PrismaClient's Kysely.

const CASES = KYSELY_BACKENDS.flatMap((backend) => (["0.1", "1.0"] as ContractVersion[]).map((contract) => [`${backend.name} on ${contract}`, backend, contract] as const));

describe.each(CASES)("workflow metrics: %s", (_name, backend, contract) => {
  const fixture = useBackend(backend, contract);
  const p = () => fixture.persistence as any;

  it("counts runs, jobs, stale leases, the outbox and AI calls by model", async () => {
    const run = await p().createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    await p().updateRun(run.id, { status: "FAILED" });
    await p().createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    const queue = fixture.jobQueue({ workerId: "w1", listen: false });
    const job = (stageId: string) => ({ workflowRunId: run.id, stageId, ...(contract !== "0.1" ? { workflowId: "wf" } : {}) });
    await queue.enqueueParallel([job("a"), job("b")]);
    await queue.dequeue();
    const logger = fixture.aiCallLogger();
    const call = (modelKey: string, cost: number) => ({
      topic: `workflow.${run.id}.stage.a`, callType: "text", modelKey, modelId: `x/${modelKey}`, prompt: "p", response: "r",
      inputTokens: 10, outputTokens: 5, cost,
    });
    await logger.logBatchResults("b1", [call('m"1', 0.5), call('m"1', 0.25), call("m2", 1)]);
    if (contract !== "0.1") {
      await p().appendOutboxEvents([1, 2].map((i) => ({ workflowRunId: run.id, eventType: "e", payload: {}, causationId: run.id, occurredAt: new Date() })));
      const [first] = await p().getUnpublishedOutboxEvents();
      await p().moveOutboxEventToDLQ(first.id);
    }
    // Stale: the lease is older than 1 s once a second has passed.
    const metrics = createWorkflowMetrics(fixture.db, { staleLeaseSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const text = await metrics.collect();
    expect(text).toContain("# TYPE kwp_workflow_runs gauge\n");
    expect(text).toContain('kwp_workflow_runs{status="FAILED"} 1\nkwp_workflow_runs{status="CANCELLED"} 0');
    expect(text).toContain('kwp_workflow_runs{status="PENDING"} 1\n');
    expect(text).toContain('kwp_jobs{status="PENDING"} 1\nkwp_jobs{status="RUNNING"} 1\n');
    expect(text).toMatch(/\nkwp_oldest_pending_job_age_seconds \d+(\.\d+)?\n/);
    expect(text).toContain("\nkwp_stale_leases 1\n");
    expect(text).toContain('# TYPE kwp_ai_calls_total counter\nkwp_ai_calls_total{model="m\\"1"} 2\nkwp_ai_calls_total{model="m2"} 1\n');
    expect(text).toContain('kwp_ai_tokens_total{model="m2",direction="output"} 5\n');
    expect(text).toContain('kwp_ai_cost_total{model="m\\"1"} 0.75\n');
    if (contract === "0.1") expect(text).not.toContain("kwp_outbox");
    else expect(text).toContain("kwp_outbox_backlog_events 1\n# HELP kwp_outbox_dead_letters Outbox events moved to the dead letters.\n# TYPE kwp_outbox_dead_letters gauge\nkwp_outbox_dead_letters 1\n");
    // Every line is a comment or `name{labels} value`.
    for (const line of text.trimEnd().split("\n")) expect(line).toMatch(/^(# (HELP|TYPE) kwp_\w+ .+|kwp_\w+(\{[^}]*\})? [-+\d.eNaIf]+)$/);
  });

  it("reads the same figures through a PrismaClient", async () => {
    await p().createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    const prisma = await createPrismaClient(backend.databaseType, fixture.database.url, { major: 7 });
    try {
      const text = await createWorkflowMetrics(createPrismaKysely(prisma)).collect();
      expect(text).toContain('kwp_workflow_runs{status="PENDING"} 1\n');
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe("the Prometheus text format", () => {
  it("escapes label values and help text, and writes special values", () => {
    expect(
      prometheusText([{ name: "x", help: "a\\b\nc", type: "gauge", samples: [{ labels: { l: 'q"\\\n' }, value: Number.NaN }, { value: Number.POSITIVE_INFINITY }] }]),
    ).toBe('# HELP x a\\\\b\\nc\n# TYPE x gauge\nx{l="q\\"\\\\\\n"} NaN\nx +Inf\n');
  });
});
