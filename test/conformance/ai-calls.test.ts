import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { dialectSupportFor } from "../../src/dialects/detect-database-type.js";
import { LoggerClosedError } from "../../src/ai-calls/kysely-ai-call-logger.js";
import type { CreateAICallInput } from "../../src/types.js";
import type { AICallLogger } from "../../src/interfaces/ai-call-logger.js";
import { runChild } from "../support/spawn-child.js";
import { BACKENDS, isVolumeBackend, sleep, useBackend, expectStampedSince } from "./backends.js";

const call = (overrides: Partial<CreateAICallInput> = {}): CreateAICallInput => ({
  topic: "workflow.run-1.stage.extract",
  callType: "text",
  modelKey: "gpt-small",
  modelId: "openai/gpt-small",
  prompt: "Summarize",
  response: "Summary",
  inputTokens: 100,
  outputTokens: 20,
  cost: 0.0012,
  ...overrides,
});

describe.each(BACKENDS)("AICallLogger on $name", (backend) => {
  const fixture = useBackend(backend);
  const loggers: AICallLogger[] = [];
  afterEach(async () => {
    await Promise.all(loggers.splice(0).map((logger) => logger.close()));
  });
  const logger = (options = {}) => {
    const created = fixture.aiCallLogger(options);
    loggers.push(created);
    return created;
  };
  const stored = async () =>
    (await sql<Record<string, unknown>>`select * from ai_calls order by "prompt"`.execute(fixture.db)).rows;

  describe("logCall", () => {
    it("is synchronous, buffers, and writes every field on flush", async () => {
      const log = logger({ flushIntervalMs: 60_000 });
      const before = Date.now();
      expect(log.logCall(call({ metadata: { requestId: "r1" } }))).toBeUndefined();
      expect(await stored()).toEqual([]); // still buffered
      await log.flush();
      const [row] = await stored();
      expect(row).toMatchObject(call()); // every column as logged (metadata checked below)
      const metadata = typeof row!.metadata === "string" ? JSON.parse(row!.metadata) : row!.metadata;
      expect(metadata).toEqual({ requestId: "r1" });
      expect(String(row!.id)).toMatch(/^[0-9a-f-]{36}$/);
      const createdAt = dialectSupportFor(backend.databaseType).readDate(row!.createdAt);
      expectStampedSince(createdAt, before);
    });

    it("writes on its own after flushIntervalMs", async () => {
      logger({ flushIntervalMs: 30 }).logCall(call());
      for (let i = 0; i < 3_000 && (await stored()).length === 0; i++) await sleep(10); // until it happens (30 s at most)
      expect(await stored()).toHaveLength(1);
    });

    it("writes as soon as maxBatchSize calls wait", async () => {
      const log = logger({ flushIntervalMs: 60_000, maxBatchSize: 5 });
      for (let i = 0; i < 5; i++) log.logCall(call({ prompt: `p${i}` }));
      for (let i = 0; i < 3_000 && (await stored()).length < 5; i++) await sleep(10);
      expect(await stored()).toHaveLength(5);
    });

    it.each([
      ["a missing field", { ...call(), modelKey: undefined }, "call.modelKey"],
      ["tokens past 32 bits", call({ inputTokens: 2 ** 31 }), "call.inputTokens"],
      ["fractional tokens", call({ outputTokens: 1.5 }), "call.outputTokens"],
      ["a NaN cost", call({ cost: Number.NaN }), "call.cost"],
      ["an infinite cost", call({ cost: Number.POSITIVE_INFINITY }), "call.cost"],
      ["BigInt metadata", call({ metadata: { n: 1n } }), "call.metadata.n"],
    ])("never throws for %s: a ValidationError naming the field goes to onError, nothing is buffered", async (_what, input, field) => {
      const reported: Array<{ error: unknown; calls: CreateAICallInput[] }> = [];
      const log = logger({ flushIntervalMs: 60_000, onError: (error: unknown, calls: CreateAICallInput[]) => reported.push({ error, calls }) });
      expect(() => log.logCall(input as CreateAICallInput)).not.toThrow();
      expect(reported).toHaveLength(1);
      expect(reported[0]!.error).toBeInstanceOf(ValidationError);
      expect((reported[0]!.error as ValidationError).field).toBe(field);
      expect(reported[0]!.calls).toEqual([input]);
      await log.flush();
      expect(await stored()).toEqual([]);
    });

    it("reports an invalid call on stderr by default, naming the field, and keeps logging", async () => {
      const lines: string[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
      const log = logger({ flushIntervalMs: 60_000 });
      try {
        log.logCall({ ...call(), inputTokens: 0.5 });
        log.logCall(call({ prompt: "valid" }));
      } finally {
        console.error = original;
      }
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("call.inputTokens");
      await log.flush();
      expect((await stored()).map((row) => row.prompt)).toEqual(["valid"]);
    });

    // The engine's AI helper logs `metadata: { temperature: options.temperature, … }`.
    it("stores metadata with undefined fields as JSON.stringify does", async () => {
      const log = logger({ flushIntervalMs: 60_000 });
      log.logCall(call({ metadata: { temperature: undefined, maxTokens: 256, stop: [undefined] } }));
      await log.flush();
      const [row] = await stored();
      const metadata = typeof row!.metadata === "string" ? JSON.parse(row!.metadata) : row!.metadata;
      expect(metadata).toEqual({ maxTokens: 256, stop: [null] });
    });

    it("retries a failed write and hands what it could not write to onError", async () => {
      const failures: Array<{ error: unknown; calls: CreateAICallInput[] }> = [];
      const log = logger({ flushIntervalMs: 60_000, maxAttempts: 3, retryDelayMs: 5, onError: (error: unknown, calls: CreateAICallInput[]) => failures.push({ error, calls }) });
      await sql`alter table ai_calls rename to ai_calls_away`.execute(fixture.db);
      try {
        log.logCall(call({ prompt: "lost-1" }));
        log.logCall(call({ prompt: "lost-2" }));
        await log.flush();
      } finally {
        await sql`alter table ai_calls_away rename to ai_calls`.execute(fixture.db);
      }
      expect(failures).toHaveLength(1);
      expect(failures[0]!.calls.map((c) => c.prompt)).toEqual(["lost-1", "lost-2"]);
      expect(String((failures[0]!.error as Error).message)).toMatch(/ai_calls/);
      // The logger keeps working afterwards.
      log.logCall(call({ prompt: "after" }));
      await log.flush();
      expect((await stored()).map((r) => r.prompt)).toEqual(["after"]);
    });

    it("recovers when the database comes back during the retries", async () => {
      const failures: unknown[] = [];
      // Retries over about 40 s (40 ms, doubling), so a slow rename back cannot outlast them.
      const log = logger({ flushIntervalMs: 60_000, maxAttempts: 11, retryDelayMs: 40, onError: (error: unknown) => failures.push(error) });
      await sql`alter table ai_calls rename to ai_calls_away`.execute(fixture.db);
      log.logCall(call({ prompt: "kept" }));
      const flushed = log.flush();
      await sleep(20);
      await sql`alter table ai_calls_away rename to ai_calls`.execute(fixture.db);
      await flushed;
      expect(failures).toEqual([]);
      expect((await stored()).map((r) => r.prompt)).toEqual(["kept"]);
    });

    it("refuses calls after close() through onError, having written the ones before", async () => {
      const reported: unknown[] = [];
      const log = fixture.aiCallLogger({ flushIntervalMs: 60_000, onError: (error: unknown) => reported.push(error) });
      log.logCall(call());
      await log.close();
      expect(await stored()).toHaveLength(1);
      expect(() => log.logCall(call())).not.toThrow();
      expect(reported).toHaveLength(1);
      expect(reported[0]).toBeInstanceOf(LoggerClosedError);
    });

    it.runIf(backend.kind === "kysely")("loses nothing when a process logs 10,000 calls, closes and exits", { timeout: 180_000 }, async () => {
      const result = await runChild("log-ai-calls", [fixture.database.url, "10000"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect((await fixture.counts()).ai_calls).toBe(10_000);
    });

    // The engine's AICallLogger has no close(): applications shut down with db.destroy().
    it.runIf(backend.kind === "kysely")("loses nothing when a process only destroys its database handle", { timeout: 180_000 }, async () => {
      const result = await runChild("log-ai-calls", [fixture.database.url, "100", "destroy"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect((await fixture.counts()).ai_calls).toBe(100);
    });

    // SQLite only: a PostgreSQL pool keeps a process alive for its idle timeout (10 s) anyway.
    it.runIf(backend.kind === "kysely" && backend.databaseType === "sqlite")("loses nothing when a process simply ends", { timeout: 180_000 }, async () => {
      const result = await runChild("log-ai-calls", [fixture.database.url, "100", "none"]);
      expect(result.code).toBe(0);
      expect((await fixture.counts()).ai_calls).toBe(100);
    });
  });

  describe("logBatchResults and isRecorded", () => {
    it("inserts the batch atomically with batchId merged into each row's metadata", async () => {
      const log = logger();
      expect(await log.isRecorded("batch-1")).toBe(false);
      await log.logBatchResults("batch-1", [call({ prompt: "a", metadata: { item: 1 } }), call({ prompt: "b" })]);
      const rows = await stored();
      expect(rows.map((r) => (typeof r.metadata === "string" ? JSON.parse(r.metadata) : r.metadata))).toEqual([
        { item: 1, batchId: "batch-1" },
        { batchId: "batch-1" },
      ]);
      expect(await log.isRecorded("batch-1")).toBe(true);
      expect(await log.isRecorded("batch-2")).toBe(false);
    });

    it("writes nothing when one result is invalid", async () => {
      const error = await logger().logBatchResults("b", [call(), call({ inputTokens: Number.NaN })]).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.field).toBe("results.1.inputTokens");
      const notObject = await logger().logBatchResults("b", [call({ metadata: [1] })]).catch((e) => e);
      expect(notObject.field).toBe("results.0.metadata");
      expect(await stored()).toEqual([]);
    });

    it("isRecorded sees calls still in the buffer and reads batchId in SQL", async () => {
      const log = logger({ flushIntervalMs: 60_000 });
      log.logCall(call({ metadata: { batchId: "buffered" } }));
      expect(await log.isRecorded("buffered")).toBe(true);
      expect(await log.isRecorded("buffe%")).toBe(false);
    });
  });

  describe("getStats", () => {
    it("returns zeros and no models when nothing matches", async () => {
      expect(await logger().getStats("nothing.here")).toEqual({
        totalCalls: 0, totalInputTokens: 0, totalOutputTokens: 0, totalCost: 0, perModel: {},
      });
    });

    it("aggregates per model for a topic prefix, including buffered calls", async () => {
      const log = logger({ flushIntervalMs: 60_000 });
      log.logCall(call({ topic: "workflow.r1.stage.a", modelKey: "m1", inputTokens: 10, outputTokens: 1, cost: 0.5 }));
      log.logCall(call({ topic: "workflow.r1.stage.b", modelKey: "m1", inputTokens: 20, outputTokens: 2, cost: 0.25 }));
      log.logCall(call({ topic: "workflow.r1.stage.b", modelKey: "m2", inputTokens: 5, outputTokens: 5, cost: 1 }));
      log.logCall(call({ topic: "workflow.r2.stage.a", modelKey: "m1", inputTokens: 1000, outputTokens: 1000, cost: 100 }));
      expect(await log.getStats("workflow.r1")).toEqual({
        totalCalls: 3,
        totalInputTokens: 35,
        totalOutputTokens: 8,
        totalCost: 1.75,
        perModel: {
          m1: { calls: 2, inputTokens: 30, outputTokens: 3, cost: 0.75 },
          m2: { calls: 1, inputTokens: 5, outputTokens: 5, cost: 1 },
        },
      });
      expect((await log.getStats("")).totalCalls).toBe(4);
    });

    it.each([
      ["a%b", ["a%b.x"]],
      ["a_b", ["a_b.x"]],
      ["a\\b", ["a\\b.x"]],
      ["A", ["A.x"]],
      ["a", ["a%b.x", "a_b.x", "axb.x", "a\\b.x", "a.x"]],
      ["'; drop table ai_calls; --", ["'; drop table ai_calls; --x"]],
      ["ü", ["ü.x"]],
    ])("takes the prefix %j literally and case-sensitively", async (prefix, expected) => {
      const log = logger();
      const topics = ["a%b.x", "a_b.x", "axb.x", "a\\b.x", "a.x", "A.x", "'; drop table ai_calls; --x", "ü.x", "u.x"];
      await log.logBatchResults("seed", topics.map((topic) => call({ topic, modelKey: topic })));
      const stats = await log.getStats(prefix);
      expect(Object.keys(stats.perModel).sort()).toEqual([...expected].sort());
      expect(stats.totalCalls).toBe(expected.length);
    });

    // 20,000 rows in npm test; npm run test:soak stores 100,000.
    const batches = process.env.KWP_SOAK ? 100 : 20;
    it.runIf(isVolumeBackend(backend))(`computes stats over ${batches},000 rows in the database, matching a sum done here`, { timeout: 180_000 }, async () => {
      const log = logger();
      const expected = { calls: 0, input: 0, output: 0, cost: 0 };
      for (let batch = 0; batch < batches; batch++) {
        const calls = Array.from({ length: 1_000 }, (_, i) => {
          const n = batch * 1_000 + i;
          const c = call({ topic: n % 4 === 0 ? `other.${n}` : `workflow.big.${n}`, modelKey: `m${n % 5}`, inputTokens: n % 97, outputTokens: n % 13, cost: (n % 7) * 0.001 });
          if (n % 4 !== 0) {
            expected.calls++;
            expected.input += c.inputTokens;
            expected.output += c.outputTokens;
            expected.cost += c.cost;
          }
          return c;
        });
        await log.logBatchResults(`big-${batch}`, calls);
      }
      const stats = await log.getStats("workflow.big.");
      expect(stats.totalCalls).toBe(expected.calls);
      expect(stats.totalInputTokens).toBe(expected.input);
      expect(stats.totalOutputTokens).toBe(expected.output);
      expect(stats.totalCost).toBeCloseTo(expected.cost, 6);
      expect(Object.keys(stats.perModel).sort()).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    });
  });
});
