import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";
import type { FollowingPool } from "./following-pool.js";
import { markedAsConnecting, sessionUnusable } from "./session-failures.js";

/** How many distinct statements get a server-side name; further ones run unnamed. */
const MAX_NAMED_STATEMENTS = 512;
/** "cached plan must not change result type": a table changed under a prepared statement. */
const FEATURE_NOT_SUPPORTED = "0A000";

/**
 * A pool whose clients run parameterised queries as named prepared
 * statements, so PostgreSQL parses and plans each distinct statement once per
 * connection instead of on every call (the library's claim statement spends
 * more time being planned than executed). Statements without parameters
 * (DDL, BEGIN/COMMIT) run as before.
 *
 * A statement prepared before a DDL change to its table (an application adding
 * a column) fails once with "cached plan must not change result type"; it is
 * then prepared again under a new name and retried.
 */
export function withPreparedStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  let generation = 0;
  const nameFor = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
      name = `kwp_${++generation}`;
      names.set(text, name);
    }
    return name;
  };
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();

  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    // A connection that failed in use (lost, or its server found read-only
    // after a failover) is not given back to the pool but closed, and a pool
    // that follows the primary moves on (following-pool.ts).
    let broken: Error | undefined;
    const watched = async <R>(query: () => Promise<R>): Promise<R> => {
      try {
        return await query();
      } catch (error) {
        if (sessionUnusable(error)) {
          broken = error as Error;
          (pool as Partial<FollowingPool>).sessionFailed?.(client);
        }
        throw error;
      }
    };
    return {
      query(text: string, values: readonly unknown[]) {
        return watched(async () => {
          const name = values.length > 0 ? nameFor(text) : undefined;
          if (name === undefined) return client.query(text, values as unknown[]);
          try {
            return await client.query({ name, text, values: values as unknown[] });
          } catch (error) {
            if ((error as { code?: string }).code !== FEATURE_NOT_SUPPORTED || names.get(text) !== name) throw error;
            names.delete(text);
            return client.query({ name: nameFor(text), text, values: values as unknown[] });
          }
        });
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
      const client = await pool.connect().catch((error: unknown) => {
        throw markedAsConnecting(error);
      });
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
