import type { Kysely } from "kysely";
import { defineConfig } from "kysely-ctl";
import { openDatabase } from "./src/database/open-database.js";
import { createMigrator } from "./src/database/migrations/migrate.js";

// kysely-ctl (`npx kysely migrate:latest`, `migrate:list`, …) over the same plain
// SQL files and the same bookkeeping as migrateToLatest(). The database comes
// from DATABASE_URL (postgres://… or sqlite:path), defaulting to ./workflow.db.
// kysely-ctl runs the default chain only; the opt-in performance migrations and
// adoption notices are migrateToLatest()'s (and `kwp migrate`'s) job.
export default defineConfig({
  kysely: () => openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db"),
  migrations: {
    migrator: (db: Kysely<any>) => createMigrator(db),
  },
});
