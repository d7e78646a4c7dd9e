import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { openDatabase } from "../../src/database/open-database.js";
import { dmlOnlyRole, grantDmlOnlyRole } from "../conformance/backends.js";
import { createPostgresDatabase } from "../support/test-databases.js";

// The conformance suite runs as this role too ("kysely/postgresql as a DML-only
// role"); this checks that the role really cannot change the schema, so that
// passing suite proves the library needs no DDL at run time.
describe("the DML-only PostgreSQL role", () => {
  it("can read and write rows but not create, alter or drop anything", async () => {
    const database = await createPostgresDatabase("least-privilege");
    try {
      const admin = database.open();
      await migrateToLatest(admin);
      await grantDmlOnlyRole(admin);
      const url = new URL(database.url);
      url.username = dmlOnlyRole();
      const role = openDatabase(url.toString());
      try {
        await expect(role.selectFrom("job_queue").selectAll().execute()).resolves.toEqual([]);
        await expect(sql`create table intruder (id int)`.execute(role)).rejects.toThrow(/permission denied/);
        await expect(sql`alter table job_queue add column x int`.execute(role)).rejects.toThrow(/must be owner/);
        await expect(sql`drop table job_queue`.execute(role)).rejects.toThrow(/must be owner/);
        await expect(sql`create index i on job_queue ("stageId")`.execute(role)).rejects.toThrow(/must be owner/);
      } finally {
        await role.destroy();
      }
    } finally {
      await database.dispose();
    }
  });
});
