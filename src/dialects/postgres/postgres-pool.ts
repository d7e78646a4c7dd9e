import pg from "pg";
import type { PostgresConnectionSettings } from "./postgres-settings.js";

/** OIDs of the PostgreSQL types whose default pg parsing we override. */
const TIMESTAMP_WITHOUT_TIME_ZONE_OID = 1114;

/**
 * Type parsers for the pools this library opens. pg parses `timestamp without
 * time zone` in the process's local time zone, but the columns hold UTC (Prisma's
 * convention); keeping the text lets the codec read it as UTC on any machine.
 */
const typeParsers = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP_WITHOUT_TIME_ZONE_OID && format !== "binary") {
      return (value: string) => value;
    }
    return pg.types.getTypeParser(oid, format as "text");
  },
};

export interface PostgresPoolOptions {
  /** Maximum connections in the pool (pg's default is 10; the URL's `connection_limit` when given). */
  max?: number;
  /** Extra pg.Pool settings, applied after the connection string. */
  pool?: PostgresConnectionSettings;
  /**
   * The URL reaches a transaction-mode pooler (PgBouncer `pool_mode =
   * transaction`, hosted poolers; `?pgbouncer=true` in the URL says the same).
   * Each transaction may then run on another server session, so nothing may
   * rely on session state: no named prepared statements, and no LISTEN on it.
   */
  transactionPooler?: boolean;
  /**
   * A URL that reaches the server directly (Prisma's `directUrl`): behind a
   * transaction pooler, `waitForJobs` LISTENs there; without it, it polls.
   */
  directUrl?: string;
}

export function createPostgresPool(connectionString: string, options: PostgresPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    ...(options.max !== undefined ? { max: options.max } : {}),
    ...(options.pool as pg.PoolConfig | undefined),
    types: typeParsers as pg.CustomTypesConfig,
  });
  // An idle client losing its connection (server restart, network cut) emits
  // 'error' on the pool; unhandled, that would crash the process. The pool drops
  // the client and the next query opens a fresh connection.
  pool.on("error", () => {});
  return pool;
}

/**
 * Where the job queue may LISTEN for a database handle openDatabase made: its
 * pool's settings, a direct URL behind a transaction pooler, or nowhere (false).
 */
const listenSettingsByDatabase = new WeakMap<object, pg.PoolConfig | false>();

export function rememberListenSettings(db: object, settings: pg.PoolConfig | false): void {
  listenSettingsByDatabase.set(db, settings);
}

export function listenSettingsOf(db: object): pg.PoolConfig | false | undefined {
  return listenSettingsByDatabase.get(db);
}
