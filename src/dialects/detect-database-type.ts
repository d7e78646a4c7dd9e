import { PostgresAdapter, SqliteAdapter, type Kysely } from "kysely";
import { ConfigurationError } from "../errors.js";
import type { DatabaseType, DialectSupport } from "./dialect-support.js";
import { postgresSupportIn } from "./postgres/postgres-support.js";
import { sqliteSupport } from "./sqlite/sqlite-support.js";

/**
 * Reads the database type off the Kysely instance's adapter, so that the spec's
 * worst footgun (SQLite used without `databaseType: "sqlite"`, failing later with
 * `near "FOR": syntax error`) cannot happen here.
 */
export function detectDatabaseType(db: Kysely<any>): DatabaseType | undefined {
  const adapter = db.getExecutor().adapter;
  // instanceof fails when the application has its own copy of kysely installed,
  // so fall back to the adapter's class name (subclasses keep Kysely's as base).
  if (adapter instanceof PostgresAdapter || hasAdapterClass(adapter, "PostgresAdapter")) {
    return "postgresql";
  }
  if (adapter instanceof SqliteAdapter || hasAdapterClass(adapter, "SqliteAdapter")) {
    return "sqlite";
  }
  return undefined;
}

function hasAdapterClass(adapter: object, className: string): boolean {
  for (let proto = Object.getPrototypeOf(adapter); proto; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === className) return true;
  }
  return false;
}

/**
 * The database type to use for `db`: the detected one, checked against an
 * explicit `databaseType` option when one is given.
 */
export function resolveDatabaseType(db: Kysely<any>, explicit?: DatabaseType): DatabaseType {
  if (explicit !== undefined && explicit !== "postgresql" && explicit !== "sqlite") {
    throw new ConfigurationError(
      `databaseType must be "postgresql" or "sqlite", got ${JSON.stringify(explicit)}`,
    );
  }
  const detected = detectDatabaseType(db);
  if (detected && explicit && detected !== explicit) {
    throw new ConfigurationError(
      `databaseType "${explicit}" contradicts the connection, which is ${detected}. ` +
        `Remove the databaseType option (it is detected) or pass "${detected}".`,
    );
  }
  const resolved = explicit ?? detected;
  if (!resolved) {
    throw new ConfigurationError(
      "Cannot tell whether this Kysely instance talks to PostgreSQL or SQLite " +
        `(its adapter is ${db.getExecutor().adapter.constructor.name}); pass databaseType explicitly.`,
    );
  }
  return resolved;
}

/** `schema` names the PostgreSQL schema of the tables (see DialectSupport.schema); SQLite has none. */
export function dialectSupportFor(databaseType: DatabaseType, schema?: string): DialectSupport {
  if (databaseType === "sqlite") {
    if (schema !== undefined) throw new ConfigurationError("schema applies to PostgreSQL only; SQLite has no schemas");
    return sqliteSupport;
  }
  return postgresSupportIn(schema);
}
