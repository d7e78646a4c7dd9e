import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { CreateAICallInput } from "../../src/v1.js";
import { BACKENDS, useBackend10 } from "./fixture.js";

// The engine's 1.0 AICallLogger: the §5 cases, the cost-accounting ones the
// contract describes (a reported and an estimated call through the batch
// path, read back through listCalls), and getStats unchanged.
describe.each(BACKENDS)("1.0 AICallLogger on $name", (backend) => {
  const fixture = useBackend10(backend);

  const call = (overrides: Partial<CreateAICallInput> = {}): CreateAICallInput => ({
    topic: "workflow.r1.stage.s",
    callType: "text",
    modelKey: "fast",
    modelId: "x/fast-1",
    prompt: "p",
    response: "r",
    inputTokens: 10,
    outputTokens: 5,
    cost: 0.25,
    ...overrides,
  });
  const rows = async () => Number((await sql<{ n: unknown }>`select count(*) as n from ai_calls`.execute(fixture.db)).rows[0]!.n);

  describe("logBatchResults operation", () => {
    it("should write each repeated batch request only once", async () => {
      const logger = fixture.aiCallLogger();
      await logger.logBatchResults("batch-1", [call({ requestId: "a" }), call({ requestId: "b" })]);
      await logger.logBatchResults("batch-1", [call({ requestId: "a" }), call({ requestId: "b" }), call({ requestId: "c" })]);
      await logger.logBatchResults("batch-2", [call({ requestId: "a" })]); // another batch: its own request
      expect(await rows()).toBe(4);
      expect((await logger.getStats("workflow.r1.")).totalCalls).toBe(4);
    });

    it("should deduplicate concurrent writes for the same batch requests", async () => {
      const loggers = [fixture.aiCallLogger(), fixture.aiCallLogger(), fixture.aiCallLogger()];
      const results = Array.from({ length: 20 }, (_, i) => call({ requestId: `req-${i}` }));
      await Promise.all(loggers.map((logger) => logger.logBatchResults("batch-c", results)));
      expect(await rows()).toBe(20);
    });

    it("keeps every row of a batch whose results carry no request ids", async () => {
      const logger = fixture.aiCallLogger();
      await logger.logBatchResults("batch-n", [call(), call()]);
      expect(await rows()).toBe(2);
      expect(await logger.isRecorded("batch-n")).toBe(true);
    });

    it("reads back a reported and an estimated call through listCalls, every figure as recorded", async () => {
      const logger = fixture.aiCallLogger();
      const reported = call({
        requestId: "r-1", cost: 0.0125, reportedCost: 0.0125, estimatedCost: 0.011, costSource: "reported",
        servedBy: "provider-x", cachedInputTokens: 4, reasoningTokens: 2, metadata: { note: "kept" },
      });
      const estimated = call({ requestId: "r-2", topic: "workflow.r1.stage.t", cost: 0.03, estimatedCost: 0.03, costSource: "estimated" });
      await logger.logBatchResults("batch-$", [reported, estimated]);
      const listed = await logger.listCalls("workflow.r1.");
      expect(listed).toHaveLength(2);
      const [first, second] = listed;
      expect(first).toMatchObject({
        topic: reported.topic, cost: 0.0125, reportedCost: 0.0125, estimatedCost: 0.011, costSource: "reported",
        servedBy: "provider-x", cachedInputTokens: 4, reasoningTokens: 2, batchId: "batch-$", requestId: "r-1",
        metadata: { note: "kept", batchId: "batch-$" },
      });
      expect(second).toMatchObject({ cost: 0.03, estimatedCost: 0.03, costSource: "estimated", requestId: "r-2" });
      expect(second).not.toHaveProperty("reportedCost");
      expect(second).not.toHaveProperty("servedBy");
      expect(await logger.listCalls("workflow.r1.stage.t")).toHaveLength(1);
      expect(await logger.listCalls("workflow.r1%")).toEqual([]); // literal prefix
      const stats = await logger.getStats("workflow.r1.");
      expect(stats).toMatchObject({ totalCalls: 2, totalInputTokens: 20 });
      expect(stats.totalCost).toBeCloseTo(0.0425, 12);
    });

    it("stores the cost fields of a buffered logCall too", async () => {
      const logger = fixture.aiCallLogger();
      logger.logCall(call({ costSource: "estimated", estimatedCost: 0.25, reasoningTokens: 1 }));
      const [listed] = await logger.listCalls("workflow.");
      expect(listed).toMatchObject({ costSource: "estimated", estimatedCost: 0.25, reasoningTokens: 1 });
      expect(listed).not.toHaveProperty("batchId");
    });

    it("refuses a bad cost field by name, writing nothing", async () => {
      const logger = fixture.aiCallLogger();
      await expect(logger.logBatchResults("b", [call({ reportedCost: Number.NaN })])).rejects.toMatchObject({ field: "results.0.reportedCost" });
      await expect(logger.logBatchResults("b", [call({ cachedInputTokens: 1.5 })])).rejects.toMatchObject({ field: "results.0.cachedInputTokens" });
      expect(await rows()).toBe(0);
    });
  });

  describe("isRecorded operation", () => {
    it("should recognize a batch ID stored only in legacy metadata", async () => {
      // A row a 0.x logger wrote: the batch id only in metadata, no batchId column value.
      const metadata = JSON.stringify({ batchId: "legacy-batch" });
      await sql`insert into ai_calls (id, "createdAt", topic, "callType", "modelKey", "modelId", prompt, response, "inputTokens", "outputTokens", cost, metadata)
        values ('legacy-1', ${backend.databaseType === "postgresql" ? sql`now()` : sql`'2026-01-01T00:00:00.000+00:00'`}, 't', 'text', 'm', 'x', 'p', 'r', 1, 1, 0.1,
        ${backend.databaseType === "postgresql" ? sql`${metadata}::jsonb` : sql`${metadata}`})`.execute(fixture.db);
      const logger = fixture.aiCallLogger();
      expect(await logger.isRecorded("legacy-batch")).toBe(true);
      expect(await logger.isRecorded("never")).toBe(false);
      await logger.logBatchResults("new-batch", [call({ requestId: "x" })]);
      expect(await logger.isRecorded("new-batch")).toBe(true);
    });
  });
});
