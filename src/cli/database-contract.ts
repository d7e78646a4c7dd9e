import type { ContractVersion } from "../database/migrations/contract-versions.js";
import type { QueryContext } from "../database/query-context.js";

/**
 * Which engine contract a database holds, read from its tables rather than
 * from migration bookkeeping, so that a database Prisma made (no kysely_*
 * tables) is recognised too: the outbox table exists only from 0.12 on.
 */
export async function contractOfDatabase(ctx: QueryContext): Promise<ContractVersion> {
  const tables = await ctx.dialect.listTables(ctx.db);
  return tables.includes("outbox_events") ? "0.12" : "0.1";
}
