import { DatabaseError, TransactionAbortedError, WorkflowPersistenceError } from "../errors.js";

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

/** The SQLSTATE / SQLite code / system code a driver's error carries, also inside Prisma's wrapping. */
export function databaseCodeOf(error: unknown): string | undefined {
  const candidate = error as {
    code?: unknown;
    meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } };
  } | null;
  if (candidate === null || typeof candidate !== "object") return undefined;
  const prisma = candidate.meta?.driverAdapterError?.cause?.originalCode ?? candidate.meta?.code;
  if (typeof prisma === "string") return prisma;
  return typeof candidate.code === "string" ? candidate.code : undefined;
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

export function asTypedError(operation: string, error: unknown): unknown {
  if (isAbortedTransaction(error)) return new TransactionAbortedError(operation, error);
  if (!fromDriver(error)) return error;
  return new DatabaseError(operation, databaseCodeOf(error), conciseMessage(error), { cause: error });
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
