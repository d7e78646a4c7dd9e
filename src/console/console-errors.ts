import { WorkflowPersistenceError } from "../errors.js";

/**
 * A console read ran past its statement timeout and the database cancelled
 * it (PostgreSQL). Nothing was written; narrow the filters and ask again.
 * A console answers it with HTTP 504 rather than hanging.
 */
export class ConsoleQueryTimeoutError extends WorkflowPersistenceError {
  /** The read that timed out, e.g. `runs.list`. */
  readonly operation: string;
  readonly timeoutMs: number;

  constructor(operation: string, timeoutMs: number, cause: unknown) {
    super("QUERY_TIMEOUT", `${operation} timed out after ${timeoutMs}ms`, { cause });
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}
