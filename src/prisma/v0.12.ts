// kysely-workflow-persistence/prisma/v0.12: drop-in for the engine's 0.12
// Prisma module (same class and factory names), running the library's query
// core under the 0.12 contract through the application's PrismaClient.

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
export { createPrismaKysely, type PrismaAdapterOptions } from "./prisma-kysely.js";
export type { PrismaClientLike, PrismaTransactionClientLike } from "./prisma-client-like.js";
export type { DatabaseType } from "../dialects/dialect-support.js";
