import { createKyselyConsoleReadPort, type KyselyConsoleReadPort, type KyselyConsoleReadPortOptions } from "../console/kysely-console-read-port.js";
import { parseOptions, prismaConsoleOptions } from "../validation/factory-options.js";
import type { PrismaClientLike } from "./prisma-client-like.js";
import { createPrismaKysely, type PrismaAdapterOptions } from "./prisma-kysely.js";

export interface PrismaConsoleReadPortOptions extends PrismaAdapterOptions, Pick<KyselyConsoleReadPortOptions, "statementTimeoutMs" | "contract" | "now"> {
  /** The engine's option for a renamed enum type; only "Status" (this library's statements name it). */
  statusEnumName?: "Status";
}

/**
 * The console read port through a PrismaClient, on PostgreSQL or SQLite: the
 * engine's `createPrismaConsoleReadPort` by name, signature and options
 * (`statusEnumName`, `statementTimeoutMs`, `now`), the same reads as
 * createKyselyConsoleReadPort, sent through Prisma's raw API.
 * Given a root client, each PostgreSQL read runs in a short transaction with
 * its own statement timeout; given a transaction client (no `$transaction`,
 * e.g. inside the caller's row-level-security transaction), the reads run
 * in that transaction and leave its timeout alone, as the engine's reader does.
 *
 * @example
 * ```ts
 * import { createPrismaConsoleReadPort } from "kysely-workflow-persistence/prisma";
 *
 * const reader = createPrismaConsoleReadPort(prisma); // as the engine's reader: synchronous, the 1.0 schema
 * const health = await reader.getQueueHealth();
 * ```
 */
export function createPrismaConsoleReadPort(prisma: PrismaClientLike, options: PrismaConsoleReadPortOptions = {}): KyselyConsoleReadPort {
  parseOptions("createPrismaConsoleReadPort", prismaConsoleOptions, options);
  const { databaseType, transactionMaxWaitMs, transactionTimeoutMs, statusEnumName: _status, ...readOptions } = options;
  const db = createPrismaKysely(prisma, { databaseType, transactionMaxWaitMs, transactionTimeoutMs });
  const isTransactionClient = typeof (prisma as { $transaction?: unknown }).$transaction !== "function";
  return createKyselyConsoleReadPort(db, isTransactionClient ? { ...readOptions, statementTimeoutMs: 0 } : readOptions);
}
