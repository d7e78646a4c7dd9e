import type { Kysely, KyselyConfig } from "kysely";
import { DirectPostgresDialect } from "../dialects/postgres/direct-postgres-dialect.js";
import { FairSqliteDialect } from "../dialects/sqlite/fair-sqlite-dialect.js";
import { DatabaseHandle } from "./database-handle.js";
import { ConfigurationError } from "../errors.js";
import { createPostgresPool, listenTargetFrom, listenTargetOf, rememberListenTarget, type ListenTarget } from "../dialects/postgres/postgres-pool.js";
import type { PostgresPoolOptions } from "../dialects/postgres/postgres-settings.js";
import {
  openSqliteConnection,
  type SqliteConnectionOptions,
} from "../dialects/sqlite/sqlite-connection.js";
import { dialectSupportFor } from "../dialects/detect-database-type.js";
import { watchedPool } from "../dialects/postgres/watched-pool.js";
import { withStatementCache } from "../dialects/sqlite/statement-cache.js";
import type { Database } from "./database.js";
import { parseDatabaseUrl, type ParsedDatabaseUrl } from "./database-url.js";
import { registerDialectSupport } from "./dialect-overrides.js";
import { registerDirectStatements } from "./direct-statements.js";
import { registerSqliteFile } from "./ambient-transaction.js";
import { rememberEndpoint } from "../telemetry/database-endpoint.js";
import { registerRetryPolicy, type RetryPolicy } from "./retry-policy.js";
import { parseOptions, retryOption } from "../validation/factory-options.js";
import { withHostOptions } from "../dialects/postgres/host-options.js";
import { resolve } from "node:path";

export { parseDatabaseUrl, redactPassword, type ParsedDatabaseUrl } from "./database-url.js";

export interface OpenDatabaseOptions {
  postgres?: PostgresPoolOptions;
  sqlite?: SqliteConnectionOptions;
  /**
   * PostgreSQL: the schema holding the tables (default: the URL's `?schema=`,
   * else the connection's current schema). Every query, migration and the
   * migration bookkeeping then name it, so nothing depends on search_path.
   */
  schema?: string;
  /** Passed to Kysely (query logging). */
  log?: KyselyConfig["log"];
  /**
   * Retry the calls that are safe to repeat (reads, heartbeats, fenced
   * acknowledgements, idempotent writes) when they fail for a reason worth
   * retrying (a failover under way): `true` for the defaults (4 tries, 100 ms
   * doubling up to 5 s, jittered), or your own. Off by default. Claims and
   * unfenced writes are never retried (docs/guarantees.md).
   */
  retry?: boolean | RetryPolicy;
}

/**
 * Opens a `Kysely<Database>` for a PostgreSQL URL (a pg Pool) or a SQLite file
 * (better-sqlite3, with foreign keys, WAL and a busy timeout). Prisma's URLs
 * work as they are (see parseDatabaseUrl). Close it with `db.destroy()`.
 *
 * @example
 * ```ts
 * const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db");
 * // PostgreSQL: openDatabase("postgres://app@db.internal/app?schema=tenant_a&connection_limit=20")
 * await migrateToLatest(db);
 * // …
 * await db.destroy(); // flushes AI-call loggers and ends the LISTEN connection first
 * ```
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): Kysely<Database> {
  const retry = parseOptions("openDatabase", { retry: retryOption }, { retry: options.retry }).retry;
  const db = openHandle(url, options);
  registerRetryPolicy(db, retry);
  return db;
}

function openHandle(url: string, options: OpenDatabaseOptions): Kysely<Database> {
  const parsed = parseDatabaseUrl(url);
  const log = options.log ? { log: options.log } : {};
  if (parsed.databaseType === "postgresql") return openPostgres(parsed, options, log);
  if (options.schema !== undefined) throw new ConfigurationError("schema applies to PostgreSQL only; SQLite has no schemas");
  let connection;
  try {
    connection = openSqliteConnection(parsed.target, options.sqlite);
  } catch (error) {
    if (error instanceof ConfigurationError) throw error; // e.g. better-sqlite3 not installed
    throw new ConfigurationError(
      `Cannot open SQLite database ${JSON.stringify(parsed.target)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const dialect = new FairSqliteDialect({ database: withStatementCache(connection) });
  const db = new DatabaseHandle<Database>({ dialect, ...log });
  // A query log must see every statement, so a logging handle keeps Kysely's pipeline.
  if (!options.log) registerDirectStatements(db, dialect);
  if (parsed.target !== ":memory:") registerSqliteFile(db, resolve(parsed.target));
  rememberEndpoint(db, { namespace: parsed.target === ":memory:" ? ":memory:" : resolve(parsed.target) });
  return db;
}

function openPostgres(parsed: ParsedDatabaseUrl, options: OpenDatabaseOptions, log: Pick<KyselyConfig, "log">): Kysely<Database> {
  if (options.schema !== undefined && parsed.schema !== undefined && options.schema !== parsed.schema) {
    throw new ConfigurationError(`The schema option (${JSON.stringify(options.schema)}) contradicts the URL's ?schema=${parsed.schema}`);
  }
  const schema = options.schema ?? parsed.schema;
  const settings = options.postgres ?? {};
  const transactionPooler = settings.transactionPooler ?? parsed.transactionPooler ?? false;
  const poolSettings = {
    ...settings,
    max: settings.max ?? parsed.poolSize,
    pool: { ...(parsed.poolTimeoutMs !== undefined ? { connectionTimeoutMillis: parsed.poolTimeoutMs } : {}), ...settings.pool },
  };
  const pool = createPostgresPool(withHostOptions(parsed.target, settings), poolSettings);
  // Named prepared statements live on a server session; a transaction pooler
  // hands each transaction another one ("prepared statement … does not exist").
  const dialect = new DirectPostgresDialect({ pool: watchedPool(pool, { prepare: !transactionPooler }) });
  const db = new DatabaseHandle<Database>({ dialect, ...log });
  if (!options.log) registerDirectStatements(db, dialect);
  registerDialectSupport(db, dialectSupportFor("postgresql", schema));
  rememberListenTarget(db, listenTarget(pool, transactionPooler, settings.directUrl));
  const [first] = parsed.endpoints ?? [];
  rememberEndpoint(db, { namespace: schema ? `${parsed.database ?? ""}|${schema}` : parsed.database, address: first?.host, port: first?.port });
  return db;
}

/** LISTEN keeps a session: on the pool's server directly (followed as the pool follows it), never through a transaction pooler. */
function listenTarget(pool: ReturnType<typeof createPostgresPool>, transactionPooler: boolean, directUrl: string | undefined): ListenTarget | false {
  if (directUrl !== undefined) {
    const direct = parseDatabaseUrl(directUrl);
    if (direct.databaseType !== "postgresql") throw new ConfigurationError("directUrl must be a postgres:// URL");
    return listenTargetFrom({ connectionString: direct.target });
  }
  return transactionPooler ? false : listenTargetOf(pool);
}
