import type { QueryContext } from "../query-context.js";
import { contractOfTables } from "../database-contract.js";
import { SchemaMismatchError } from "../../errors.js";
import { contractChain, type ContractVersion } from "./contract-versions.js";
import { checkExistingSchema } from "./expected-schema.js";
import { dialectMigrationsFolder } from "./migrations-folder.js";

/**
 * Before a maintenance command writes to an existing database: its workflow
 * tables must be this library's, in the shape its contract's migrations (or
 * Prisma's identical DDL) leave them. The same check `migrate` runs before it
 * adopts tables it did not create, so a database of tables that merely share
 * the names is refused as migrate refuses it. Returns the contract found.
 *
 * @throws SchemaMismatchError (found "unmigrated") when there are no workflow tables.
 * @throws IncompatibleSchemaError naming the first table and column that differ.
 */
export async function verifyWorkflowSchema(ctx: QueryContext): Promise<ContractVersion> {
  const contract = contractOfTables(await ctx.dialect.listTables(ctx.db));
  if (contract === undefined) {
    throw new SchemaMismatchError(
      "a migrated database",
      "unmigrated",
      "The database has no workflow tables (it is not migrated): run `kwp migrate` first; nothing was changed.",
    );
  }
  await checkExistingSchema(ctx.db, ctx.dialect, contractChain(dialectMigrationsFolder(ctx.dialect.databaseType), contract));
  return contract;
}
