import { join } from "node:path";
import { ConfigurationError } from "../../errors.js";
import { readSqlMigrationFiles, type SqlMigrationFile } from "./sql-migration-file.js";

/**
 * The versions of the workflow engine's persistence contract this library
 * stores: 0.1 (the default, `migrations/<dialect>/*.sql`), 0.12 (those
 * files, then `contract-0.12/`, which upgrade the 0.1 tables and add the new
 * ones) and 1.0 (then `contract-1.0/`: the step ledger, definition versions,
 * the cost columns). One chain per version, in the same bookkeeping table: a
 * database moves up by migrating with a later target, never down.
 */
export type ContractVersion = "0.1" | "0.12" | "1.0";
export const CONTRACT_VERSIONS: readonly ContractVersion[] = ["0.1", "0.12", "1.0"];
export const DEFAULT_CONTRACT_VERSION: ContractVersion = "0.1";

/** The folders (below `migrations/<dialect>/`) each version adds to the chain of the one before. */
const ADDED_FOLDERS: Record<ContractVersion, string | undefined> = {
  "0.1": undefined,
  "0.12": "contract-0.12",
  "1.0": "contract-1.0",
};

export function checkContractVersion(target: unknown): ContractVersion {
  if (CONTRACT_VERSIONS.includes(target as ContractVersion)) return target as ContractVersion;
  throw new ConfigurationError(`target must be one of ${CONTRACT_VERSIONS.map((v) => `"${v}"`).join(", ")}, got ${JSON.stringify(target)}`);
}

/**
 * The migration files of `target`'s chain, in order, from a dialect's folder
 * (or from its `blob-store/` folder, whose 1.0 files move the blobs to the
 * engine's own table).
 */
export function contractChain(dialectFolder: string, target: ContractVersion): SqlMigrationFile[] {
  const files = readSqlMigrationFiles(dialectFolder);
  for (const version of CONTRACT_VERSIONS.slice(0, CONTRACT_VERSIONS.indexOf(target) + 1)) {
    const folder = ADDED_FOLDERS[version];
    if (folder) files.push(...readSqlMigrationFiles(join(dialectFolder, folder), `${folder}/`));
  }
  return files;
}

/**
 * A database whose recorded migrations belong to a later version than
 * `target` (e.g. upgraded to 0.12, now migrated without a target) is refused
 * by name rather than left to Kysely's "corrupted migrations" error.
 */
export function checkNotAhead(dialectFolder: string, target: ContractVersion, appliedNames: readonly string[]): void {
  const known = new Set(contractChain(dialectFolder, target).map((file) => file.name));
  for (const version of CONTRACT_VERSIONS.slice(CONTRACT_VERSIONS.indexOf(target) + 1)) {
    const later = contractChain(dialectFolder, version).filter((file) => !known.has(file.name));
    if (later.some((file) => appliedNames.includes(file.name))) {
      throw new ConfigurationError(
        `This database is at the engine's ${version} contract (migration ${later[0]!.name} is applied); ` +
          `migrate it with { target: "${version}" } (kwp migrate --target ${version}). Contract versions only move up.`,
      );
    }
  }
}
