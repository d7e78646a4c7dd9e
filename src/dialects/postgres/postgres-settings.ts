/**
 * Connection settings handed to `pg` (a subset of its PoolConfig, with room
 * for the rest). Declared here rather than imported from pg's types, so the
 * published declarations compile in an application without `@types/pg`.
 */
export interface PostgresConnectionSettings {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  /** The password, or a function that returns it (e.g. a short-lived cloud token). */
  password?: string | (() => string | Promise<string>);
  database?: string;
  ssl?: boolean | Record<string, unknown>;
  /** Most connections the pool opens. */
  max?: number;
  /** How long to wait for a connection, in ms (0: no limit). */
  connectionTimeoutMillis?: number;
  idleTimeoutMillis?: number;
  application_name?: string;
  statement_timeout?: number;
  /** Any other pg.PoolConfig setting, passed through as given. */
  [setting: string]: unknown;
}

import type { PostgresHost } from "./host-options.js";
import type { TargetSessionAttrs } from "./postgres-uri.js";

export interface PostgresPoolOptions {
  /**
   * The servers to try, in order (`["db1:5432", "db2:5432"]` or `{ host, port }`),
   * instead of the URL's host list, as libpq's `host`/`port` keywords: a new
   * connection goes to the first that answers and has the session role asked
   * for (`targetSessionAttrs`), and the pool follows it after a failover.
   */
  hosts?: PostgresHost[];
  /**
   * The role a new connection's server must have, with libpq's meanings
   * (`"read-write"`/`"primary"` to reach the primary of an HA pair); replaces
   * the URL's `target_session_attrs`. Default: the URL's, else `"any"`.
   */
  targetSessionAttrs?: TargetSessionAttrs;
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
