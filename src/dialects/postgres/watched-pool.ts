import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";
import type { FollowingPool } from "./following-pool.js";
import { namedStatements } from "./prepared-statements.js";
import { markedAsConnecting, sessionUnusable } from "./session-failures.js";

export interface WatchedPoolOptions {
  /** Run parameterised statements as named prepared statements (never through a transaction pooler). */
  prepare: boolean;
}

/**
 * The pool Kysely gets: every connection is watched, with or without named
 * prepared statements. A connection that failed in use (lost, or its server
 * found read-only after a failover) is not given back to the pool but closed,
 * and a pool that follows the primary moves on (following-pool.ts). Behind a
 * transaction pooler this matters as much as without one: the client's
 * connection to PgBouncer outlives the server behind it, so a PgBouncer whose
 * server was demoted keeps answering, read-only, until the session is dropped.
 */
export function watchedPool(pool: pg.Pool, options: WatchedPoolOptions): PostgresPool {
  const run = options.prepare ? namedStatements() : (client: pg.PoolClient, text: string, values: readonly unknown[]) => client.query(text, values as unknown[]);
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();

  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let broken: Error | undefined;
    return {
      async query(text: string, values: readonly unknown[]) {
        try {
          return await run(client, text, values);
        } catch (error) {
          if (sessionUnusable(error)) {
            broken = error as Error;
            (pool as Partial<FollowingPool>).sessionFailed?.(client);
          }
          throw error;
        }
      },
      release: () => {
        const error = broken;
        broken = undefined;
        if (error) wrapped.delete(client);
        client.release(error);
      },
    } as unknown as PostgresPoolClient;
  };

  return {
    async connect() {
      let client = await checkOut(pool);
      // Opened to a server another connection found gone or read-only since: closed, not used.
      while ((pool as Partial<FollowingPool>).retired?.(client)) {
        client.release(new Error("its endpoint failed since it was opened"));
        client = await checkOut(pool);
      }
      let wrapper = wrapped.get(client);
      if (!wrapper) {
        // A connection that dies while checked out (server restart, a killed
        // backend) also emits 'error' on the client; the running query rejects
        // with it already, and unhandled the event would crash the process.
        client.on("error", () => {});
        wrapper = wrap(client);
        wrapped.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

const checkOut = (pool: pg.Pool): Promise<pg.PoolClient> =>
  pool.connect().catch((error: unknown) => {
    throw markedAsConnecting(error);
  });
