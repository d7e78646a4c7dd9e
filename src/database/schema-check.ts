import { SchemaMismatchError } from "../errors.js";
import { contractOfTables } from "./database-contract.js";
import { CONTRACT_ENTRIES as ENTRY, CONTRACT_VERSIONS, migrateCommand, type ContractVersion } from "./migrations/contract-versions.js";
import type { QueryContext } from "./query-context.js";

/** What an object needs of the database it was made for. */
export interface SchemaExpectation {
  /** The engine contract its entry speaks; undefined: any migrated database (the AI-call ledger). */
  readonly contract?: ContractVersion;
  /** A table it needs beyond the contract's, and how to get it (the blob store's). */
  readonly table?: { readonly name: string; readonly fix: string };
}


/** Handles (and expectations) whose database was found right, so each is checked once. */
const checked = new WeakMap<object, Set<string>>();

/**
 * Checks, once per handle, that the database holds what `expectation` needs:
 * one read of the catalog (safe inside a caller's transaction). A database
 * found wrong is looked at again on the next call, so migrating it meanwhile
 * is enough.
 */
export async function checkSchema(ctx: QueryContext, expectation: SchemaExpectation): Promise<void> {
  const key = `${expectation.contract ?? "any"}/${expectation.table?.name ?? ""}`;
  if (checked.get(ctx.handle)?.has(key)) return;
  const tables = await ctx.dialect.listTables(ctx.db);
  const found = contractOfTables(tables);
  const wanted = expectation.contract;
  if (found === undefined) {
    throw new SchemaMismatchError(
      wanted ?? "a migrated database",
      "unmigrated",
      `The database has no workflow tables (it is not migrated): run ${migrateCommand(wanted ?? "0.1")} first.`,
    );
  }
  if (wanted !== undefined && found !== wanted) {
    throw new SchemaMismatchError(wanted, found, mismatch(wanted, found));
  }
  if (expectation.table && !tables.includes(expectation.table.name)) {
    throw new SchemaMismatchError(
      expectation.table.name,
      found,
      `The database has no ${expectation.table.name} table: ${expectation.table.fix}.`,
    );
  }
  let keys = checked.get(ctx.handle);
  if (!keys) checked.set(ctx.handle, (keys = new Set()));
  keys.add(key);
}

function mismatch(wanted: ContractVersion, found: ContractVersion): string {
  const holds = `This database holds the engine's ${found} schema, and this object speaks the ${wanted} contract`;
  if (CONTRACT_VERSIONS.indexOf(wanted) < CONTRACT_VERSIONS.indexOf(found)) {
    return `${holds}: import the same factory from ${ENTRY[found]} instead (contract versions only move up).`;
  }
  return `${holds}: upgrade the database with ${migrateCommand(wanted)}, which keeps every row, or use the ${found} entry, ${ENTRY[found]}.`;
}
