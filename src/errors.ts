/**
 * Typed errors thrown by kysely-workflow-persistence. Every error carries a
 * stable `code` so that callers can branch without matching on messages.
 */
export class WorkflowPersistenceError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input that fails validation. Nothing has been written when this is thrown. */
export class ValidationError extends WorkflowPersistenceError {
  /** Dotted path of the offending field, e.g. `data.priority` or `metadata.__proto__`. */
  readonly field: string;
  /** The public method that was called, e.g. `createRun`. */
  readonly operation: string;

  constructor(operation: string, field: string, reason: string) {
    super("VALIDATION_ERROR", `${operation}: invalid ${field}: ${reason}`);
    this.operation = operation;
    this.field = field;
  }
}

/** The row an operation targets does not exist. */
export class NotFoundError extends WorkflowPersistenceError {
  readonly entity: string;
  readonly id: string;
  readonly operation: string;

  constructor(operation: string, entity: string, id: string) {
    super("NOT_FOUND", `${operation}: ${entity} ${JSON.stringify(id)} not found`);
    this.operation = operation;
    this.entity = entity;
    this.id = id;
  }
}

/** A setup mistake: a bad database URL, a dialect that contradicts the connection, … */
export class ConfigurationError extends WorkflowPersistenceError {
  constructor(message: string, options?: { cause?: unknown }, code = "CONFIGURATION_ERROR") {
    super(code, message, options);
  }
}

/**
 * A call that cannot run where it was made with respect to a transaction:
 * one that would wait for the transaction it runs inside of (waitForJobs, a
 * logger's flush), or one on another handle to the SQLite file a transaction
 * around it holds. Nothing was done.
 */
export class TransactionScopeError extends ConfigurationError {
  /** The public method that was called. */
  readonly operation: string;

  constructor(operation: string, reason: string) {
    super(`${operation} cannot run here: ${reason}`, undefined, "TRANSACTION_SCOPE");
    this.operation = operation;
  }
}

/**
 * The database failed a call for a reason no check of the input could
 * foresee (the connection was lost, a permission is missing, the server
 * refused): the driver's error is `cause`, its SQLSTATE (or SQLite code)
 * `databaseCode`. What was written before it is undone where the call was
 * one statement or one transaction.
 */
export class DatabaseError extends WorkflowPersistenceError {
  /** The public method that was called. */
  readonly operation: string;
  /** PostgreSQL's SQLSTATE, SQLite's result code or the system error code, when the driver gave one. */
  readonly databaseCode: string | undefined;
  /**
   * Whether calling the method again (or, for withTransaction, running the
   * transaction again) is safe and may succeed: nothing of the failed call
   * was written, or writing it twice changes nothing. The table is in
   * docs/guarantees.md ("Connection failures").
   */
  readonly retryable: boolean;

  constructor(
    operation: string,
    databaseCode: string | undefined,
    message: string,
    options: { cause: unknown; retryable?: boolean },
    code = "DATABASE_ERROR",
  ) {
    super(code, `${operation}: ${message}`, { cause: options.cause });
    this.operation = operation;
    this.databaseCode = databaseCode;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * The connection failed: before the call reached the server (`phase`
 * "connect": refused, unreachable, starting up, no server of the URL's host
 * list of the role asked for; nothing was done) or during it ("in-flight": the
 * connection was lost, the backend ended; the call may or may not have been
 * done). `retryable` is true when nothing was done, or when the method is
 * safe to repeat (reads, heartbeats, fenced acknowledgements, claims, whose
 * lost replies the queue takes back); false for a write that may have landed.
 */
export class ConnectionError extends DatabaseError {
  readonly phase: "connect" | "in-flight";
  constructor(
    operation: string,
    databaseCode: string | undefined,
    message: string,
    options: { cause: unknown; retryable: boolean; phase: "connect" | "in-flight" },
    code = "CONNECTION_ERROR",
  ) {
    super(operation, databaseCode, message, options, code);
    this.phase = options.phase;
  }
}

/**
 * COMMIT was sent and its answer never came (the connection was lost): the
 * transaction may have committed or not. It is never reported as the
 * ROLLBACK's error that follows. Not retryable blindly: find out first (read
 * what the transaction wrote), or make its writes fenced or idempotent so a
 * second run changes nothing (docs/guarantees.md, "Exactly once").
 */
export class CommitOutcomeUnknownError extends ConnectionError {
  constructor(operation: string, cause: unknown) {
    super(
      operation,
      (cause as { code?: unknown } | null)?.code as string | undefined,
      `the connection was lost while COMMIT was in flight, so the transaction may or may not have committed (${(cause as Error)?.message ?? String(cause)})`,
      { cause, retryable: false, phase: "in-flight" },
      "COMMIT_OUTCOME_UNKNOWN",
    );
  }
}

/**
 * The transaction the call ran in can only roll back: a statement in it
 * failed earlier (and was caught), and PostgreSQL then ignores every
 * statement until the transaction ends; `withTransaction` rejects with this
 * when the database rolled back instead of committing. Nothing of the
 * transaction was committed.
 */
export class TransactionAbortedError extends DatabaseError {
  constructor(operation: string, cause: unknown) {
    super(
      operation,
      "25P02",
      "the transaction is aborted: an earlier statement in it failed, so the database rolls it back and runs nothing more in it; nothing of it was committed",
      { cause },
      "TRANSACTION_ABORTED",
    );
  }
}

/**
 * The database does not hold the tables the object was made for: it is not
 * migrated, or it holds another engine contract's schema than the entry the
 * object came from (the 0.1 API on a 0.12 database, or the reverse). Thrown
 * on the object's first use, before anything is written; the message names
 * the fix (a migration, or the other import path).
 */
export class SchemaMismatchError extends ConfigurationError {
  /** What the object needs: a contract version, or a table (the blob store's). */
  readonly expected: string;
  /** What the database holds: a contract version, or "unmigrated". */
  readonly found: string;

  constructor(expected: string, found: string, message: string) {
    super(message, undefined, "SCHEMA_MISMATCH");
    this.expected = expected;
    this.found = found;
  }
}

/**
 * The database holds some of the tables a migration creates but not all of them,
 * so it can neither be created from scratch nor adopted as it is.
 */
export class PartialSchemaError extends WorkflowPersistenceError {
  readonly migration: string;
  readonly presentTables: readonly string[];
  readonly missingTables: readonly string[];

  constructor(migration: string, presentTables: string[], missingTables: string[]) {
    super(
      "PARTIAL_SCHEMA",
      `Cannot apply or adopt migration ${migration}: the database has ` +
        `${presentTables.map((t) => `"${t}"`).join(", ")} but is missing ` +
        `${missingTables.map((t) => `"${t}"`).join(", ")}. ` +
        `Create the missing tables (or restore the database) and migrate again.`,
    );
    this.migration = migration;
    this.presentTables = presentTables;
    this.missingTables = missingTables;
  }
}

/**
 * A table a migration creates exists, but not in the shape the migration
 * gives it (a column missing, of another type or nullability, or an index
 * missing): it belongs to something else, and adopting it would record a
 * migration the database does not match. Nothing was recorded.
 */
export class IncompatibleSchemaError extends WorkflowPersistenceError {
  readonly migration: string;
  readonly table: string;
  /** The column or index that does not match. */
  readonly item: string;

  constructor(migration: string, table: string, item: string, problem: string) {
    super(
      "INCOMPATIBLE_SCHEMA",
      `Cannot adopt migration ${migration}: table "${table}" exists but ${problem}. ` +
        `It is not this library's table (or not at this schema version); nothing was recorded. ` +
        `Rename or drop it, or point the library at another database or schema.`,
    );
    this.migration = migration;
    this.table = table;
    this.item = item;
  }
}

/** Migration files that were already applied have since been edited. */
export class MigrationIntegrityError extends WorkflowPersistenceError {
  readonly modifiedMigrations: readonly string[];

  constructor(modifiedMigrations: string[]) {
    super(
      "MIGRATION_MODIFIED",
      `Applied migration file(s) changed since they were applied: ` +
        `${modifiedMigrations.join(", ")}. Applied migrations must never be edited; ` +
        `restore the original file and put the change in a new migration.`,
    );
    this.modifiedMigrations = modifiedMigrations;
  }
}

/** Running the migrations failed; `cause` holds the database error. */
export class MigrationError extends WorkflowPersistenceError {
  readonly migration: string | undefined;

  constructor(message: string, migration: string | undefined, options?: { cause?: unknown }) {
    super("MIGRATION_FAILED", message, options);
    this.migration = migration;
  }
}

/** A write collides with an existing row (duplicate id, or a stage id taken within its run). */
export class ConflictError extends WorkflowPersistenceError {
  readonly entity: string;
  readonly id: string;
  readonly operation: string;

  constructor(operation: string, entity: string, id: string, options?: { cause?: unknown }) {
    super("CONFLICT", `${operation}: ${entity} ${JSON.stringify(id)} already exists`, options);
    this.operation = operation;
    this.entity = entity;
    this.id = id;
  }
}

/**
 * A worker acknowledged (completed, failed, suspended) a job it no longer
 * holds: its lock was released as stale and the job went to another worker,
 * or it was already finished. The acknowledgement was not applied.
 */
export class JobLeaseLostError extends WorkflowPersistenceError {
  readonly jobId: string;
  readonly workerId: string;
  readonly operation: string;
  /** What the job looks like now. */
  readonly currentStatus: string;
  readonly currentWorkerId: string | null;

  constructor(operation: string, jobId: string, workerId: string, currentStatus: string, currentWorkerId: string | null) {
    super(
      "JOB_LEASE_LOST",
      `${operation}: job ${JSON.stringify(jobId)} is not held by worker ${JSON.stringify(workerId)} ` +
        `(it is ${currentStatus}${currentWorkerId ? `, worker ${JSON.stringify(currentWorkerId)}` : ""})`,
    );
    this.operation = operation;
    this.jobId = jobId;
    this.workerId = workerId;
    this.currentStatus = currentStatus;
    this.currentWorkerId = currentWorkerId;
  }
}
