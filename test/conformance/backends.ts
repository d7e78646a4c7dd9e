import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, expect, inject } from "vitest";
import type { Database } from "../../src/database/database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue, type KyselyJobQueueOptions } from "../../src/queue/kysely-job-queue.js";
import { createKyselyAICallLogger, type KyselyAICallLoggerOptions } from "../../src/ai-calls/kysely-ai-call-logger.js";
import { createPrismaAICallLogger, createPrismaBlobStore, createPrismaJobQueue, createPrismaWorkflowPersistence } from "../../src/prisma/index.js";
import { createKyselyBlobStore } from "../../src/blobs/kysely-blob-store.js";
import type { BlobStore } from "../../src/blobs/blob-store.js";
import type { AICallLogger } from "../../src/interfaces/ai-call-logger.js";
import type { JobQueue } from "../../src/interfaces/job-queue.js";
import type { WorkflowPersistence } from "../../src/interfaces/workflow-persistence.js";
import { createPrismaClient, type PrismaMajor } from "../support/prisma-clients.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createTestDatabase, type TestDatabase } from "../support/test-databases.js";
import { testRole } from "../support/test-roles.js";
import type { ContractVersion } from "../../src/database/migrations/contract-versions.js";
import { createKyselyWorkflowPersistence012 } from "../../src/persistence/kysely-workflow-persistence-0.12.js";
import { createKyselyJobQueue012 } from "../../src/queue/kysely-job-queue-0.12.js";
import * as prisma012 from "../../src/prisma/v0.12.js";
import * as prisma10 from "../../src/prisma/v1.js";
import * as v1 from "../../src/v1.js";
import type { StepLedger } from "../../src/interfaces/1.0/step-ledger.js";
import type { createKyselyStepLedger } from "../../src/steps/kysely-step-ledger.js";
import { createKyselyConsoleReadPort, type KyselyConsoleReadPortOptions } from "../../src/console/kysely-console-read-port.js";
import type { ConsoleReadPort } from "../../src/console/console-types.js";
import { createPrismaConsoleReadPort } from "../../src/prisma/prisma-console-read-port.js";

export interface QueueOptions {
  workerId?: string;
  listen?: KyselyJobQueueOptions["listen"];
  /** 1.0 queues only. */
  fairness?: { maxConcurrentPerGroup: number; groupBy?: string };
}

/** The library's three interfaces, reached one particular way. */
export interface BackendConnection {
  persistence: WorkflowPersistence;
  jobQueue(options?: QueueOptions): JobQueue;
  aiCallLogger(options?: Omit<KyselyAICallLoggerOptions, "databaseType">): AICallLogger;
  /** The blob store (its table comes from `migrateToLatest(db, { blobStore: true })`). */
  blobStore(options?: { maxBlobBytes?: number }): BlobStore;
  /** The step ledger (1.0). */
  stepLedger(): StepLedger;
  /** The console read port (any contract). */
  consoleReader(options?: ConsoleReaderOptions): ConsoleReadPort;
  close(): Promise<void>;
}

export type ConsoleReaderOptions = Pick<KyselyConsoleReadPortOptions, "statementTimeoutMs" | "contract" | "now">;

/**
 * One way of reaching the database through this library. The conformance
 * suites run the same test bodies against every backend: the direct Kysely
 * implementation and the Prisma adapter (a generated Prisma 6 client), each on
 * both dialects.
 */
export interface Backend {
  name: string;
  databaseType: DatabaseType;
  kind: "kysely" | "prisma";
  /** Connects with the factories of `contract` (the 0.1 entry's, or the v0.12 entry's). */
  connect(database: TestDatabase, db: Kysely<Database>, contract?: ContractVersion): Promise<BackendConnection>;
}

type Factories = {
  persistence: typeof createKyselyWorkflowPersistence;
  jobQueue: typeof createKyselyJobQueue;
  aiCallLogger: typeof createKyselyAICallLogger;
  blobStore: typeof createKyselyBlobStore;
  stepLedger: typeof createKyselyStepLedger;
};
const noStepLedger = () => {
  throw new Error("the step ledger is a 1.0 port");
};

/** The direct factories of each contract: same signatures, different contract. */
const KYSELY_FACTORIES = {
  "0.1": { persistence: createKyselyWorkflowPersistence, jobQueue: createKyselyJobQueue, aiCallLogger: createKyselyAICallLogger, blobStore: createKyselyBlobStore, stepLedger: noStepLedger },
  "0.12": { persistence: createKyselyWorkflowPersistence012, jobQueue: createKyselyJobQueue012, aiCallLogger: createKyselyAICallLogger, blobStore: createKyselyBlobStore, stepLedger: noStepLedger },
  "1.0": { persistence: v1.createKyselyWorkflowPersistence, jobQueue: v1.createKyselyJobQueue, aiCallLogger: v1.createKyselyAICallLogger, blobStore: v1.createKyselyBlobStore, stepLedger: v1.createKyselyStepLedger },
} as unknown as Record<ContractVersion, Factories>;

type PrismaFactories = {
  persistence: typeof createPrismaWorkflowPersistence;
  jobQueue: (prisma: any, options: any) => JobQueue;
  aiCallLogger: typeof createPrismaAICallLogger;
  blobStore: typeof createPrismaBlobStore;
  stepLedger: (prisma: any, options: any) => StepLedger;
};

const PRISMA_FACTORIES = {
  "0.1": { persistence: createPrismaWorkflowPersistence, jobQueue: createPrismaJobQueue, aiCallLogger: createPrismaAICallLogger, blobStore: createPrismaBlobStore, stepLedger: noStepLedger },
  "0.12": { persistence: prisma012.createPrismaWorkflowPersistence, jobQueue: prisma012.createPrismaJobQueue, aiCallLogger: createPrismaAICallLogger, blobStore: createPrismaBlobStore, stepLedger: noStepLedger },
  "1.0": { persistence: prisma10.createPrismaWorkflowPersistence, jobQueue: prisma10.createPrismaJobQueue, aiCallLogger: prisma10.createPrismaAICallLogger, blobStore: prisma10.createPrismaBlobStore, stepLedger: prisma10.createPrismaStepLedger },
} as unknown as Record<ContractVersion, PrismaFactories>;

/** The connection of the direct factories of `contract` on `db`. */
function kyselyConnection(db: Kysely<any>, contract: ContractVersion, close: () => Promise<void>): BackendConnection {
  const factories = KYSELY_FACTORIES[contract];
  return {
    persistence: factories.persistence(db),
    jobQueue: (options) => factories.jobQueue(db, options),
    aiCallLogger: (options) => factories.aiCallLogger(db, options),
    blobStore: (options) => factories.blobStore(db, options),
    stepLedger: () => factories.stepLedger(db),
    consoleReader: (options) => createKyselyConsoleReadPort(db, { contract, ...options }),
    close,
  };
}

const kyselyBackend = (databaseType: DatabaseType): Backend => ({
  name: `kysely/${databaseType}`,
  databaseType,
  kind: "kysely",
  async connect(_database, db, contract = "0.1") {
    return kyselyConnection(db, contract, async () => {});
  },
});

/** A PostgreSQL role that may only read and write rows: no DDL, no ownership (named per test run). */
export const dmlOnlyRole = () => testRole("kwp_dml_only");

/**
 * The direct implementation connected as a role with only SELECT, INSERT,
 * UPDATE and DELETE on the tables (the migrations ran as another role): the
 * library needs no DDL rights at run time. These grants are the deployment guide's.
 */
/** Creates the role (once per server) and grants it row access to the tables of `db`'s database. */
export async function grantDmlOnlyRole(db: Kysely<any>): Promise<void> {
  const role = sql.id(dmlOnlyRole());
  await sql`do $$ begin create role ${role} login; exception when duplicate_object or unique_violation then null; end $$`.execute(db);
  await sql`grant usage on schema public to ${role}`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema public to ${role}`.execute(db);
}

const leastPrivilegeBackend: Backend = {
  name: "kysely/postgresql as a DML-only role",
  databaseType: "postgresql",
  kind: "kysely",
  async connect(database, db, contract = "0.1") {
    await grantDmlOnlyRole(db);
    const url = new URL(database.url);
    url.username = dmlOnlyRole();
    url.password = "";
    const roleDb = openDatabase(url.toString());
    return kyselyConnection(roleDb, contract, () => roleDb.destroy());
  },
};

const prismaBackend = (databaseType: DatabaseType, major: PrismaMajor): Backend => ({
  name: `prisma${major}/${databaseType}`,
  databaseType,
  kind: "prisma",
  async connect(database, _db, contract = "0.1") {
    const prisma = await createPrismaClient(databaseType, database.url, { major });
    const factories = PRISMA_FACTORIES[contract];
    return {
      persistence: factories.persistence(prisma, { databaseType }),
      jobQueue: (options) =>
        factories.jobQueue(prisma, {
          databaseType,
          ...(options?.workerId !== undefined ? { workerId: options.workerId } : {}),
          ...(options?.fairness !== undefined ? { fairness: options.fairness } : {}),
        }),
      aiCallLogger: (options) => factories.aiCallLogger(prisma, { databaseType, ...options }),
      blobStore: (options) => factories.blobStore(prisma, { databaseType, ...options }),
      stepLedger: () => factories.stepLedger(prisma, { databaseType }),
      consoleReader: (options) => createPrismaConsoleReadPort(prisma, { databaseType, contract, ...options }),
      close: () => prisma.$disconnect(),
    };
  },
});

/** The test database reached through PgBouncer in transaction mode, as `?pgbouncer=true` marks it. */
export function throughPgBouncer(database: TestDatabase): string {
  const url = new URL(inject("pgbouncerUrl"));
  url.pathname = new URL(database.url).pathname;
  url.searchParams.set("pgbouncer", "true");
  return url.toString();
}

/**
 * The direct implementation behind a transaction pooler (global-setup starts
 * PgBouncer with fewer server connections than clients): no named prepared
 * statements, and LISTEN on the direct URL (Prisma's `directUrl`).
 */
const pgBouncerBackend: Backend = {
  name: "kysely/postgresql through PgBouncer (transaction mode)",
  databaseType: "postgresql",
  kind: "kysely",
  async connect(database, _db, contract = "0.1") {
    const pooled = openDatabase(throughPgBouncer(database), { postgres: { directUrl: database.url } });
    return kyselyConnection(pooled, contract, () => pooled.destroy());
  },
};

export const BACKENDS: readonly Backend[] = [
  kyselyBackend("sqlite"),
  kyselyBackend("postgresql"),
  prismaBackend("sqlite", 6),
  prismaBackend("postgresql", 6),
  prismaBackend("sqlite", 7),
  prismaBackend("postgresql", 7),
  leastPrivilegeBackend,
  ...(inject("pgbouncerUrl") ? [pgBouncerBackend] : []),
];

/**
 * Volume tests (100,000 rows, 10 MB values) run on one direct and one Prisma
 * backend per dialect: the others share their SQL (Prisma 7, the DML-only
 * role) or only change how connections are reached (PgBouncer), which the
 * ordinary tests cover on every backend.
 */
export const isVolumeBackend = (backend: Backend) =>
  ["kysely/sqlite", "kysely/postgresql", "prisma6/sqlite", "prisma6/postgresql"].includes(backend.name);

/** Suites that exercise the direct connection itself (processes, pools) run on these only. */
export const KYSELY_BACKENDS = [kyselyBackend("sqlite"), kyselyBackend("postgresql")];

/** The tables the 0.12 contract adds. */
export const TABLES_0_12 = ["workflow_annotations", "outbox_events", "idempotency_keys"] as const;
/** The tables of each contract beyond 0.1's (steps first: they reference stages). */
const CONTRACT_TABLES: Record<ContractVersion, readonly string[]> = {
  "0.1": [],
  "0.12": TABLES_0_12,
  "1.0": ["workflow_steps", "workflow_definitions", ...TABLES_0_12],
};
/** The blob store's table in each contract. */
const BLOB_TABLE: Record<ContractVersion, string> = { "0.1": "kwp_blobs", "0.12": "kwp_blobs", "1.0": "workflow_blobs" };

export const TABLES = ["workflow_logs", "workflow_artifacts", "workflow_stages", "workflow_runs", "job_queue", "ai_calls"] as const;

export interface BackendFixture {
  readonly database: TestDatabase;
  /** A direct Kysely connection to the same database, for setup and checks. */
  readonly db: Kysely<Database>;
  readonly persistence: WorkflowPersistence;
  jobQueue(options?: QueueOptions): JobQueue;
  aiCallLogger(options?: Omit<KyselyAICallLoggerOptions, "databaseType">): AICallLogger;
  blobStore(options?: { maxBlobBytes?: number }): BlobStore;
  /** The step ledger (1.0 backends). */
  stepLedger(): StepLedger;
  /** The console read port on this backend. */
  consoleReader(options?: ConsoleReaderOptions): ConsoleReadPort;
  /** Rows per table, for "nothing was written" checks. */
  counts(): Promise<Record<string, number>>;
}

/**
 * Registers hooks that give the describe block a migrated database of its
 * own (made once) and empty tables before each test.
 */
export function useBackend(backend: Backend, contract: ContractVersion = "0.1", extras: { blobStore?: boolean; traceContext?: boolean } = {}): BackendFixture {
  let database: TestDatabase | undefined;
  let db: Kysely<Database> | undefined;
  let connection: BackendConnection | undefined;

  beforeAll(async () => {
    database = await createTestDatabase[backend.databaseType]("conformance");
    db = database.open();
    await migrateToLatest(db, { target: contract, ...(extras.blobStore ? { blobStore: true } : {}), ...(extras.traceContext ? { traceContext: true } : {}) });
    connection = await backend.connect(database, db, contract);
  });
  afterAll(async () => {
    await connection?.close();
    await database?.dispose();
  });
  beforeEach(async () => {
    const extra = [...CONTRACT_TABLES[contract], ...(extras.blobStore ? [BLOB_TABLE[contract]] : [])];
    for (const table of [...extra, ...TABLES]) await db!.deleteFrom(table as (typeof TABLES)[number]).execute();
  });

  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("backend fixture used outside its describe block");
    return value;
  };
  return {
    get database() {
      return need(database);
    },
    get db() {
      return need(db);
    },
    get persistence() {
      return need(connection).persistence;
    },
    jobQueue: (options) => need(connection).jobQueue(options),
    aiCallLogger: (options) => need(connection).aiCallLogger(options),
    blobStore: (options) => need(connection).blobStore(options),
    stepLedger: () => need(connection).stepLedger(),
    consoleReader: (options) => need(connection).consoleReader(options),
    async counts() {
      const counts: Record<string, number> = {};
      for (const table of [...TABLES, ...CONTRACT_TABLES[contract]]) {
        const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(need(db));
        counts[table] = Number(rows[0]!.n);
      }
      return counts;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `date` was stamped "now" during the call that started at `before`: between
 * `before` and this check, give or take a second of skew between the
 * database's clock and this process's (one machine). However slow the call
 * was, the window is the call itself, never a fixed number of seconds.
 */
export function expectStampedSince(date: Date, before: number): void {
  const after = Date.now();
  expect(date.getTime()).toBeGreaterThanOrEqual(before - 1_000);
  expect(date.getTime()).toBeLessThanOrEqual(after + 1_000);
}

/**
 * Moves a timestamp column of one row `ms` into the past, so a test about
 * age (stale leases, runaway claims) needs no clock to pass: it ages the row
 * instead of sleeping, and passes the same on a loaded machine.
 */
export function ageRow(db: Kysely<any>, databaseType: DatabaseType, table: string, column: string, id: string, ms: number) {
  return databaseType === "postgresql"
    ? sql`update ${sql.table(table)} set ${sql.ref(column)} = ${sql.ref(column)} - make_interval(secs => ${ms / 1000}) where id = ${id}`.execute(db)
    : sql`update ${sql.table(table)} set ${sql.ref(column)} = strftime('%Y-%m-%dT%H:%M:%f+00:00', ${sql.ref(column)}, ${`-${ms / 1000} seconds`}) where id = ${id}`.execute(db);
}

/** A minimal valid CreateRunInput. */
export function runInput(overrides: Record<string, unknown> = {}) {
  return { workflowId: "wf", workflowName: "Workflow", workflowType: "type-a", input: { n: 1 }, ...overrides };
}

/** A minimal valid CreateStageInput for `workflowRunId`. */
export function stageInput(workflowRunId: string, stageId: string, overrides: Record<string, unknown> = {}) {
  return { workflowRunId, stageId, stageName: `Stage ${stageId}`, stageNumber: 1, executionGroup: 1, ...overrides };
}
