import { setTimeout as sleep } from "node:timers/promises";
import type { QueryContext } from "../database/query-context.js";
import { outsideTransactions } from "../database/ambient-transaction.js";
import type { CreateAICallInput } from "../types.js";
import { insertAICalls, type PendingAICall } from "./ai-call-rows.js";
import { traced } from "../telemetry/call-spans.js";
import type { AICallFormat } from "./ai-call-format.js";

export interface CallBufferOptions {
  /** Longest a logged call waits before it is written (default 1000 ms). */
  flushIntervalMs: number;
  /** Write as soon as this many calls wait, and at most this many per INSERT (default 500). */
  maxBatchSize: number;
  /** Attempts per batch before giving up on it (default 4: the first and 3 retries). */
  maxAttempts: number;
  /** Delay before the first retry, doubled for each further one (default 100 ms). */
  retryDelayMs: number;
  /**
   * Receives what could not be written, with the last error: calls whose
   * writes failed for good, and calls logCall could not take (ValidationError,
   * LoggerClosedError).
   */
  onError: (error: unknown, calls: CreateAICallInput[]) => void;
}

/** A call waiting to be written, with what the caller passed (handed to onError if it cannot be). */
interface Entry {
  pending: PendingAICall;
  input: CreateAICallInput;
}

/**
 * Buffers logged calls and writes them in multi-row INSERTs, one batch at a
 * time and in logging order. A failed write is retried with backoff and then
 * handed to onError with the calls it carried: nothing is dropped silently.
 * The timer only runs while calls wait, so an idle logger holds no timer and
 * never keeps the process alive.
 */
export class CallBuffer {
  readonly #ctx: QueryContext;
  /** Resolves once the database is known to hold ai_calls (rejects with a SchemaMismatchError otherwise). */
  readonly #ready: () => Promise<void>;
  readonly #options: CallBufferOptions;
  #waiting: Entry[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** The chain of writes; each flush appends to it, so batches never overlap. */
  #writes: Promise<void> = Promise.resolve();

  readonly #format: AICallFormat;

  constructor(ctx: QueryContext, ready: () => Promise<void>, options: CallBufferOptions, format: AICallFormat) {
    this.#ctx = ctx;
    this.#ready = ready;
    this.#options = options;
    this.#format = format;
  }

  add(pending: PendingAICall, input: CreateAICallInput): void {
    this.#waiting.push({ pending, input });
    if (this.#waiting.length >= this.#options.maxBatchSize) {
      void this.flush();
    } else {
      this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushIntervalMs);
    }
  }

  /** Writes everything added so far; resolves when it is written or reported. Never rejects. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#waiting;
    this.#waiting = [];
    for (let start = 0; start < batch.length; start += this.#options.maxBatchSize) {
      const chunk = batch.slice(start, start + this.#options.maxBatchSize);
      this.#writes = this.#writes.then(() => this.#write(chunk));
    }
    return this.#writes;
  }

  async #write(chunk: Entry[]): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.#options.maxAttempts; attempt++) {
      try {
        await this.#insert(chunk);
        return;
      } catch (error) {
        lastError = error;
        // A row the database refuses fails every attempt: find it instead.
        if (chunk.length > 1 && this.#ctx.dialect.refusedRow(lastError)) return this.#isolate(chunk);
        if (attempt < this.#options.maxAttempts) await sleep(this.#options.retryDelayMs * 2 ** (attempt - 1));
      }
    }
    reportSafely(this.#options.onError, lastError, chunk.map((entry) => entry.input));
  }

  /**
   * One call the database refuses must not cost the calls logged with it:
   * halves are written on their own, down to the refused calls, which alone
   * go to onError.
   */
  async #isolate(chunk: Entry[]): Promise<void> {
    const middle = Math.ceil(chunk.length / 2);
    for (const half of [chunk.slice(0, middle), chunk.slice(middle)]) {
      try {
        await this.#insert(half);
      } catch (error) {
        if (half.length > 1 && this.#ctx.dialect.refusedRow(error)) await this.#isolate(half);
        else reportSafely(this.#options.onError, error, half.map((entry) => entry.input));
      }
    }
  }

  /**
   * Never inside a transaction, even when the timer was armed in one: the calls happened (and cost) whatever a transaction decides.
   * Each batch written is a span of its own ("ai-calls.write"): logCall returned before it.
   */
  #insert(chunk: Entry[]): Promise<void> {
    return outsideTransactions(() =>
      traced("ai-calls", "write", [chunk], this.#ctx, async () => {
        await this.#ready();
        await insertAICalls(this.#ctx, chunk.map((entry) => entry.pending), this.#format);
      }),
    );
  }
}

/** Hands `calls` to the error handler; a failing handler must not break the logger for later calls. */
export function reportSafely(onError: CallBufferOptions["onError"], error: unknown, calls: CreateAICallInput[]): void {
  try {
    onError(error, calls);
  } catch {
    // Nothing left to tell: the handler itself failed.
  }
}

/** The default onError: one line on stderr (a ValidationError's message names the field). */
export function reportToStderr(error: unknown, calls: CreateAICallInput[]): void {
  console.error(
    `kysely-workflow-persistence: ${calls.length} AI call(s) could not be written to ai_calls: ` +
      `${(error as Error)?.message ?? String(error)}`,
  );
}
