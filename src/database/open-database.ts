import { Kysely, PostgresDialect, SqliteDialect, type KyselyConfig } from "kysely";
import { ConfigurationError } from "../errors.js";
import { createPostgresPool, rememberPool, type PostgresPoolOptions } from "../dialects/postgres/postgres-pool.js";
import {
  openSqliteConnection,
  type SqliteConnectionOptions,
} from "../dialects/sqlite/sqlite-connection.js";
import type { DatabaseType } from "../dialects/dialect-support.js";
import { withPreparedStatements } from "../dialects/postgres/prepared-statements.js";
import { withStatementCache } from "../dialects/sqlite/statement-cache.js";
import type { Database } from "./database.js";

export interface OpenDatabaseOptions {
  postgres?: PostgresPoolOptions;
  sqlite?: SqliteConnectionOptions;
  /** Passed to Kysely (query logging, plugins). */
  log?: KyselyConfig["log"];
}

export interface ParsedDatabaseUrl {
  databaseType: DatabaseType;
  /** The pg connection string, or the SQLite file name (`:memory:` included). */
  target: string;
}

/**
 * Accepted forms:
 * - `postgres://…` and `postgresql://…`
 * - `sqlite:path`, `sqlite://path` (relative), `sqlite:///abs/path`, `sqlite::memory:`
 * - `:memory:` and a plain file path (`./workflow.db`, `/var/lib/app/workflow.db`)
 */
export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  if (typeof url !== "string" || url.trim() === "") {
    throw new ConfigurationError("The database URL is empty: pass postgres://… or sqlite:path");
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return { databaseType: "postgresql", target: url };
  }
  const sqliteMatch = /^sqlite:(\/\/)?(.*)$/i.exec(url);
  if (sqliteMatch) {
    const path = sqliteMatch[2] ?? "";
    if (path === "") throw new ConfigurationError(`The SQLite URL ${JSON.stringify(url)} names no file`);
    return { databaseType: "sqlite", target: path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new ConfigurationError(
      `Unsupported database URL scheme in ${JSON.stringify(redactPassword(url))}: ` +
        `use postgres://… / postgresql://… or sqlite:path`,
    );
  }
  return { databaseType: "sqlite", target: url };
}

/**
 * Opens a `Kysely<Database>` for a PostgreSQL URL (a pg Pool) or a SQLite file
 * (better-sqlite3, with foreign keys, WAL and a busy timeout). Close it with
 * `db.destroy()`.
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): Kysely<Database> {
  const { databaseType, target } = parseDatabaseUrl(url);
  const log = options.log ? { log: options.log } : {};
  if (databaseType === "postgresql") {
    const pool = createPostgresPool(target, options.postgres);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }), ...log });
    rememberPool(db, pool);
    return db;
  }
  let connection;
  try {
    connection = openSqliteConnection(target, options.sqlite);
  } catch (error) {
    throw new ConfigurationError(
      `Cannot open SQLite database ${JSON.stringify(target)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }), ...log });
}

/** The URL with its password replaced, for error messages and logs. */
export function redactPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+:)[^@]*@/i, "$1***@");
}
