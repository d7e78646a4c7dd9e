/**
 * For Prisma applications on the engine's 1.0 contract: a drop-in for the
 * engine's 1.0 Prisma module (same class and factory names, the step ledger
 * and blob store included), running this library's query core through the
 * application's `PrismaClient`.
 *
 * @example
 * ```ts
 * import { PrismaClient } from "@prisma/client";
 * import { createPrismaJobQueue, createPrismaStepLedger, createPrismaWorkflowPersistence } from "kysely-workflow-persistence/prisma/v1";
 *
 * const prisma = new PrismaClient();
 * const persistence = createPrismaWorkflowPersistence(prisma);
 * const jobTransport = createPrismaJobQueue(prisma);
 * const stepLedger = createPrismaStepLedger(prisma);
 * ```
 *
 * @module kysely-workflow-persistence/prisma/v1
 */

export {
  PrismaWorkflowPersistence,
  PrismaJobQueue,
  PrismaStepLedger,
  PrismaAICallLogger,
  PrismaBlobStore,
  createPrismaWorkflowPersistence,
  createPrismaJobQueue,
  createPrismaStepLedger,
  createPrismaAICallLogger,
  createPrismaBlobStore,
  type PrismaWorkflowPersistenceOptions,
  type PrismaJobQueueOptions,
  type PrismaStepLedgerOptions,
  type PrismaAICallLoggerOptions,
  type PrismaBlobStoreOptions,
} from "./prisma-implementations-1.0.js";
export { StaleVersionError, type StaleVersionErrorClass } from "../contracts/stale-version-error.js";
export { LEASE_ABSOLUTE_CAP, LEASE_HEARTBEAT_LOST } from "../contracts/lease-tiers.js";
export { createEnumHelper, type PrismaEnumHelper } from "./enum-helper.js";
export { createPrismaKysely10 as createPrismaKysely, type PrismaAdapterOptions } from "./prisma-kysely.js";
export type { PrismaClientLike, PrismaTransactionClientLike } from "./prisma-client-like.js";
export type { DatabaseType } from "../dialects/dialect-support.js";
