import { WorkflowPersistenceError } from "../errors.js";

/**
 * A console read ran past its statement timeout and the database cancelled
 * it (PostgreSQL). Nothing was written; narrow the filters and ask again.
 * A console answers it with HTTP 504 rather than hanging. Shaped as the
 * engine's own (code `query_timeout`, `query`, `timeoutMs`), so a console
 * that checks those fields treats it alike.
 */
export class ConsoleQueryTimeoutError extends WorkflowPersistenceError {
  /** The read that timed out, e.g. `runs.list` (the engine's name for it). */
  readonly query: string;
  /** The same, under the name this library's errors use. */
  readonly operation: string;
  readonly timeoutMs: number;

  constructor(query: string, timeoutMs: number, cause: unknown) {
    super("query_timeout", `${query} timed out after ${timeoutMs}ms`, { cause });
    this.query = query;
    this.operation = query;
    this.timeoutMs = timeoutMs;
  }
}
