import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Database } from "../../src/database/database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue, type KyselyJobQueueOptions } from "../../src/queue/kysely-job-queue.js";
import type { AICallLogger, JobQueue, WorkflowPersistence } from "../../src/types.js";
import { createKyselyAICallLogger, type KyselyAICallLoggerOptions } from "../../src/ai-calls/kysely-ai-call-logger.js";
import { createTestDatabase, type TestDatabase } from "../support/test-databases.js";

/**
 * One way of reaching the database through this library. The conformance
 * suites run the same test bodies against every backend: the direct Kysely
 * implementation on each dialect today, the Prisma adapter later.
 */
export interface Backend {
  name: string;
  databaseType: DatabaseType;
  persistenceFor(db: Kysely<Database>): WorkflowPersistence;
  jobQueueFor(db: Kysely<Database>, options?: KyselyJobQueueOptions): JobQueue;
  aiCallLoggerFor(db: Kysely<Database>, options?: KyselyAICallLoggerOptions): AICallLogger;
}

const kysely = {
  persistenceFor: (db: Kysely<Database>) => createKyselyWorkflowPersistence(db),
  jobQueueFor: (db: Kysely<Database>, options?: KyselyJobQueueOptions) => createKyselyJobQueue(db, options),
  aiCallLoggerFor: (db: Kysely<Database>, options?: KyselyAICallLoggerOptions) => createKyselyAICallLogger(db, options),
};

export const BACKENDS: readonly Backend[] = [
  { name: "kysely/sqlite", databaseType: "sqlite", ...kysely },
  { name: "kysely/postgresql", databaseType: "postgresql", ...kysely },
];

export const TABLES = ["workflow_logs", "workflow_artifacts", "workflow_stages", "workflow_runs", "job_queue", "ai_calls"] as const;

export interface BackendFixture {
  readonly database: TestDatabase;
  readonly db: Kysely<Database>;
  readonly persistence: WorkflowPersistence;
  /** Rows per table, for "nothing was written" checks. */
  counts(): Promise<Record<string, number>>;
}

/**
 * Registers hooks that give the describe block a migrated database of its
 * own (made once) and empty tables before each test.
 */
export function useBackend(backend: Backend): BackendFixture {
  let database: TestDatabase | undefined;
  let db: Kysely<Database> | undefined;
  let persistence: WorkflowPersistence | undefined;

  beforeAll(async () => {
    database = await createTestDatabase[backend.databaseType]("conformance");
    db = database.open();
    await migrateToLatest(db);
    persistence = backend.persistenceFor(db);
  });
  afterAll(async () => {
    await database?.dispose();
  });
  beforeEach(async () => {
    for (const table of TABLES) await db!.deleteFrom(table).execute();
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
      return need(persistence);
    },
    async counts() {
      const counts: Record<string, number> = {};
      for (const table of TABLES) {
        const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(need(db));
        counts[table] = Number(rows[0]!.n);
      }
      return counts;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A minimal valid CreateRunInput. */
export function runInput(overrides: Record<string, unknown> = {}) {
  return { workflowId: "wf", workflowName: "Workflow", workflowType: "type-a", input: { n: 1 }, ...overrides };
}

/** A minimal valid CreateStageInput for `workflowRunId`. */
export function stageInput(workflowRunId: string, stageId: string, overrides: Record<string, unknown> = {}) {
  return { workflowRunId, stageId, stageName: `Stage ${stageId}`, stageNumber: 1, executionGroup: 1, ...overrides };
}
