// kysely-workflow-persistence/prisma: drop-in factories for Prisma users, running
// the library's one query core through the application's PrismaClient.
import { Kysely } from "kysely";
import type { Database } from "../database/database.js";
import { registerDialectSupport } from "../database/dialect-overrides.js";
import type { DatabaseType } from "../dialects/dialect-support.js";
import { dialectSupportFor } from "../dialects/detect-database-type.js";
import { ConfigurationError } from "../errors.js";
import { createKyselyAICallLogger, type KyselyAICallLoggerOptions } from "../ai-calls/kysely-ai-call-logger.js";
import { createKyselyWorkflowPersistence } from "../persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue } from "../queue/kysely-job-queue.js";
import type { AICallLogger, JobQueue, WorkflowPersistence } from "../types.js";
import { prismaProvider, type PrismaClientLike } from "./prisma-client-like.js";
import { throughPrisma } from "./prisma-dialect-support.js";
import { PrismaDialect } from "./prisma-dialect.js";
import type { PrismaDriverOptions } from "./prisma-driver.js";

export type { PrismaClientLike, PrismaTransactionClientLike } from "./prisma-client-like.js";
export type { DatabaseType } from "../dialects/dialect-support.js";

export interface PrismaAdapterOptions extends PrismaDriverOptions {
  /** "postgresql" (the default when the client cannot tell) or "sqlite"; checked against the client. */
  databaseType?: DatabaseType;
}
export interface PrismaWorkflowPersistenceOptions extends PrismaAdapterOptions {
  /** See KyselyWorkflowPersistenceOptions.maxArtifactBytes. */
  maxArtifactBytes?: number;
}
export interface PrismaJobQueueOptions extends PrismaAdapterOptions {
  /** Default: host, pid and a random suffix. */
  workerId?: string;
}
export type PrismaAICallLoggerOptions = PrismaAdapterOptions & Omit<KyselyAICallLoggerOptions, "databaseType">;

const kyselyByClient = new WeakMap<object, Map<DatabaseType, Kysely<Database>>>();

/**
 * The Kysely instance the factories use for `prisma` (one per client and
 * database type), for applications that want typed queries of their own
 * through the same client.
 */
export function createPrismaKysely(prisma: PrismaClientLike, options: PrismaAdapterOptions = {}): Kysely<Database> {
  const databaseType = resolvePrismaDatabaseType(prisma, options.databaseType);
  let byType = kyselyByClient.get(prisma);
  if (!byType) kyselyByClient.set(prisma, (byType = new Map()));
  let db = byType.get(databaseType);
  if (!db) {
    db = new Kysely<Database>({ dialect: new PrismaDialect(prisma, databaseType, options) });
    registerDialectSupport(db, throughPrisma(dialectSupportFor(databaseType)));
    byType.set(databaseType, db);
  }
  return db;
}

export function createPrismaWorkflowPersistence(
  prisma: PrismaClientLike,
  options: PrismaWorkflowPersistenceOptions = {},
): WorkflowPersistence {
  return createKyselyWorkflowPersistence(createPrismaKysely(prisma, options), {
    ...(options.maxArtifactBytes !== undefined ? { maxArtifactBytes: options.maxArtifactBytes } : {}),
  });
}

/** `createPrismaJobQueue(prisma, "worker-1")`, the older string form, still works. */
export function createPrismaJobQueue(prisma: PrismaClientLike, options: PrismaJobQueueOptions | string = {}): JobQueue {
  const resolved = typeof options === "string" ? { workerId: options } : options;
  // LISTEN needs a connection of its own, which a PrismaClient does not lend: waitForJobs polls.
  return createKyselyJobQueue(createPrismaKysely(prisma, resolved), {
    ...(resolved.workerId !== undefined ? { workerId: resolved.workerId } : {}),
    listen: false,
  });
}

export function createPrismaAICallLogger(prisma: PrismaClientLike, options: PrismaAICallLoggerOptions = {}): AICallLogger {
  const { databaseType, transactionMaxWaitMs, transactionTimeoutMs, ...loggerOptions } = options;
  return createKyselyAICallLogger(createPrismaKysely(prisma, { databaseType, transactionMaxWaitMs, transactionTimeoutMs }), loggerOptions);
}

function resolvePrismaDatabaseType(prisma: PrismaClientLike, explicit: DatabaseType | undefined): DatabaseType {
  if (explicit !== undefined && explicit !== "postgresql" && explicit !== "sqlite") {
    throw new ConfigurationError(`databaseType must be "postgresql" or "sqlite", got ${JSON.stringify(explicit)}`);
  }
  const provider = prismaProvider(prisma);
  const detected: DatabaseType | undefined =
    provider === "postgresql" || provider === "postgres" ? "postgresql" : provider === "sqlite" ? "sqlite" : undefined;
  if (provider !== undefined && detected === undefined) {
    throw new ConfigurationError(`kysely-workflow-persistence supports PostgreSQL and SQLite; this PrismaClient is for ${provider}`);
  }
  if (explicit && detected && explicit !== detected) {
    throw new ConfigurationError(
      `databaseType "${explicit}" contradicts the PrismaClient, which was generated for ${detected}. ` +
        `Pass { databaseType: "${detected}" } (or leave it out: it is read from the client).`,
    );
  }
  return explicit ?? detected ?? "postgresql";
}
