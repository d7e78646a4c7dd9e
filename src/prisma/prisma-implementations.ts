import { createKyselyAICallLogger, type KyselyAICallLoggerOptions } from "../ai-calls/kysely-ai-call-logger.js";
import { createKyselyWorkflowPersistence } from "../persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue, type KyselyJobQueueOptions } from "../queue/kysely-job-queue.js";
import type { Kysely } from "kysely";
import type { AICallLogger } from "../interfaces/ai-call-logger.js";
import type { JobQueue } from "../interfaces/job-queue.js";
import type { WorkflowPersistence } from "../interfaces/workflow-persistence.js";
import type { PrismaClientLike } from "./prisma-client-like.js";
import { createPrismaKysely, type PrismaAdapterOptions } from "./prisma-kysely.js";
import { parseOptions, prismaLoggerOptions, prismaPersistenceOptions, prismaQueueOptions } from "../validation/factory-options.js";

// The engine's Prisma module exports these classes and factories; code written
// against it compiles with only the import changed. Each class is the library's
// one query core run through the client (its methods are the core's, copied
// onto the instance), so `new`, `instanceof` and the factories all work.

export interface PrismaWorkflowPersistenceOptions extends PrismaAdapterOptions {
  /** See KyselyWorkflowPersistenceOptions.maxArtifactBytes. */
  maxArtifactBytes?: number;
}
export interface PrismaJobQueueOptions extends PrismaAdapterOptions {
  /** Default (also for ""): host, pid and a random suffix. */
  workerId?: string;
}
export type PrismaAICallLoggerOptions = PrismaAdapterOptions & Omit<KyselyAICallLoggerOptions, "databaseType">;

export interface PrismaWorkflowPersistence extends WorkflowPersistence {}
export class PrismaWorkflowPersistence {
  constructor(prisma: PrismaClientLike, options: PrismaWorkflowPersistenceOptions = {}) {
    parseOptions("PrismaWorkflowPersistence", prismaPersistenceOptions, options);
    const { maxArtifactBytes } = options;
    Object.assign(
      this,
      createKyselyWorkflowPersistence(createPrismaKysely(prisma, options), maxArtifactBytes !== undefined ? { maxArtifactBytes } : {}),
    );
  }
}

export interface PrismaJobQueue extends JobQueue {}
export class PrismaJobQueue {
  /** `new PrismaJobQueue(prisma, "worker-1")`, the older string form, still works. */
  constructor(prisma: PrismaClientLike, options: PrismaJobQueueOptions | string = {}) {
    Object.assign(this, queueThroughPrisma(prisma, options, createKyselyJobQueue));
  }
}

/**
 * A queue made by `create` (either contract's factory) on the client. LISTEN
 * needs a connection of its own, which a PrismaClient does not lend:
 * waitForJobs polls.
 */
export function queueThroughPrisma<Q>(
  prisma: PrismaClientLike,
  options: PrismaJobQueueOptions | string,
  create: (db: Kysely<any>, options: KyselyJobQueueOptions) => Q,
): Q {
  const resolved = typeof options === "string" ? { workerId: options } : options;
  parseOptions("PrismaJobQueue", prismaQueueOptions, resolved);
  return create(createPrismaKysely(prisma, resolved), {
    ...(resolved.workerId !== undefined ? { workerId: resolved.workerId } : {}),
    listen: false,
  });
}

/** An AI-call logger of either contract through `prisma`: the options checked, the adapter's split from the logger's. */
export function prismaAICallLogger<L>(
  prisma: PrismaClientLike,
  options: PrismaAICallLoggerOptions,
  create: (db: ReturnType<typeof createPrismaKysely>, options: Omit<PrismaAICallLoggerOptions, "databaseType" | "transactionMaxWaitMs" | "transactionTimeoutMs">) => L,
): L {
  parseOptions("PrismaAICallLogger", prismaLoggerOptions, options);
  const { databaseType, transactionMaxWaitMs, transactionTimeoutMs, ...loggerOptions } = options;
  return create(createPrismaKysely(prisma, { databaseType, transactionMaxWaitMs, transactionTimeoutMs }), loggerOptions);
}

export interface PrismaAICallLogger extends AICallLogger {}
export class PrismaAICallLogger {
  constructor(prisma: PrismaClientLike, options: PrismaAICallLoggerOptions = {}) {
    Object.assign(this, prismaAICallLogger(prisma, options, createKyselyAICallLogger));
  }
}

/** The engine's factory: `new PrismaWorkflowPersistence(prisma, options)`.
 *
 * @example
 * ```ts
 * import { createPrismaWorkflowPersistence } from "kysely-workflow-persistence/prisma";
 *
 * const persistence = createPrismaWorkflowPersistence(prisma); // databaseType is read from the client
 * ```
 */
export function createPrismaWorkflowPersistence(
  prisma: PrismaClientLike,
  options: PrismaWorkflowPersistenceOptions = {},
): PrismaWorkflowPersistence {
  return new PrismaWorkflowPersistence(prisma, options);
}

/** `createPrismaJobQueue(prisma, "worker-1")`, the older string form, still works.
 *
 * @example
 * ```ts
 * const jobQueue = createPrismaJobQueue(prisma, { workerId: "worker-1" }); // or createPrismaJobQueue(prisma, "worker-1")
 * ```
 */
export function createPrismaJobQueue(prisma: PrismaClientLike, options: PrismaJobQueueOptions | string = {}): PrismaJobQueue {
  return new PrismaJobQueue(prisma, options);
}

/** The engine's factory: `new PrismaAICallLogger(prisma, options)`.
 *
 * @example
 * ```ts
 * const aiCalls = createPrismaAICallLogger(prisma);
 * ```
 */
export function createPrismaAICallLogger(prisma: PrismaClientLike, options: PrismaAICallLoggerOptions = {}): PrismaAICallLogger {
  return new PrismaAICallLogger(prisma, options);
}
