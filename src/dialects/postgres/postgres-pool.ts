import type pg from "pg";
import { loadDriver } from "../../database/optional-driver.js";
import type { PostgresPoolOptions } from "./postgres-settings.js";
import { connectionPlan, needsConnectionPlan } from "./connection-plan.js";
import { createFollowingPool, type FollowingPool } from "./following-pool.js";
import type { ListenTarget } from "./listen-target.js";

export type { ListenTarget } from "./listen-target.js";
import { redactPassword } from "../../database/database-url.js";

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
export const loadPg = (): typeof pg => loadDriver<typeof pg>("pg", "A PostgreSQL database");


/**
 * The pool for a URL: pg's own, or, for a host list, a session role
 * (target_session_attrs) or libpq's sslmode, one that finds and follows the
 * server the URL asks for (following-pool.ts).
 */
export function createPostgresPool(connectionString: string, options: PostgresPoolOptions = {}): pg.Pool {
  const driver = loadPg();
  const config: pg.PoolConfig = {
    connectionString,
    ...(options.max !== undefined ? { max: options.max } : {}),
    ...(options.pool as pg.PoolConfig | undefined),
    types: typeParsers(driver) as pg.CustomTypesConfig,
  };
  const target = config.connectionString;
  const pool =
    typeof target === "string" && needsConnectionPlan(target)
      ? createFollowingPool(driver, connectionPlan(target, JSON.stringify(redactPassword(target))), config)
      : new driver.Pool(config);
  // An idle client losing its connection (server restart, network cut) emits
  // 'error' on the pool; unhandled, that would crash the process. The pool drops
  // the client and the next query opens a fresh connection.
  pool.on("error", () => {});
  // A connection that dies while checked out (a failover, a pooler closing
  // the client after "server conn crashed?") emits 'error' on the client too;
  // the running query already rejects with it, and unhandled the event would
  // crash the process. Every client the pool makes gets a listener.
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}


/** The LISTEN connection of a pool: its own endpoint resolution when it follows a primary, else pg's settings. */
export function listenTargetOf(pool: pg.Pool): ListenTarget {
  const following = pool as Partial<FollowingPool>;
  if (typeof following.dedicated === "function") return { connect: () => following.dedicated!() };
  return listenTargetFrom(pool.options as pg.PoolConfig);
}

/** A LISTEN connection from pg settings (a queue's `listen` option, a direct URL): a host list is followed too. */
export function listenTargetFrom(settings: pg.PoolConfig): ListenTarget {
  const target = settings.connectionString;
  if (typeof target === "string" && needsConnectionPlan(target)) {
    const finder = createFollowingPool(loadPg(), connectionPlan(target, JSON.stringify(redactPassword(target))), { ...settings, max: 1 });
    return { connect: () => finder.dedicated() };
  }
  return {
    async connect() {
      const client = new (loadPg().Client)({ ...settings });
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => {});
        throw error;
      }
      return client;
    },
  };
}

/**
 * Where the job queue may LISTEN for a database handle openDatabase made: its
 * pool's server, a direct URL behind a transaction pooler, or nowhere (false).
 */
const listenTargetsByDatabase = new WeakMap<object, ListenTarget | false>();

export function rememberListenTarget(db: object, target: ListenTarget | false): void {
  listenTargetsByDatabase.set(db, target);
}

export function listenTargetOfDatabase(db: object): ListenTarget | false | undefined {
  return listenTargetsByDatabase.get(db);
}
