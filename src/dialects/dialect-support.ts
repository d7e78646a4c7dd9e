import type { Kysely } from "kysely";

/** The two databases this library runs on. Names match the spec's `databaseType` option. */
export type DatabaseType = "postgresql" | "sqlite";

/**
 * Everything that differs between PostgreSQL and SQLite, in one place per
 * database. Queries elsewhere are dialect-agnostic and ask this object for the
 * few pieces that differ, instead of branching on the database type.
 */
export interface DialectSupport {
  readonly databaseType: DatabaseType;

  /** Names of the base tables in the schema the connection works in. */
  listTables(db: Kysely<any>): Promise<string[]>;

  /**
   * True for a lock conflict that is worth retrying as a whole: SQLite reports
   * SQLITE_BUSY when two connections try to upgrade read transactions to write
   * transactions at once, without waiting on the busy timeout.
   */
  isTransientLockError(error: unknown): boolean;

  /**
   * Runs `work` (a Kysely Migrator run) so that it is atomic and exclusive
   * across processes. PostgreSQL: Kysely's migrator already runs in a
   * transaction under an advisory lock, so `work` runs as is. SQLite: Kysely
   * runs migrations outside any transaction and takes no lock, so `work` runs
   * inside BEGIN IMMEDIATE on one connection, committed only when it says so.
   */
  runMigrationTransaction<T>(
    db: Kysely<any>,
    work: (db: Kysely<any>) => Promise<{ value: T; commit: boolean }>,
  ): Promise<T>;
}
