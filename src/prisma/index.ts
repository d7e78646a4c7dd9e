// kysely-workflow-persistence/prisma: drop-in factories and classes for Prisma
// users, running the library's one query core through the application's
// PrismaClient (or a transaction client). The names are the engine's own.

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
export type { PrismaClientLike, PrismaTransactionClientLike } from "./prisma-client-like.js";
export type { DatabaseType } from "../dialects/dialect-support.js";
