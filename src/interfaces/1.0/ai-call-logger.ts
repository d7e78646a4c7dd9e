import type { AICallLogger as AICallLogger01 } from "../ai-call-logger.js";
import type { AICallRecord, CreateAICallInput } from "./types.js";

/**
 * The engine's 1.0 `AICallLogger`: calls carry the cost figures, batch rows
 * are written once per (batchId, requestId), and the calls of a topic can be
 * listed back.
 */
export interface AICallLogger extends Omit<AICallLogger01, "logCall" | "logBatchResults"> {
  /** As in 0.1 (never throws, buffered), with the 1.0 cost fields stored. */
  logCall(call: CreateAICallInput): void;
  /**
   * Records a batch's results in one atomic insert; a result whose
   * `requestId` was already recorded for `batchId` is skipped (also when
   * writers race), so a retried batch is never counted twice.
   */
  logBatchResults(batchId: string, results: CreateAICallInput[]): Promise<void>;
  /** Whether results for `batchId` were recorded (the batchId column, or the metadata of rows written before 1.0). */
  isRecorded(batchId: string): Promise<boolean>;
  /** The calls whose topic starts with `topicPrefix` (literally), oldest first, every cost figure as recorded. */
  listCalls(topicPrefix: string): Promise<AICallRecord[]>;
}
