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

/** Where each contract's API is imported from, for messages (the 0.1 entry is the package root). */
export const CONTRACT_ENTRIES: Record<ContractVersion, string> = {
  "0.1": `"kysely-workflow-persistence" (Prisma: "kysely-workflow-persistence/prisma")`,
  "0.12": `"kysely-workflow-persistence/v0.12" (Prisma: "kysely-workflow-persistence/prisma/v0.12")`,
  "1.0": `"kysely-workflow-persistence/v1" (Prisma: "kysely-workflow-persistence/prisma/v1")`,
};

/** How to migrate a database to `version`, on the command line and in code. */
export function migrateCommand(version: ContractVersion): string {
  return version === DEFAULT_CONTRACT_VERSION
    ? "`kwp migrate` (or `await migrateToLatest(db)`)"
    : `\`kwp migrate --target ${version}\` (or \`await migrateToLatest(db, { target: "${version}" })\`)`;
}

/**
 * The newest contract whose own migrations (those its chain adds to the one
 * before) are recorded as applied, or undefined when none is beyond 0.1's.
 */
export function heldContract(dialectFolder: string, appliedNames: readonly string[]): ContractVersion | undefined {
  const applied = new Set(appliedNames);
  for (let i = CONTRACT_VERSIONS.length - 1; i > 0; i--) {
    const before = new Set(contractChain(dialectFolder, CONTRACT_VERSIONS[i - 1]!).map((file) => file.name));
    const own = contractChain(dialectFolder, CONTRACT_VERSIONS[i]!).filter((file) => !before.has(file.name));
    if (own.some((file) => applied.has(file.name))) return CONTRACT_VERSIONS[i];
  }
  return undefined;
}

/**
 * A database whose recorded migrations belong to a later version than
 * `target` (e.g. upgraded to 1.0, now migrated without a target) is refused
 * by name rather than left to Kysely's "corrupted migrations" error. The
 * message names the contract the database holds (the newest one recorded,
 * not the first one past the target) and the exact call that is right.
 */
export function checkNotAhead(dialectFolder: string, target: ContractVersion, appliedNames: readonly string[]): void {
  const held = heldContract(dialectFolder, appliedNames);
  if (held === undefined || CONTRACT_VERSIONS.indexOf(held) <= CONTRACT_VERSIONS.indexOf(target)) return;
  const asked = target === DEFAULT_CONTRACT_VERSION ? `${target}, the default target` : target;
  throw new ConfigurationError(
    `This database holds the engine's ${held} contract; this migration asked for ${asked}, and contract versions only move up. ` +
      `Migrate it with ${migrateCommand(held)} (nothing to do if it is up to date), and use it through the ${held} entry, ${CONTRACT_ENTRIES[held]}.`,
  );
}
