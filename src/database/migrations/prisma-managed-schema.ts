import { ConfigurationError, PartialSchemaError } from "../../errors.js";
import type { Kysely } from "kysely";
import type { DialectSupport } from "../../dialects/dialect-support.js";
import { checkExistingSchema } from "./expected-schema.js";
import type { SqlMigrationFile } from "./sql-migration-file.js";

/** Prisma's bookkeeping table: its presence means `prisma migrate` manages the schema. */
export const PRISMA_MIGRATIONS_TABLE = "_prisma_migrations";

/** The `@@index` line Prisma users can add to model JobQueue (a non-partial form of the claim index). */
export const PRISMA_CLAIM_INDEX_HINT = "@@index([status, priority(sort: Desc), createdAt])";

/** This library's own bookkeeping tables, which earlier versions created in Prisma-managed databases too. */
const OUR_BOOKKEEPING = /^kysely_migration/;

export const PRISMA_PERFORMANCE_REFUSAL =
  "This database is managed by Prisma (_prisma_migrations exists): the library writes nothing to its " +
  "schema, so performanceIndexes: true is refused. Write the performance indexes as a Prisma migration " +
  "instead (`kwp prisma-migration`, or writePrismaPerformanceMigration) and apply it with `prisma migrate deploy`.";

/**
 * On a database `prisma migrate` manages, migrating only checks: every table
 * of the default chain must exist (PartialSchemaError names what is missing)
 * with its columns and indexes (IncompatibleSchemaError). Nothing is created, not even the migrator's bookkeeping: Prisma
 * reports any table it does not know as drift, and its prompt then offers to
 * reset the schema, losing every row.
 */
export async function checkPrismaManagedSchema(
  db: Kysely<any>,
  support: DialectSupport,
  tables: readonly string[],
  defaultChain: readonly SqlMigrationFile[],
): Promise<{ adopted: string[]; notices: string[] }> {
  const databaseType = support.databaseType;
  const existing = new Set(tables);
  for (const [position, file] of defaultChain.entries()) {
    // A table a later file drops is not part of the end state.
    const droppedLater = new Set(defaultChain.slice(position + 1).flatMap((later) => later.droppedTables));
    const created = file.createdTables.filter((table) => !droppedLater.has(table));
    const missing = created.filter((table) => !existing.has(table));
    if (missing.length === 0) continue;
    const present = created.filter((table) => existing.has(table));
    if (position > 0 && present.length === 0) {
      // Complete up to an earlier contract version: the upgrade is Prisma's to apply.
      throw new ConfigurationError(
        `This Prisma-managed database is not at the target contract version yet (it lacks ${missing.join(", ")}). ` +
          "The library writes nothing to it: write the upgrade as a Prisma migration (`kwp prisma-migration --target …`) " +
          "and apply it with `prisma migrate deploy`.",
      );
    }
    throw new PartialSchemaError(file.name, present, missing);
  }
  // The whole chain's end state: a 0.12 database's tables are 0.1's, altered.
  await checkExistingSchema(db, support, defaultChain);
  const notices = [
    "This database is managed by Prisma (_prisma_migrations exists): its tables were checked and found " +
      "complete, and nothing was written. For the performance indexes" +
      (databaseType === "postgresql" ? " and the trigger that wakes idle workers" : "") +
      ", run `kwp prisma-migration` (it writes prisma/migrations/<timestamp>_kwp_performance) and " +
      "`prisma migrate deploy`.",
  ];
  const leftovers = tables.filter((table) => OUR_BOOKKEEPING.test(table));
  if (leftovers.length > 0) {
    notices.push(
      `Tables ${leftovers.join(", ")} were left by an earlier version of this library; Prisma reports them ` +
        "as drift. They hold only migration bookkeeping and may be dropped.",
    );
  }
  return { adopted: defaultChain.map((file) => file.name), notices };
}
