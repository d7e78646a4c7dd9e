import { Kysely } from "kysely";
import type { Database } from "../database/database.js";
import type { Database012 } from "../contracts/tables-0.12.js";
import type { Database10 } from "../contracts/tables-1.0.js";
import { registerDialectSupport } from "../database/dialect-overrides.js";
import type { DatabaseType } from "../dialects/dialect-support.js";
import { dialectSupportFor } from "../dialects/detect-database-type.js";
import { ConfigurationError } from "../errors.js";
import { prismaProvider, type PrismaClientLike } from "./prisma-client-like.js";
import { throughPrisma } from "./prisma-dialect-support.js";
import { registerRetryPolicy, type RetryPolicy } from "../database/retry-policy.js";
import { PrismaDialect } from "./prisma-dialect.js";
import type { PrismaDriverOptions } from "./prisma-driver.js";

export interface PrismaAdapterOptions extends PrismaDriverOptions {
  /** "postgresql" (the default when the client cannot tell) or "sqlite"; checked against the client. */
  databaseType?: DatabaseType;
  /** Retry the calls that are safe to repeat, as openDatabase's `retry` (set per client: the last one given applies). */
  retry?: boolean | RetryPolicy;
}

const kyselyByClient = new WeakMap<object, Map<DatabaseType, Kysely<Database>>>();

/**
 * The Kysely instance the factories use for `prisma` (one per client and
 * database type), for applications that want typed queries of their own
 * through the same client.
 */
export function createPrismaKysely(prisma: PrismaClientLike, options: PrismaAdapterOptions = {}): Kysely<Database> {
  const raw = prisma as { $queryRawUnsafe?: unknown; $executeRawUnsafe?: unknown } | null;
  if (typeof raw !== "object" || raw === null || typeof raw.$queryRawUnsafe !== "function" || typeof raw.$executeRawUnsafe !== "function") {
    throw new ConfigurationError("the first argument must be a PrismaClient (or a transaction client): an object with $queryRawUnsafe and $executeRawUnsafe");
  }
  const databaseType = resolvePrismaDatabaseType(prisma, options.databaseType);
  let byType = kyselyByClient.get(prisma);
  if (!byType) kyselyByClient.set(prisma, (byType = new Map()));
  let db = byType.get(databaseType);
  if (!db) {
    db = new Kysely<Database>({ dialect: new PrismaDialect(prisma, databaseType, options) });
    registerDialectSupport(db, throughPrisma(dialectSupportFor(databaseType)));
    byType.set(databaseType, db);
  }
  registerRetryPolicy(db, options.retry);
  return db;
}

/** The Kysely instance the 0.12 Prisma factories use for `prisma`, typed with the 0.12 tables. */
export function createPrismaKysely012(prisma: PrismaClientLike, options?: PrismaAdapterOptions): Kysely<Database012> {
  return createPrismaKysely(prisma, options) as unknown as Kysely<Database012>;
}

/** The Kysely instance the 1.0 Prisma factories use for `prisma`, typed with the 1.0 tables. */
export function createPrismaKysely10(prisma: PrismaClientLike, options?: PrismaAdapterOptions): Kysely<Database10> {
  return createPrismaKysely(prisma, options) as unknown as Kysely<Database10>;
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
