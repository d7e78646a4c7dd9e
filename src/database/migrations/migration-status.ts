import type { Kysely } from "kysely";
import { join } from "node:path";
import type { DatabaseType } from "../../dialects/dialect-support.js";
import { resolveDatabaseType } from "../../dialects/detect-database-type.js";
import { dialectSupportOf, libraryView } from "../query-context.js";
import { readChecksums } from "./migration-checksums.js";
import { dialectMigrationsFolder, packagedMigrationsRoot } from "./migrations-folder.js";
import { MIGRATION_TABLE, OPTIONAL_MIGRATION_TABLE } from "./migrate.js";
import { PRISMA_MIGRATIONS_TABLE } from "./prisma-managed-schema.js";
import { readSqlMigrationFiles } from "./sql-migration-file.js";
import { checkContractVersion, contractChain, DEFAULT_CONTRACT_VERSION, type ContractVersion } from "./contract-versions.js";

export interface MigrationStatusEntry {
  /** `0001_init`, or `optional/0001_…` for an opt-in migration. */
  name: string;
  chain: "default" | "optional";
  /** When it was applied (or adopted); null while pending. */
  appliedAt: Date | null;
  /** The file changed after it was applied. */
  modified: boolean;
  /**
   * The database is managed by Prisma (`_prisma_migrations` exists): the
   * library records nothing there, so no migration shows as applied; `prisma
   * migrate status` is the authority.
   */
  managedByPrisma: boolean;
}

/** Every migration file for the database's dialect, applied or pending, in order. */
export async function getMigrationStatus(
  db: Kysely<any>,
  options: { databaseType?: DatabaseType; migrationsFolder?: string; schema?: string; target?: ContractVersion } = {},
): Promise<MigrationStatusEntry[]> {
  const databaseType = resolveDatabaseType(db, options.databaseType);
  const support = dialectSupportOf(db, databaseType, options.schema);
  db = libraryView(db, support);
  const tables = await support.listTables(db);
  const folder = dialectMigrationsFolder(databaseType, options.migrationsFolder ?? packagedMigrationsRoot());
  const checksums = await readChecksums(db, tables);
  const managedByPrisma = tables.includes(PRISMA_MIGRATIONS_TABLE);

  const chains = [
    { chain: "default" as const, table: MIGRATION_TABLE, files: contractChain(folder, checkContractVersion(options.target ?? DEFAULT_CONTRACT_VERSION)) },
    {
      chain: "optional" as const,
      table: OPTIONAL_MIGRATION_TABLE,
      files: readSqlMigrationFiles(join(folder, "optional"), "optional/"),
    },
  ];
  const entries: MigrationStatusEntry[] = [];
  for (const { chain, table, files } of chains) {
    const applied = new Map<string, string>();
    if (tables.includes(table)) {
      const rows = await db.selectFrom(table).select(["name", "timestamp"]).execute();
      for (const row of rows) applied.set(String(row.name), String(row.timestamp));
    }
    for (const file of files) {
      const timestamp = applied.get(file.name);
      const recorded = checksums.get(file.checksumKey);
      entries.push({
        name: chain === "optional" ? `optional/${file.name}` : file.name,
        chain,
        appliedAt: timestamp === undefined ? null : new Date(timestamp),
        modified: timestamp !== undefined && recorded !== undefined && recorded !== file.checksum,
        managedByPrisma,
      });
    }
  }
  return entries;
}
