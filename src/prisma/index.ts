/**
 * For Prisma applications on the engine's 0.1 contract: the engine's Prisma
 * classes and factories by the same names, running this library's query core
 * through the application's `PrismaClient` (or a transaction client). Prisma's
 * CLI keeps owning the schema.
 *
 * @example
 * ```ts
 * import { PrismaClient } from "@prisma/client";
 * import { createPrismaJobQueue, createPrismaWorkflowPersistence } from "kysely-workflow-persistence/prisma";
 *
 * const prisma = new PrismaClient();
 * const persistence = createPrismaWorkflowPersistence(prisma);
 * const jobQueue = createPrismaJobQueue(prisma, { workerId: "worker-1" });
 * ```
 *
 * @module kysely-workflow-persistence/prisma
 */

export {
  PrismaWorkflowPersistence,
  PrismaJobQueue,
  PrismaAICallLogger,
  createPrismaWorkflowPersistence,
  createPrismaJobQueue,
  createPrismaAICallLogger,
  type PrismaWorkflowPersistenceOptions,
  type PrismaJobQueueOptions,
  type PrismaAICallLoggerOptions,
} from "./prisma-implementations.js";
export { PrismaBlobStore, createPrismaBlobStore, type PrismaBlobStoreOptions } from "./prisma-blob-store.js";
export { createEnumHelper, type PrismaEnumHelper } from "./enum-helper.js";
export { createPrismaKysely, type PrismaAdapterOptions } from "./prisma-kysely.js";
export { createPrismaConsoleReadPort, type PrismaConsoleReadPortOptions } from "./prisma-console-read-port.js";
export type { PrismaClientLike, PrismaTransactionClientLike } from "./prisma-client-like.js";
export type { DatabaseType } from "../dialects/dialect-support.js";
