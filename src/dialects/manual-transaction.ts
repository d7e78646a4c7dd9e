import { sql, type Kysely, type RawBuilder } from "kysely";

/**
 * A transaction opened by hand on one connection: `begin` (then each of
 * `first`), `work`, then COMMIT, or ROLLBACK when `work` throws or asks for
 * it. For what Kysely's own transaction() cannot do: SQLite's BEGIN
 * IMMEDIATE, and a migration run whose migrator itself needs `connection()`
 * (which Kysely refuses on a Transaction).
 */
export function manualTransaction<T>(
  db: Kysely<any>,
  begin: RawBuilder<unknown>,
  first: ReadonlyArray<RawBuilder<unknown>>,
  work: (connection: Kysely<any>) => Promise<{ value: T; commit: boolean }>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    await begin.execute(connection);
    try {
      for (const statement of first) await statement.execute(connection);
      const { value, commit } = await work(connection);
      await sql.raw(commit ? "commit" : "rollback").execute(connection);
      return value;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}
