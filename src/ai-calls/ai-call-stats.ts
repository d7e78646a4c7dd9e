import type { QueryContext } from "../database/query-context.js";
import type { AIHelperStats } from "../types.js";
import { limitOne } from "../database/limit-one.js";

/**
 * Totals per model, aggregated by the database (one GROUP BY over the matching
 * rows), so memory does not grow with the number of calls. The per-model rows
 * are summed here into the totals.
 */
export async function aiCallStats(ctx: QueryContext, topicPrefix: string): Promise<AIHelperStats> {
  const rows = await ctx.db
    .selectFrom("ai_calls")
    .select((eb) => [
      "modelKey",
      eb.fn.countAll().as("calls"),
      eb.fn.sum("inputTokens").as("inputTokens"),
      eb.fn.sum("outputTokens").as("outputTokens"),
      eb.fn.sum("cost").as("cost"),
    ])
    .where(ctx.dialect.startsWith("topic", topicPrefix))
    .groupBy("modelKey")
    .execute();

  const stats: AIHelperStats = { totalCalls: 0, totalInputTokens: 0, totalOutputTokens: 0, totalCost: 0, perModel: {} };
  for (const row of rows) {
    // COUNT and SUM of integers come back as bigint text from pg.
    const model = {
      calls: Number(row.calls),
      inputTokens: Number(row.inputTokens),
      outputTokens: Number(row.outputTokens),
      cost: Number(row.cost),
    };
    stats.perModel[String(row.modelKey)] = model;
    stats.totalCalls += model.calls;
    stats.totalInputTokens += model.inputTokens;
    stats.totalOutputTokens += model.outputTokens;
    stats.totalCost += model.cost;
  }
  return stats;
}

/** Whether any call carries `metadata.batchId = batchId`, checked by the database. */
export async function isBatchRecorded(ctx: QueryContext, batchId: string): Promise<boolean> {
  const row = await ctx.db
    .selectFrom("ai_calls")
    .select("id")
    .where(ctx.dialect.jsonTextField("metadata", "batchId"), "=", batchId)
    .limit(limitOne)
    .executeTakeFirst();
  return row !== undefined;
}
