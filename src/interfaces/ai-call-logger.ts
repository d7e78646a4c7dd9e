import type { AIHelperStats, CreateAICallInput } from "../types.js";

/**
 * The AI-call ledger (the engine's `AICallLogger`). Reads flush the buffer
 * first, so they see every call logged before them.
 */
export interface AICallLogger {
  /**
   * Records a call without waiting: buffered and written in batches, in
   * logging order, retried with backoff. Never throws: a call that cannot be
   * taken (a ValidationError naming the field, or LoggerClosedError after
   * close) goes to `onError` with that call, like a write that failed for
   * good, and nothing of it is stored.
   *
   * @example
   * ```ts
   * aiCalls.logCall({ topic: `workflow.${runId}.stage.extract`, callType: "text", modelKey: "fast", modelId: "x/fast-1",
   *   prompt, response, inputTokens: 812, outputTokens: 95, cost: 0.00018 }); // returns at once
   * ```
   */
  logCall(call: CreateAICallInput): void;
  /**
   * Records a batch's results in one atomic insert (all or nothing); each
   * row's metadata is its own object merged with `{ batchId }`.
   * @throws ValidationError naming the result and field; nothing is written then.
   */
  logBatchResults(batchId: string, results: CreateAICallInput[]): Promise<void>;
  /**
   * Totals for every call whose topic starts with `topicPrefix`, literally and
   * case-sensitively (`%`, `_` and `\` match only themselves), aggregated by the
   * database. No match gives zeros and `perModel: {}`.
   *
   * @example
   * ```ts
   * const { totalCalls, totalCost, perModel } = await aiCalls.getStats(`workflow.${runId}.`);
   * ```
   */
  getStats(topicPrefix: string): Promise<AIHelperStats>;
  /** Whether results for `batchId` were recorded (read in SQL from the metadata's `batchId`). */
  isRecorded(batchId: string): Promise<boolean>;
  /** Resolves when every call logged so far is in the database (or handed to onError). Never rejects. */
  flush(): Promise<void>;
  /** Flushes, then stops; a later logCall is reported to onError as LoggerClosedError. */
  close(): Promise<void>;
}
