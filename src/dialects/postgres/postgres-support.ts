import { sql, type Kysely } from "kysely";
import type { DialectSupport } from "../dialect-support.js";

export const postgresSupport: DialectSupport = {
  databaseType: "postgresql",

  async listTables(db: Kysely<any>): Promise<string[]> {
    // current_schema() rather than 'public': an application may keep these tables
    // in its own schema through search_path.
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'
      order by table_name`.execute(db);
    return rows.map((row) => row.table_name);
  },

  isTransientLockError(): boolean {
    // Migrations take an advisory lock and claims use SKIP LOCKED: PostgreSQL
    // waits on locks instead of failing, so nothing here is worth a blind retry.
    return false;
  },

  async runMigrationTransaction(db, work) {
    return (await work(db)).value;
  },
};
