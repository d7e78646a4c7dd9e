import type { RawBuilder, AliasedExpression, Expression, Kysely, SelectQueryBuilder, SqlBool } from "kysely";

/** The enum types of the schema (real types on PostgreSQL, TEXT on SQLite). */
export type EnumTypeName = "Status" | "LogLevel" | "ArtifactType";

/** A column as the catalog describes it; `type` in the form `normalizeDeclaredType` gives. */
export interface CatalogColumn {
  name: string;
  type: string;
  notNull: boolean;
}

/** The two databases this library runs on. Names match the spec's `databaseType` option. */
export type DatabaseType = "postgresql" | "sqlite";

/**
 * Everything that differs between PostgreSQL and SQLite, in one place per
 * database. Queries elsewhere are dialect-agnostic and ask this object for the
 * few pieces that differ, instead of branching on the database type.
 */
export interface DialectSupport {
  readonly databaseType: DatabaseType;
  /**
   * PostgreSQL: the schema the tables live in, named in every query (tables
   * and enum types), so nothing depends on a connection's search_path, which a
   * transaction pooler does not keep. Undefined: the connection's current schema.
   */
  readonly schema?: string;

  // --- Codecs: how values are written and read, matching Prisma's storage. ---
  // Encoders return SQL expressions rather than raw values, so a dialect can add
  // the casts that drivers sending typed parameters (Prisma's raw API) need.

  /** A point in time as the timestamp column stores it. */
  date(value: Date): Expression<any>;
  /** `date` for a prepared query: `parameter` is bound to `dateValue(value)` (or null) on each call. */
  dateFrom(parameter: unknown): Expression<any>;
  dateValue(value: Date): unknown;
  /** "Now" for timestamps: the database clock on PostgreSQL, so machines with skewed clocks agree. */
  now(): Expression<any>;
  /**
   * "Now" for a prepared query: `clock` is the parameter the dialect binds
   * the current time to (SQLite), and PostgreSQL ignores it (its SQL reads the
   * database clock). Bind `clockValue()` to it on each call.
   */
  nowFrom(clock: unknown): Expression<any>;
  /** The value for a prepared query's clock parameter (unused on PostgreSQL). */
  clockValue(): unknown;
  /** A JSON document (already serialised) for a JSON column. */
  json(text: string): Expression<any>;
  /** A value of one of the schema's enum types. */
  enumValue(type: EnumTypeName, value: string): Expression<any>;
  /** `base` moved by `seconds` (a number or a numeric SQL expression), in the timestamp columns' format. */
  plusSeconds(base: Expression<any>, seconds: Expression<number> | number): Expression<any>;
  /** A floating-point value (REAL / DOUBLE PRECISION column), kept to its last digit. */
  float(value: number): Expression<any> | number;
  /** `float` for a prepared query: `parameter` is bound to `floatValue(value)` on each call. */
  floatFrom(parameter: unknown): Expression<any> | unknown;
  floatValue(value: number): unknown;
  /** A boolean for a column an application added (SQLite binds no booleans). */
  boolean(value: boolean): Expression<any>;
  /** Reads a timestamp column value; accepts every format Prisma may have written. */
  readDate(value: unknown): Date;
  /** Reads a JSON column value, as `selectJson` selected it. */
  readJson(value: unknown): unknown;
  /**
   * How a JSON column is selected for `readJson`: the column itself for the
   * direct drivers; as text through Prisma, whose own decoder must not see it.
   */
  selectJson(column: string): string | AliasedExpression<unknown, string>;

  /**
   * The value at `key` in a JSON column (a path: one key per level) as text
   * on PostgreSQL, as SQLite's json_extract gives it there; NULL when absent.
   * Computed by the database; the keys are bound.
   */
  jsonTextField(column: string, key: string | readonly string[]): Expression<string | null>;
  /**
   * A list of text values as one bound parameter (a JSON array), for
   * `where(column, "in" | "not in", valueList(values))`: any number of values
   * makes the same statement, and no list runs into the databases' limits on
   * parameters per statement (SQLite 32,766, PostgreSQL 65,535).
   */
  valueList(values: readonly string[]): Expression<any>;
  /**
   * `column` starts with `prefix`, taken literally (case-sensitive; `%`, `_`
   * and `\` match only themselves).
   */
  startsWith(column: string, prefix: string): Expression<SqlBool>;
  /**
   * `column` compared byte by byte (code point order), whatever the database's
   * collation: ranges and ORDER BY on it are exact for prefixes. PostgreSQL:
   * `COLLATE "C"` (an index on the same expression serves it); SQLite's
   * BINARY already is.
   */
  bytewise(column: string): RawBuilder<string>;

  /** Names the kind of constraint a database error violated, if it is one. */
  constraintViolation(error: unknown): "unique" | "foreign_key" | undefined;
  /**
   * Whether a statement failed because of a value in one of its rows (a
   * constraint or trigger refused it, a value out of range), so that the same
   * rows without it would be written; not a lost connection or a missing table.
   */
  refusedRow(error: unknown): boolean;

  /** Column names of a table in the connection's schema. */
  listColumns(db: Kysely<any>, table: string): Promise<string[]>;
  /** Columns of a table with their types and nullability (from the catalog, which any role may read). */
  describeColumns(db: Kysely<any>, table: string): Promise<CatalogColumn[]>;
  /** Names of the indexes in the schema. */
  listIndexes(db: Kysely<any>): Promise<string[]>;
  /** A type as a migration file declares it (`TIMESTAMP(3)`, `"Status"`), in the form describeColumns reports. */
  normalizeDeclaredType(declared: string): string;

  /**
   * Runs `work` in a transaction that writes. SQLite: BEGIN IMMEDIATE, taking
   * the write lock up front; a deferred transaction that reads first and writes
   * later fails with SQLITE_BUSY when another process wrote in between.
   */
  writeTransaction<T>(db: Kysely<any>, work: (tx: Kysely<any>) => Promise<T>): Promise<T>;

  /**
   * Inside a write transaction: makes writers passing the same `scope` and
   * `key` take turns until their transactions end (a transaction-level
   * advisory lock on PostgreSQL). SQLite does nothing: a write transaction
   * already excludes every other writer.
   */
  serializeWriters(db: Kysely<any>, scope: string, key: string): Promise<void>;
  /**
   * Whether every write statement runs alone, no other writer in between its
   * reads and its writes (SQLite: one writer at a time), so that a single
   * statement needs no transaction or lock to read what it then writes from.
   */
  readonly statementsRunAlone: boolean;
  /**
   * Whether a statement that fails inside a transaction aborts the whole
   * transaction (PostgreSQL: every later statement fails until ROLLBACK),
   * rather than undoing only itself (SQLite). Where it does, a write that may
   * fail on a constraint runs under a savepoint inside a caller's transaction.
   */
  readonly failedStatementAbortsTransaction: boolean;

  // --- Claiming. ---

  /**
   * Whether an INSERT/UPDATE/DELETE may run inside WITH and feed the rest of
   * the statement (PostgreSQL; SQLite has no such CTEs). A capability, like
   * Kysely's own `supportsReturning`: where true, completeAndDequeue completes
   * and claims in one statement (one round trip, one commit) instead of two.
   */
  readonly supportsDataModifyingCtes: boolean;

  /**
   * Makes the "pick the next row" subquery of a claim safe under concurrency.
   * PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent claimers each skip the
   * rows others hold instead of queueing behind them. SQLite: nothing, because a
   * write statement takes the database's write lock before it reads.
   */
  lockForClaim<QB extends SelectQueryBuilder<any, any, any>>(query: QB): QB;

  /** Names of the base tables in the schema the connection works in. */
  listTables(db: Kysely<any>): Promise<string[]>;

  /**
   * True for a lock conflict that is worth retrying as a whole: SQLite reports
   * SQLITE_BUSY when two connections try to upgrade read transactions to write
   * transactions at once, without waiting on the busy timeout.
   */
  isTransientLockError(error: unknown): boolean;

  // --- Reads for the console. ---

  /** The UTC day of a timestamp column, as a value to group by (cheap per row). */
  dayOf(column: string): RawBuilder<unknown>;
  /** A `dayOf` value as `YYYY-MM-DD` text (computed once per group). */
  dayText(day: RawBuilder<unknown>): RawBuilder<string>;
  /**
   * Runs `work` (reads) under a statement timeout of `timeoutMs`: PostgreSQL
   * in a transaction with `statement_timeout` set for it alone (set_config,
   * bound); SQLite has no statement timeout and runs `work` on `db`.
   */
  readWithTimeout<T>(db: Kysely<any>, timeoutMs: number, work: (db: Kysely<any>) => Promise<T>): Promise<T>;
  /** Whether `error` is the statement timeout cancelling a statement. */
  isStatementTimeout(error: unknown): boolean;

  /**
   * Runs `work` (a Kysely Migrator run) so that it is atomic and exclusive
   * across processes: inside one transaction on one connection, committed
   * only when it says so. PostgreSQL: BEGIN, then a transaction-level advisory
   * lock; SQLite: BEGIN IMMEDIATE. A failed run then leaves nothing behind,
   * Kysely's bookkeeping tables included. `inTransaction` tells the migrator
   * whether `db` already is that transaction (it must not open its own); the
   * Prisma adapter, which cannot hand out a connection, passes false and lets
   * the migrator open a Prisma interactive transaction where Kysely does so.
   */
  runMigrationTransaction<T>(
    db: Kysely<any>,
    work: (db: Kysely<any>, inTransaction: boolean) => Promise<{ value: T; commit: boolean }>,
  ): Promise<T>;
}
