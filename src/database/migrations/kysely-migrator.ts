import { createRequire } from "node:module";
import * as kysely from "kysely";
import type { Migrator as KyselyMigrator } from "kysely";

/**
 * Kysely's Migrator class. Up to kysely 0.28 the package root exports it;
 * 0.29 moved it to `kysely/migration` (and ships ESM only, which Node 20.19+
 * loads through require). The application's kysely is a peer dependency, so
 * either may be installed: the root is asked first.
 */
export const Migrator: typeof KyselyMigrator =
  (kysely as { Migrator?: typeof KyselyMigrator }).Migrator ??
  (createRequire(import.meta.url)("kysely/migration") as { Migrator: typeof KyselyMigrator }).Migrator;

export type Migrator = KyselyMigrator;
