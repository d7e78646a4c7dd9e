import type { QueryContext } from "../database/query-context.js";
import type { AICallFormat, ParsedAICall } from "./ai-call-format.js";

export type { ParsedAICall };

/** A validated call, stamped when it was logged, waiting to be written. */
export interface PendingAICall {
  id: string;
  loggedAt: Date;
  call: ParsedAICall;
}

/** Up to 20 bind parameters per row (1.0): 1,000 rows stay below both databases' limits. */
export const MAX_ROWS_PER_INSERT = 1_000;

/** One multi-row INSERT per 1,000 calls, in the caller's connection or transaction. */
export async function insertAICalls(ctx: QueryContext, calls: readonly PendingAICall[], format: AICallFormat): Promise<void> {
  const { dialect } = ctx;
  for (let start = 0; start < calls.length; start += MAX_ROWS_PER_INSERT) {
    const rows = calls.slice(start, start + MAX_ROWS_PER_INSERT).map(({ id, loggedAt, call }) => ({
      id,
      createdAt: dialect.date(loggedAt),
      topic: call.topic,
      callType: call.callType,
      modelKey: call.modelKey,
      modelId: call.modelId,
      prompt: call.prompt,
      response: call.response,
      inputTokens: call.inputTokens,
      outputTokens: call.outputTokens,
      cost: dialect.float(call.cost),
      metadata: call.metadata == null ? null : dialect.json(call.metadata),
      ...format.extraColumns(call, dialect),
    }));
    const insert = ctx.db.insertInto("ai_calls").values(rows as any);
    await (format.skipsRecordedRequests ? insert.onConflict((conflict) => conflict.columns(["batchId", "requestId"] as any).doNothing()) : insert).execute();
  }
}
