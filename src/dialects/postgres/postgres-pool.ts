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
  /** Maximum connections in the pool (pg's default is 10). */
  max?: number;
  /** Extra pg.Pool settings, applied after the connection string. */
  pool?: PostgresConnectionSettings;
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

/** Pools opened by openDatabase, by Kysely instance: the job queue borrows one for LISTEN. */
const poolsByDatabase = new WeakMap<object, pg.Pool>();

export function rememberPool(db: object, pool: pg.Pool): void {
  poolsByDatabase.set(db, pool);
}

export function poolOf(db: object): pg.Pool | undefined {
  return poolsByDatabase.get(db);
}
