import {
  ConfigurationError,
  MigrationError,
  MigrationIntegrityError,
  NotFoundError,
  PartialSchemaError,
  IncompatibleSchemaError,
  DatabaseError,
  SchemaMismatchError,
  TransactionAbortedError,
  ValidationError,
} from "../errors.js";

/** Exit codes of `kwp`, documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  unreachable: 3,
  notMigrated: 4,
  notFound: 5,
} as const;

/** A failure the command already explained in words; `kwp` prints it and exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT.failure,
  ) {
    super(message);
  }
}

/** One line for a person, and the exit code that goes with it. */
export function describeError(error: unknown, databaseLabel: string): { message: string; code: number } {
  if (error instanceof CliError) return { message: error.message, code: error.code };
  const openFailure = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (error instanceof ConfigurationError && /^SQLITE_(CANTOPEN|PERM|READONLY|NOTADB)/.test(String(openFailure))) {
    // The file is missing (a reading command never creates one), this user may
    // not open it, or it is not a SQLite database at all.
    return { message: `cannot open ${databaseLabel}: ${error.message}`, code: EXIT.unreachable };
  }
  if (error instanceof SchemaMismatchError && error.found === "unmigrated") {
    return { message: `${databaseLabel}: ${error.message}`, code: EXIT.notMigrated };
  }
  // What the driver said decides the exit code (a refused connection, a missing table, …).
  if (error instanceof DatabaseError && !(error instanceof TransactionAbortedError)) return describeDriverError(error.cause, databaseLabel);
  return describeDriverError(error, databaseLabel);
}

function describeDriverError(error: unknown, databaseLabel: string): { message: string; code: number } {
  if (error instanceof ConfigurationError || error instanceof ValidationError) {
    return { message: error.message, code: EXIT.usage };
  }
  if (error instanceof NotFoundError) return { message: error.message, code: EXIT.notFound };
  if (error instanceof PartialSchemaError || error instanceof IncompatibleSchemaError || error instanceof MigrationIntegrityError || error instanceof MigrationError) {
    return { message: error.message, code: EXIT.failure };
  }
  const code = (error as { code?: unknown })?.code;
  const message = (error as Error)?.message ?? String(error);
  if (["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET", "3D000", "28P01", "28000"].includes(String(code))) {
    return { message: `cannot connect to ${databaseLabel}: ${message || String(code)}`, code: EXIT.unreachable };
  }
  // PostgreSQL's insufficient_privilege: the tables are there, this role may not use them.
  if (code === "42501") {
    return { message: `the role connecting to ${databaseLabel} lacks privileges: ${message}`, code: EXIT.unreachable };
  }
  // TLS: the server refused it, or its certificate was not trusted (Node's TLS error codes).
  if (/does not support SSL|ssl|certificate/i.test(message) && (code === undefined || /CERT|SSL|TLS|SIGNED/.test(String(code)))) {
    return { message: `cannot connect to ${databaseLabel}: ${message}`, code: EXIT.unreachable };
  }
  if (code === "42P01" || /no such table/i.test(message)) {
    return { message: `${databaseLabel} is not migrated (${message}); run \`kwp migrate\` first`, code: EXIT.notMigrated };
  }
  if (/^SQLITE_(CANTOPEN|PERM|NOTADB)/.test(String(code)) || code === "EACCES") {
    return { message: `cannot open ${databaseLabel}: ${message}`, code: EXIT.unreachable };
  }
  // A read-only file (or directory), opened for a command that writes.
  if (/^SQLITE_READONLY/.test(String(code)) || code === "25006") {
    return { message: `cannot write to ${databaseLabel}: ${message}`, code: EXIT.unreachable };
  }
  return { message, code: EXIT.failure };
}
