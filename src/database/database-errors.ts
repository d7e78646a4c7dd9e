import { CommitOutcomeUnknownError, ConnectionError, DatabaseError, TransactionAbortedError, WorkflowPersistenceError } from "../errors.js";
import { connectionFailureOf, type ConnectionFailure } from "./connection-failures.js";
import { databaseCodeOf } from "./driver-error-code.js";
import { failedConnecting } from "../dialects/postgres/session-failures.js";

export { databaseCodeOf } from "./driver-error-code.js";

// The one place a driver's error becomes one of ours. Every public method's
// result passes through `asTypedError`: errors this library raised itself
// (ValidationError, NotFoundError, …) and any other error (a caller's own, an
// injected StaleVersionError class, a bug) pass unchanged; what a database
// driver threw (pg, better-sqlite3, Prisma, a refused connection) becomes a
// DatabaseError naming the operation, with the driver's error as `cause`.

const KYSELY_ABORTED_TRANSACTION = Symbol.for("kysely.AbortedTransactionError");

/** Kysely's signal that COMMIT rolled back (the transaction had failed). */
export function isAbortedTransaction(error: unknown): boolean {
  return typeof error === "object" && error !== null && (KYSELY_ABORTED_TRANSACTION in error || databaseCodeOf(error) === "25P02");
}

/** Whether a driver threw `error` (rather than the caller's code or this library). */
function fromDriver(error: unknown): boolean {
  if (typeof error !== "object" || error === null || error instanceof WorkflowPersistenceError) return false;
  const name = (error as { name?: unknown }).name;
  if (typeof name === "string" && /^(Prisma|SqliteError$|DatabaseError$|AbortedTransactionError$)/.test(name)) return true;
  // pg's server errors (severity + code), and system errors of the connection (ECONNREFUSED, …).
  const { code, severity, syscall } = error as { code?: unknown; severity?: unknown; syscall?: unknown };
  return typeof code === "string" && (typeof severity === "string" || typeof syscall === "string" || /^(SQLITE_|E[A-Z]+$)/.test(code));
}

/** What decides whether a failed call may be repeated: inside a caller's transaction it never may on its own. */
export interface CallSituation {
  inTransaction?: boolean;
  /** The call changes nothing more when repeated (repeatable-calls.ts). */
  repeatable?: boolean;
}

export function asTypedError(operation: string, error: unknown, situation: CallSituation = {}): unknown {
  if (error instanceof WorkflowPersistenceError) return error;
  if (isAbortedTransaction(error)) return new TransactionAbortedError(operation, error);
  const failure = connectionFailureOf(error);
  if (failure !== undefined) return connectionError(operation, error, failure, situation);
  // Whatever failed while a connection was being opened (TLS refused, a bad password) is the driver's.
  if (!fromDriver(error) && !failedConnecting(error)) return error;
  return new DatabaseError(operation, databaseCodeOf(error), conciseMessage(error), { cause: error });
}

/**
 * A connection failure, typed, with whether to retry (the table in
 * docs/guarantees.md): a call that never reached the server may always be
 * repeated; one lost in flight only when repeating it changes nothing; a
 * read-only server or a serialization conflict wrote nothing, so the call may
 * be repeated; inside a caller's transaction only the whole transaction may.
 */
function connectionError(operation: string, error: unknown, failure: ConnectionFailure, situation: CallSituation): DatabaseError {
  const code = databaseCodeOf(error) ?? (error as { code?: unknown }).code;
  const databaseCode = typeof code === "string" ? code : undefined;
  const alone = situation.inTransaction !== true;
  const message = conciseMessage(error);
  switch (failure) {
    case "unavailable":
      return new ConnectionError(operation, databaseCode, `the database could not be reached: ${message}`, { cause: error, retryable: alone, phase: "connect" });
    case "lost":
      return new ConnectionError(operation, databaseCode, `the connection was lost during the call, which may or may not have been done: ${message}`, {
        cause: error, retryable: alone && situation.repeatable === true, phase: "in-flight",
      });
    case "read-only":
      return new DatabaseError(operation, databaseCode, `the server refused to write (a standby, or a primary being demoted): ${message}`, { cause: error, retryable: alone }, "READ_ONLY_SERVER");
    case "conflict":
      return new DatabaseError(operation, databaseCode, `the database rolled the call back (serialization failure or deadlock): ${message}`, { cause: error, retryable: alone }, "TRANSACTION_CONFLICT");
  }
}

/**
 * The driver's message without what only fits a terminal: Prisma's "Invalid
 * `prisma.$queryRawUnsafe()` invocation" message carries a code frame of its
 * caller (with the "pretty" errorFormat, a slice of a bundled file), and
 * states the database's own error on its last line. The whole error stays
 * the DatabaseError's `cause`.
 */
function conciseMessage(error: unknown): string {
  const message = (error as { message?: unknown }).message;
  if (typeof message !== "string") return String(error);
  if (!/invocation:/.test(message)) return message;
  const lines = message.split("\n").map((line) => line.trim()).filter((line) => line.length > 0);
  return lines[lines.length - 1] ?? message;
}

/**
 * What withTransaction rejects with when its body failed on a statement's
 * connection failure, read-only server or conflict: the statement's error
 * says it may not be repeated on its own (it ran in a transaction), but the
 * transaction as a whole never committed (the server rolled it back or lost
 * it with the connection), so running the whole transaction again is safe:
 * the same kind of error, for "withTransaction", retryable, the statement's
 * error as its cause. Any other error passes as the body threw it.
 */
export function asWholeTransactionFailure(error: unknown): unknown {
  // A COMMIT of another transaction (the body's own call elsewhere) may have landed.
  if (!(error instanceof DatabaseError) || error.retryable || error instanceof CommitOutcomeUnknownError) return error;
  const text = `a statement of the transaction failed and nothing was committed, so the transaction may be run again: ${error.message}`;
  if (error instanceof ConnectionError) {
    return new ConnectionError("withTransaction", error.databaseCode, text, { cause: error, retryable: true, phase: error.phase });
  }
  if (error.code === "READ_ONLY_SERVER" || error.code === "TRANSACTION_CONFLICT") {
    return new DatabaseError("withTransaction", error.databaseCode, text, { cause: error, retryable: true }, error.code);
  }
  return error;
}
