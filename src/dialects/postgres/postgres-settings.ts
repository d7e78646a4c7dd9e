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
