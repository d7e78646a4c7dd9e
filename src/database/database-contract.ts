import type { ContractVersion } from "./migrations/contract-versions.js";
import type { QueryContext } from "./query-context.js";

/**
 * A table only a contract version (or a later one) has, newest first: the
 * contract a database holds is read from its tables rather than from
 * migration bookkeeping, so a database Prisma made (no kysely_* tables) is
 * recognised too.
 */
const MARKER_TABLES: ReadonlyArray<readonly [ContractVersion, string]> = [
  ["1.0", "workflow_steps"],
  ["0.12", "outbox_events"],
];

/** The contract whose tables `tables` holds; undefined when it holds no workflow tables (not migrated). */
export function contractOfTables(tables: readonly string[]): ContractVersion | undefined {
  if (!tables.includes("workflow_runs")) return undefined;
  return MARKER_TABLES.find(([, table]) => tables.includes(table))?.[0] ?? "0.1";
}

/** Which engine contract the database holds (0.1 for one without workflow tables). */
export async function contractOfDatabase(ctx: QueryContext): Promise<ContractVersion> {
  return contractOfTables(await ctx.dialect.listTables(ctx.db)) ?? "0.1";
}
