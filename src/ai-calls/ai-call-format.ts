import type { z } from "zod";
import type { DialectSupport } from "../dialects/dialect-support.js";
import { createAICallSchema, createAICallsSchema } from "../validation/input-schemas.js";
import { createAICallSchema10, createAICallsSchema10 } from "../validation/input-schemas-1.0.js";

/** A validated call of either contract (1.0's carries the cost fields). */
export type ParsedAICall = z.output<typeof createAICallSchema> & Partial<z.output<typeof createAICallSchema10>>;

/**
 * What differs between the contracts for the AI-call ledger, in one place:
 * which fields a call takes, which columns they fill, and whether a request
 * of a batch already recorded is skipped.
 */
export interface AICallFormat {
  readonly call: z.ZodType<ParsedAICall>;
  readonly calls: z.ZodType<ParsedAICall[]>;
  /** Columns a row has beyond the 0.1 ones. */
  extraColumns(call: ParsedAICall, dialect: DialectSupport): Record<string, unknown>;
  /**
   * 1.0: `(batchId, requestId)` is unique, and a row repeating a recorded
   * pair is skipped (ON CONFLICT DO NOTHING), concurrent writers included, so
   * a retried batch is never counted twice. Rows without both never collide.
   */
  readonly skipsRecordedRequests: boolean;
}

export const AI_CALLS_0_1: AICallFormat = {
  call: createAICallSchema as z.ZodType<ParsedAICall>,
  calls: createAICallsSchema as z.ZodType<ParsedAICall[]>,
  extraColumns: () => ({}),
  skipsRecordedRequests: false,
};

export const AI_CALLS_1_0: AICallFormat = {
  call: createAICallSchema10,
  calls: createAICallsSchema10,
  extraColumns: (call, dialect) => ({
    batchId: call.batchId ?? null,
    requestId: call.requestId ?? null,
    estimatedCost: call.estimatedCost === undefined ? null : dialect.float(call.estimatedCost),
    reportedCost: call.reportedCost === undefined ? null : dialect.float(call.reportedCost),
    costSource: call.costSource ?? null,
    servedBy: call.servedBy ?? null,
    cachedInputTokens: call.cachedInputTokens ?? null,
    reasoningTokens: call.reasoningTokens ?? null,
  }),
  skipsRecordedRequests: true,
};
