import type { Kysely } from "kysely";
import { createQueryContext, inWriteTransaction, type QueryContext, type QueryContextOptions } from "../database/query-context.js";
import { AI_CALLS_0_1, type AICallFormat } from "./ai-call-format.js";
import { beforeDestroy } from "../database/database-handle.js";
import { checkSchema } from "../database/schema-check.js";
import { publicApi } from "../database/public-api.js";
import { checkKysely, loggerOptions, parseOptions } from "../validation/factory-options.js";
import { ConfigurationError, TransactionScopeError, ValidationError, WorkflowPersistenceError } from "../errors.js";
import type { CreateAICallInput } from "../types.js";
import type { AICallLogger } from "../interfaces/ai-call-logger.js";
import { keySchema } from "../validation/input-schemas.js";
import { parseInput } from "../validation/parse-input.js";
import { insertAICalls, type ParsedAICall, type PendingAICall } from "./ai-call-rows.js";
import { aiCallStats, isBatchRecorded } from "./ai-call-stats.js";
import { CallBuffer, reportSafely, reportToStderr, type CallBufferOptions } from "./call-buffer.js";
import { CONTRACT_0_1 } from "../contracts/contract-0.1.js";

export interface KyselyAICallLoggerOptions extends QueryContextOptions, Partial<CallBufferOptions> {}

/** logCall after close(). */
export class LoggerClosedError extends WorkflowPersistenceError {
  constructor() {
    super("LOGGER_CLOSED", "AICallLogger.logCall: the logger was closed; create a new one to log more calls");
  }
}

/**
 * AICallLogger over a Kysely instance. logCall is synchronous and buffered
 * (see CallBuffer); reads flush the buffer first, so they see every call
 * logged before them.
 *
 * @example
 * ```ts
 * const aiCalls = createKyselyAICallLogger(db, { onError: (error, calls) => console.error(calls.length, error) });
 * aiCalls.logCall({ topic: `workflow.${runId}.stage.extract`, callType: "text", modelKey: "fast", modelId: "x/fast-1",
 *   prompt: "…", response: "…", inputTokens: 812, outputTokens: 95, cost: 0.00018 }); // returns at once
 * const stats = await aiCalls.getStats(`workflow.${runId}.`); // flushes first, then sums in the database
 * ```
 */
export function createKyselyAICallLogger(db: Kysely<any>, options: KyselyAICallLoggerOptions = {}): AICallLogger {
  const { logger, ctx } = aiCallLoggerOn(db, options, AI_CALLS_0_1);
  // Any migrated database: ai_calls is the same table in 0.1 and 0.12.
  return publicApi(logger, ctx, { component: "ai-calls", expectation: {}, except: UNWRAPPED_LOGGER_METHODS });
}

/** logCall is synchronous (its writes check in the buffer); flush and close must work anywhere. */
export const UNWRAPPED_LOGGER_METHODS = ["logCall", "flush", "close"];

/**
 * The logger's methods for a contract's call format, before the public
 * wrapper, with what a contract's own methods need: its context and the
 * step every read takes first (flushing the buffer, outside a transaction).
 */
export function aiCallLoggerOn(
  db: Kysely<any>,
  options: KyselyAICallLoggerOptions,
  format: AICallFormat,
): { logger: AICallLogger; ctx: QueryContext; beforeRead: () => Promise<void> } {
  checkKysely("createKyselyAICallLogger", db);
  parseOptions("createKyselyAICallLogger", loggerOptions, options);
  if (db.isTransaction) {
    // Its buffered writes happen later, after the transaction has ended.
    throw new ConfigurationError(
      "createKyselyAICallLogger on a transaction: logCall writes in the background, after the transaction ends; " +
        "make the logger from the database handle",
    );
  }
  const ctx = createQueryContext(db, options, CONTRACT_0_1);
  const ready = () => checkSchema(ctx, {});
  const buffer = new CallBuffer(ctx, ready, {
    flushIntervalMs: options.flushIntervalMs ?? 1_000,
    maxBatchSize: options.maxBatchSize ?? 500,
    maxAttempts: options.maxAttempts ?? 4,
    retryDelayMs: options.retryDelayMs ?? 100,
    onError: options.onError ?? reportToStderr,
  }, format);
  const onError = options.onError ?? reportToStderr;
  let closed = false;
  // The engine's interface has no close(): an application shuts down with
  // `await db.destroy()`, which flushes this buffer first (handles from openDatabase).
  const forgetDestroyHook = beforeDestroy(db, async () => {
    closed = true;
    await buffer.flush();
  });
  const pending = (call: ParsedAICall): PendingAICall => ({ id: ctx.newId(), loggedAt: new Date(), call });
  // Buffered calls are written outside transactions. Inside one open on this
  // logger's handle, waiting for them would wait for the transaction itself
  // (SQLite's one connection): reads there see what is already written.
  const flushUnlessInTransaction = () => (ctx.inTransaction ? Promise.resolve() : buffer.flush());
  const refuseInTransaction = (operation: string) => {
    if (ctx.inTransaction) {
      throw new TransactionScopeError(
        operation,
        "the buffered calls are written outside transactions, and waiting for them inside one would wait for the " +
          "transaction itself; call it after the transaction",
      );
    }
  };

  const logger: AICallLogger = {
    // Fire-and-forget by contract: the engine calls it after the model already
    // answered, so nothing may come back into the caller. A call that cannot be
    // taken (invalid, or after close) goes to onError like a failed write.
    logCall(call: CreateAICallInput): void {
      try {
        if (closed) throw new LoggerClosedError();
        buffer.add(pending(parseInput("logCall", "call", format.call, call)), call);
      } catch (error) {
        reportSafely(onError, error, [call]);
      }
    },

    async logBatchResults(batchId: string, results: CreateAICallInput[]): Promise<void> {
      parseInput("logBatchResults", "batchId", keySchema, batchId);
      // batchId goes into each row's metadata (how 0.1 readers find it) and,
      // in 1.0, into its own column, which dedupes the batch's requests.
      const parsed = parseInput("logBatchResults", "results", format.calls, results).map((call, index) => ({
        ...call,
        batchId,
        metadata: JSON.stringify({ ...metadataObject(call.metadata, index), batchId }),
      }));
      // All rows or none, even when they need more than one INSERT.
      await inWriteTransaction(ctx, (tx) => insertAICalls(tx, parsed.map(pending), format));
    },

    async getStats(topicPrefix: string) {
      parseInput("getStats", "topicPrefix", keySchema, topicPrefix);
      await flushUnlessInTransaction();
      return aiCallStats(ctx, topicPrefix);
    },

    async isRecorded(batchId: string) {
      parseInput("isRecorded", "batchId", keySchema, batchId);
      await flushUnlessInTransaction();
      return isBatchRecorded(ctx, batchId);
    },

    async flush() {
      refuseInTransaction("flush");
      await buffer.flush();
    },

    async close() {
      refuseInTransaction("close");
      closed = true;
      forgetDestroyHook();
      await buffer.flush();
    },
  };
  return { logger, ctx, beforeRead: flushUnlessInTransaction };
}

/** A result's metadata as an object to add batchId to (absent → {}). */
function metadataObject(metadataText: string | null | undefined, index: number): Record<string, unknown> {
  if (metadataText == null) return {};
  const value: unknown = JSON.parse(metadataText);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError("logBatchResults", `results.${index}.metadata`, "must be an object to carry batchId");
  }
  return value as Record<string, unknown>;
}
