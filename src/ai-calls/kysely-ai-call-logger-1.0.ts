import type { Kysely } from "kysely";
import { db10 } from "../contracts/tables-1.0.js";
import { publicApi } from "../database/public-api.js";
import type { QueryContext } from "../database/query-context.js";
import type { AICallLogger } from "../interfaces/1.0/ai-call-logger.js";
import type { AICallRecord } from "../interfaces/1.0/types.js";
import { keySchema } from "../validation/input-schemas.js";
import { parseInput } from "../validation/parse-input.js";
import { limitOne } from "../database/limit-one.js";
import { AI_CALLS_1_0 } from "./ai-call-format.js";
import { aiCallLoggerOn, UNWRAPPED_LOGGER_METHODS, type KyselyAICallLoggerOptions } from "./kysely-ai-call-logger.js";
import { isBatchRecorded } from "./ai-call-stats.js";

/**
 * The engine's 1.0 AICallLogger over a Kysely instance, on a database
 * migrated with `target: "1.0"`: calls keep their cost figures in the six
 * cost columns, a batch's requests are written once per (batchId,
 * requestId), and listCalls reads a topic's calls back.
 *
 * @example
 * ```ts
 * import { createKyselyAICallLogger } from "kysely-workflow-persistence/v1";
 *
 * const aiCalls = createKyselyAICallLogger(db);
 * await aiCalls.logBatchResults("batch-7", [{ topic: "workflow.r1.stage.s", callType: "text", modelKey: "m", modelId: "x/m",
 *   prompt: "…", response: "…", inputTokens: 10, outputTokens: 5, cost: 0.002, requestId: "req-1", costSource: "reported", reportedCost: 0.002 }]);
 * const calls = await aiCalls.listCalls("workflow.r1."); // oldest first, every cost figure as recorded
 * ```
 */
export function createKyselyAICallLogger10(db: Kysely<any>, options: KyselyAICallLoggerOptions = {}): AICallLogger {
  const { logger, ctx, beforeRead } = aiCallLoggerOn(db, options, AI_CALLS_1_0);
  const v1: AICallLogger = {
    ...(logger as unknown as AICallLogger),
    async isRecorded(batchId: string) {
      parseInput("isRecorded", "batchId", keySchema, batchId);
      await beforeRead();
      return isRecordedIn10(ctx, batchId);
    },
    async listCalls(topicPrefix: string) {
      parseInput("listCalls", "topicPrefix", keySchema, topicPrefix);
      await beforeRead();
      return listCalls(ctx, topicPrefix);
    },
  };
  return publicApi(v1, ctx, { component: "ai-calls", expectation: { contract: "1.0" }, except: UNWRAPPED_LOGGER_METHODS });
}

/**
 * A batch is recorded when a row carries its id in the batchId column, or
 * (rows written before 1.0, or by a 0.x logger) in its metadata: the column
 * through its index first, the metadata scan only when that finds nothing.
 */
async function isRecordedIn10(ctx: QueryContext, batchId: string): Promise<boolean> {
  const byColumn = await db10(ctx).selectFrom("ai_calls").select("id").where("batchId", "=", batchId).limit(limitOne).executeTakeFirst();
  return byColumn !== undefined || isBatchRecorded(ctx, batchId);
}

const COST_FIELDS = ["batchId", "requestId", "estimatedCost", "reportedCost", "costSource", "servedBy", "cachedInputTokens", "reasoningTokens"] as const;
const NUMERIC_COST_FIELDS = new Set(["estimatedCost", "reportedCost", "cachedInputTokens", "reasoningTokens"]);

/** The calls whose topic starts with `topicPrefix` (literally), oldest first; an unrecorded cost field is absent. */
async function listCalls(ctx: QueryContext, topicPrefix: string): Promise<AICallRecord[]> {
  const { dialect } = ctx;
  const rows = await db10(ctx)
    .selectFrom("ai_calls")
    .select([
      "id", "createdAt", "topic", "callType", "modelKey", "modelId", "prompt", "response", "inputTokens", "outputTokens", "cost",
      ...COST_FIELDS, dialect.selectJson("metadata") as "metadata",
    ])
    .where(dialect.startsWith("topic", topicPrefix))
    .orderBy("createdAt")
    .orderBy("id")
    .execute();
  return rows.map((row) => {
    const record: AICallRecord = {
      id: String(row.id),
      createdAt: dialect.readDate(row.createdAt),
      topic: String(row.topic),
      callType: String(row.callType),
      modelKey: String(row.modelKey),
      modelId: String(row.modelId),
      prompt: String(row.prompt),
      response: String(row.response),
      inputTokens: Number(row.inputTokens),
      outputTokens: Number(row.outputTokens),
      cost: Number(row.cost),
      metadata: row.metadata == null ? null : dialect.readJson(row.metadata),
    };
    for (const field of COST_FIELDS) {
      const value = (row as Record<string, unknown>)[field];
      if (value != null) (record as unknown as Record<string, unknown>)[field] = NUMERIC_COST_FIELDS.has(field) ? Number(value) : String(value);
    }
    return record;
  });
}
