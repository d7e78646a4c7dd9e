import { sql, type Kysely } from "kysely";
import type { DialectSupport } from "../dialect-support.js";

export const sqliteSupport: DialectSupport = {
  databaseType: "sqlite",

  async listTables(db: Kysely<any>): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`
      select name from sqlite_master
      where type = 'table' and name not like 'sqlite\\_%' escape '\\'
      order by name`.execute(db);
    return rows.map((row) => row.name);
  },

  isTransientLockError(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === "string" && code.startsWith("SQLITE_BUSY");
  },

  runMigrationTransaction(db, work) {
    return db.connection().execute(async (connection) => {
      // IMMEDIATE takes the write lock up front: a second migrating process
      // waits on the busy timeout here instead of failing half-way through.
      await sql`begin immediate`.execute(connection);
      try {
        const { value, commit } = await work(connection);
        await sql.raw(commit ? "commit" : "rollback").execute(connection);
        return value;
      } catch (error) {
        await sql`rollback`.execute(connection).catch(() => {});
        throw error;
      }
    });
  },
};
