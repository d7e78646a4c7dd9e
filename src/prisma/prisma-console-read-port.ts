import { createKyselyConsoleReadPort, type KyselyConsoleReadPort, type KyselyConsoleReadPortOptions } from "../console/kysely-console-read-port.js";
import { parseOptions, prismaConsoleOptions } from "../validation/factory-options.js";
import type { PrismaClientLike } from "./prisma-client-like.js";
import { createPrismaKysely, type PrismaAdapterOptions } from "./prisma-kysely.js";

export interface PrismaConsoleReadPortOptions extends PrismaAdapterOptions, Pick<KyselyConsoleReadPortOptions, "statementTimeoutMs" | "contract"> {}

/**
 * The console read port through a PrismaClient, on PostgreSQL or SQLite: the
 * same reads as createKyselyConsoleReadPort, sent through Prisma's raw API.
 * Given a root client, each PostgreSQL read runs in a short transaction with
 * its own statement timeout; given a transaction client (no `$transaction`,
 * e.g. inside the caller's row-level-security transaction), the reads run
 * in that transaction and leave its timeout alone, as the engine's reader does.
 *
 * @example
 * ```ts
 * import { createPrismaConsoleReadPort } from "kysely-workflow-persistence/prisma";
 *
 * const reader = await createPrismaConsoleReadPort(prisma);
 * const health = await reader.getQueueHealth();
 * ```
 */
export function createPrismaConsoleReadPort(prisma: PrismaClientLike, options: PrismaConsoleReadPortOptions = {}): Promise<KyselyConsoleReadPort> {
  parseOptions("createPrismaConsoleReadPort", prismaConsoleOptions, options);
  const { databaseType, transactionMaxWaitMs, transactionTimeoutMs, ...readOptions } = options;
  const db = createPrismaKysely(prisma, { databaseType, transactionMaxWaitMs, transactionTimeoutMs });
  const isTransactionClient = typeof (prisma as { $transaction?: unknown }).$transaction !== "function";
  return createKyselyConsoleReadPort(db, isTransactionClient ? { ...readOptions, statementTimeoutMs: 0 } : readOptions);
}
