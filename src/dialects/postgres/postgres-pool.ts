import type pg from "pg";
import { loadDriver } from "../../database/optional-driver.js";
import type { PostgresPoolOptions } from "./postgres-settings.js";

/** OIDs of the PostgreSQL types whose default pg parsing we override. */
const TIMESTAMP_WITHOUT_TIME_ZONE_OID = 1114;

/**
 * Type parsers for the pools this library opens. pg parses `timestamp without
 * time zone` in the process's local time zone, but the columns hold UTC (Prisma's
 * convention); keeping the text lets the codec read it as UTC on any machine.
 */
function typeParsers(driver: typeof pg) {
  return {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === TIMESTAMP_WITHOUT_TIME_ZONE_OID && format !== "binary") {
        return (value: string) => value;
      }
      return driver.types.getTypeParser(oid, format as "text");
    },
  };
}

/** `pg`, loaded on first use (an optional peer dependency). */
export const loadPg = () => loadDriver<typeof pg>("pg", "A PostgreSQL database");


export function createPostgresPool(connectionString: string, options: PostgresPoolOptions = {}): pg.Pool {
  const driver = loadPg();
  const pool = new driver.Pool({
    connectionString,
    ...(options.max !== undefined ? { max: options.max } : {}),
    ...(options.pool as pg.PoolConfig | undefined),
    types: typeParsers(driver) as pg.CustomTypesConfig,
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
