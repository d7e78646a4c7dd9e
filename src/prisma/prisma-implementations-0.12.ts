import type { Contract012Options } from "../contracts/contract-0.12.js";
import type { JobQueue } from "../interfaces/0.12/job-queue.js";
import type { WorkflowPersistence } from "../interfaces/0.12/workflow-persistence.js";
import { createKyselyWorkflowPersistence012 } from "../persistence/kysely-workflow-persistence-0.12.js";
import { createKyselyJobQueue012 } from "../queue/kysely-job-queue-0.12.js";
import type { PrismaClientLike } from "./prisma-client-like.js";
import {
  queueThroughPrisma,
  type PrismaAICallLoggerOptions,
  type PrismaJobQueueOptions,
  type PrismaWorkflowPersistenceOptions as PrismaWorkflowPersistence01Options,
} from "./prisma-implementations.js";
import { createPrismaKysely } from "./prisma-kysely.js";
import { parseOptions, prismaPersistence012Options } from "../validation/factory-options.js";

// The engine's 0.12 Prisma module, by the same names: each class runs the
// library's query core under the 0.12 contract through the application's
// PrismaClient (or a transaction client), as the 0.1 classes do.

export type { PrismaAICallLoggerOptions, PrismaJobQueueOptions };
/** The AI-call ledger did not change in 0.12: the same class and factory. */
export { PrismaAICallLogger, createPrismaAICallLogger } from "./prisma-implementations.js";
export interface PrismaWorkflowPersistenceOptions extends PrismaWorkflowPersistence01Options, Contract012Options {}

export interface PrismaWorkflowPersistence extends WorkflowPersistence {}
export class PrismaWorkflowPersistence {
  constructor(prisma: PrismaClientLike, options: PrismaWorkflowPersistenceOptions = {}) {
    parseOptions("PrismaWorkflowPersistence", prismaPersistence012Options, options);
    const { maxArtifactBytes, staleVersionError } = options;
    Object.assign(
      this,
      createKyselyWorkflowPersistence012(createPrismaKysely(prisma, options), {
        ...(maxArtifactBytes !== undefined ? { maxArtifactBytes } : {}),
        ...(staleVersionError !== undefined ? { staleVersionError } : {}),
      }),
    );
  }
}

export interface PrismaJobQueue extends JobQueue {}
export class PrismaJobQueue {
  /** `new PrismaJobQueue(prisma, "worker-1")`, the older string form, still works. */
  constructor(prisma: PrismaClientLike, options: PrismaJobQueueOptions | string = {}) {
    Object.assign(this, queueThroughPrisma(prisma, options, createKyselyJobQueue012));
  }
}

/** The engine's 0.12 factory: `new PrismaWorkflowPersistence(prisma, options)`.
 *
 * @example
 * ```ts
 * import { StaleVersionError } from "@bratsos/workflow-engine";
 * import { createPrismaWorkflowPersistence } from "kysely-workflow-persistence/prisma/v0.12";
 *
 * const persistence = createPrismaWorkflowPersistence(prisma, { staleVersionError: StaleVersionError });
 * ```
 */
export function createPrismaWorkflowPersistence(
  prisma: PrismaClientLike,
  options: PrismaWorkflowPersistenceOptions = {},
): PrismaWorkflowPersistence {
  return new PrismaWorkflowPersistence(prisma, options);
}

/** The engine's 0.12 factory: `new PrismaJobQueue(prisma, options)`; the older string form works too.
 *
 * @example
 * ```ts
 * const jobQueue = createPrismaJobQueue(prisma, { workerId: "worker-1" });
 * ```
 */
export function createPrismaJobQueue(prisma: PrismaClientLike, options: PrismaJobQueueOptions | string = {}): PrismaJobQueue {
  return new PrismaJobQueue(prisma, options);
}

