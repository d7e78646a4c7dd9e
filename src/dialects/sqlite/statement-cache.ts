import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase } from "kysely";

const MAX_CACHED_STATEMENTS = 256;

/**
 * Kysely's SQLite driver prepares every statement on every call; preparing
 * (parsing and planning) costs about as much as running a small statement.
 * This keeps the most recently used prepared statements by SQL text. Safe
 * because Kysely runs one statement at a time on the connection, and
 * better-sqlite3 statements are reusable once a run has finished.
 */
export function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        // Refresh its place in the LRU order.
        cache.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (cache.size >= MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement as unknown as ReturnType<SqliteDatabase["prepare"]>;
    },
  };
}
