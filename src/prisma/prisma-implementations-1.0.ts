import { createKyselyAICallLogger10 } from "../ai-calls/kysely-ai-call-logger-1.0.js";
import { createKyselyBlobStore10 } from "../blobs/kysely-blob-store.js";
import type { AICallLogger } from "../interfaces/1.0/ai-call-logger.js";
import type { JobQueue } from "../interfaces/1.0/job-queue.js";
import type { StepLedger } from "../interfaces/1.0/step-ledger.js";
import type { JobQueueFairness } from "../interfaces/1.0/types.js";
import type { WorkflowPersistenceWithLegacy } from "../interfaces/1.0/workflow-persistence.js";
import { createKyselyWorkflowPersistence10, type KyselyWorkflowPersistence10Options } from "../persistence/kysely-workflow-persistence-1.0.js";
import { createKyselyJobQueue10 } from "../queue/kysely-job-queue-1.0.js";
import { createKyselyStepLedger } from "../steps/kysely-step-ledger.js";
import {
  parseOptions,
  prismaAdapterOptions,
  prismaBlobStoreOptions,
  prismaPersistence10Options,
  prismaQueue10Options,
} from "../validation/factory-options.js";
import type { PrismaBlobStoreOptions } from "./prisma-blob-store.js";
import type { PrismaClientLike } from "./prisma-client-like.js";
import { prismaAICallLogger, type PrismaAICallLoggerOptions, type PrismaJobQueueOptions as PrismaJobQueue012Options } from "./prisma-implementations.js";
import { createPrismaKysely, type PrismaAdapterOptions } from "./prisma-kysely.js";

// The engine's 1.0 Prisma module, by the same names (its createPrismaStepLedger
// and createPrismaBlobStore included): each class runs the library's query
// core under the 1.0 contract through the application's PrismaClient (or a
// transaction client), as the 0.1 and 0.12 classes do.

export type { PrismaAICallLoggerOptions, PrismaBlobStoreOptions };

export interface PrismaWorkflowPersistenceOptions
  extends PrismaAdapterOptions,
    Pick<KyselyWorkflowPersistence10Options, "maxArtifactBytes" | "staleVersionError" | "definitionVersioning" | "now"> {
  /** The engine's option for a renamed Status enum: only "Status" is supported (this library's statements name it). */
  statusEnumName?: "Status";
}

export interface PrismaJobQueueOptions extends PrismaJobQueue012Options {
  /** The per-group concurrency cap (see KyselyJobQueue10Options.fairness). */
  fairness?: JobQueueFairness;
}

export interface PrismaStepLedgerOptions extends PrismaAdapterOptions {}

export interface PrismaWorkflowPersistence extends WorkflowPersistenceWithLegacy {}
export class PrismaWorkflowPersistence {
  constructor(prisma: PrismaClientLike, options: PrismaWorkflowPersistenceOptions = {}) {
    parseOptions("PrismaWorkflowPersistence", prismaPersistence10Options, options);
    const { databaseType, transactionMaxWaitMs, transactionTimeoutMs, statusEnumName: _status, ...persistenceOptions } = options;
    Object.assign(
      this,
      createKyselyWorkflowPersistence10(createPrismaKysely(prisma, { databaseType, transactionMaxWaitMs, transactionTimeoutMs }), persistenceOptions),
    );
  }
}

export interface PrismaJobQueue extends JobQueue {}
export class PrismaJobQueue {
  /** `new PrismaJobQueue(prisma, "worker-1")`, the older string form, still works. */
  constructor(prisma: PrismaClientLike, options: PrismaJobQueueOptions | string = {}) {
    const resolved = typeof options === "string" ? { workerId: options } : options;
    parseOptions("PrismaJobQueue", prismaQueue10Options, resolved);
    const { databaseType, transactionMaxWaitMs, transactionTimeoutMs, workerId, fairness } = resolved;
    // LISTEN needs a connection of its own, which a PrismaClient does not lend: waitForJobs polls.
    const queue = createKyselyJobQueue10(createPrismaKysely(prisma, { databaseType, transactionMaxWaitMs, transactionTimeoutMs }), {
      ...(workerId !== undefined ? { workerId } : {}),
      ...(fairness !== undefined ? { fairness } : {}),
      listen: false,
    });
    // Copied onto the instance as the other classes are; workerId stays live (adoptWorkerId).
    const { workerId: _live, ...methods } = queue;
    Object.assign(this, methods);
    Object.defineProperty(this, "workerId", Object.getOwnPropertyDescriptor(queue, "workerId")!);
  }
}

export interface PrismaStepLedger extends StepLedger {}
/** The engine's 1.0 step ledger (`workflow_steps`) through a PrismaClient: `new PrismaStepLedger(prisma)`. */
export class PrismaStepLedger {
  /**
   * `databaseType` is read from the client when omitted (the engine asks for
   * `{ databaseType: "sqlite" }` on SQLite; both are the same statements here).
   */
  constructor(prisma: PrismaClientLike, options: PrismaStepLedgerOptions = {}) {
    parseOptions("PrismaStepLedger", prismaAdapterOptions, options);
    Object.assign(this, createKyselyStepLedger(createPrismaKysely(prisma, options)));
  }
}

export interface PrismaAICallLogger extends AICallLogger {}
export class PrismaAICallLogger {
  constructor(prisma: PrismaClientLike, options: PrismaAICallLoggerOptions = {}) {
    Object.assign(this, prismaAICallLogger(prisma, options, createKyselyAICallLogger10));
  }
}

export interface PrismaBlobStore extends ReturnType<typeof createKyselyBlobStore10> {}
/** The blob store in the engine's workflow_blobs table (its WorkflowBlob model) through a PrismaClient. */
export class PrismaBlobStore {
  constructor(prisma: PrismaClientLike, options: PrismaBlobStoreOptions = {}) {
    parseOptions("PrismaBlobStore", prismaBlobStoreOptions, options);
    const { maxBlobBytes, ...adapterOptions } = options;
    Object.assign(this, createKyselyBlobStore10(createPrismaKysely(prisma, adapterOptions), maxBlobBytes !== undefined ? { maxBlobBytes } : {}));
  }
}

/**
 * The engine's 1.0 factory: `new PrismaWorkflowPersistence(prisma, options)`.
 *
 * @example
 * ```ts
 * import { StaleVersionError } from "@bratsos/workflow-engine";
 * import { createPrismaWorkflowPersistence } from "kysely-workflow-persistence/prisma/v1";
 *
 * const persistence = createPrismaWorkflowPersistence(prisma, { staleVersionError: StaleVersionError, now: () => clock.now() });
 * ```
 */
export function createPrismaWorkflowPersistence(prisma: PrismaClientLike, options: PrismaWorkflowPersistenceOptions = {}): PrismaWorkflowPersistence {
  return new PrismaWorkflowPersistence(prisma, options);
}

/** The engine's 1.0 factory: `new PrismaJobQueue(prisma, options)`; the older string form works too.
 *
 * @example
 * ```ts
 * const jobQueue = createPrismaJobQueue(prisma, { fairness: { maxConcurrentPerGroup: 4 } });
 * ```
 */
export function createPrismaJobQueue(prisma: PrismaClientLike, options: PrismaJobQueueOptions | string = {}): PrismaJobQueue {
  return new PrismaJobQueue(prisma, options);
}

/** The engine's 1.0 factory: `new PrismaStepLedger(prisma, options)`.
 *
 * @example
 * ```ts
 * const stepLedger = createPrismaStepLedger(prisma); // createKernel({ …, stepLedger })
 * ```
 */
export function createPrismaStepLedger(prisma: PrismaClientLike, options: PrismaStepLedgerOptions = {}): PrismaStepLedger {
  return new PrismaStepLedger(prisma, options);
}

/** The engine's 1.0 factory: `new PrismaAICallLogger(prisma, options)`. */
export function createPrismaAICallLogger(prisma: PrismaClientLike, options: PrismaAICallLoggerOptions = {}): PrismaAICallLogger {
  return new PrismaAICallLogger(prisma, options);
}

/** The engine's 1.0 factory: `new PrismaBlobStore(prisma, options)`, in workflow_blobs. */
export function createPrismaBlobStore(prisma: PrismaClientLike, options: PrismaBlobStoreOptions = {}): PrismaBlobStore {
  return new PrismaBlobStore(prisma, options);
}
