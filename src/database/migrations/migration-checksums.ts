import type { Kysely } from "kysely";
import type { SqlMigrationFile } from "./sql-migration-file.js";

/**
 * Kysely's migration table records names only. This companion table records the
 * SHA-256 of each applied file, so that an applied migration edited afterwards is
 * detected instead of silently diverging between databases.
 */
export const MIGRATION_CHECKSUM_TABLE = "kysely_migration_checksum";

export async function ensureChecksumTable(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable(MIGRATION_CHECKSUM_TABLE)
    .ifNotExists()
    .addColumn("name", "varchar(255)", (col) => col.primaryKey())
    .addColumn("checksum", "varchar(64)", (col) => col.notNull())
    .execute();
}

export async function recordChecksum(db: Kysely<any>, file: SqlMigrationFile): Promise<void> {
  await ensureChecksumTable(db);
  await db
    .insertInto(MIGRATION_CHECKSUM_TABLE)
    .values({ name: file.checksumKey, checksum: file.checksum })
    .onConflict((oc) => oc.column("name").doUpdateSet({ checksum: file.checksum }))
    .execute();
}

/** Recorded checksums by checksum key; empty when nothing was ever recorded. */
export async function readChecksums(db: Kysely<any>, tables: readonly string[]): Promise<Map<string, string>> {
  if (!tables.includes(MIGRATION_CHECKSUM_TABLE)) return new Map();
  const rows = await db.selectFrom(MIGRATION_CHECKSUM_TABLE).select(["name", "checksum"]).execute();
  return new Map(rows.map((row) => [String(row.name), String(row.checksum)]));
}

/** Checksum keys of files whose content differs from what was recorded when applied. */
export function findModifiedMigrations(
  files: readonly SqlMigrationFile[],
  recorded: ReadonlyMap<string, string>,
): string[] {
  return files
    .filter((file) => recorded.has(file.checksumKey) && recorded.get(file.checksumKey) !== file.checksum)
    .map((file) => file.checksumKey);
}
