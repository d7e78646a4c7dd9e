/**
 * For Prisma applications on the engine's 0.12 contract: a drop-in for the
 * engine's 0.12 Prisma module (same class and factory names), running this
 * library's query core through the application's `PrismaClient`.
 *
 * @example
 * ```ts
 * import { PrismaClient } from "@prisma/client";
 * import { StaleVersionError } from "@bratsos/workflow-engine";
 * import { createPrismaWorkflowPersistence } from "kysely-workflow-persistence/prisma/v0.12";
 *
 * const persistence = createPrismaWorkflowPersistence(new PrismaClient(), { staleVersionError: StaleVersionError });
 * ```
 *
 * @module kysely-workflow-persistence/prisma/v0.12
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
} from "./prisma-implementations-0.12.js";
export { StaleVersionError, type StaleVersionErrorClass } from "../contracts/stale-version-error.js";
export { PrismaBlobStore, createPrismaBlobStore, type PrismaBlobStoreOptions } from "./prisma-blob-store.js";
export { createEnumHelper, type PrismaEnumHelper } from "./enum-helper.js";
export { createPrismaKysely012 as createPrismaKysely, type PrismaAdapterOptions } from "./prisma-kysely.js";
export type { PrismaClientLike, PrismaTransactionClientLike } from "./prisma-client-like.js";
export type { DatabaseType } from "../dialects/dialect-support.js";
