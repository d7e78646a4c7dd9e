// Code written against the workflow engine's Prisma module (0.1), with only the
// import changed. Compiled by consumer-types.test.ts in a project that installs
// the built package, with skipLibCheck off and without @types/pg.
import {
  createEnumHelper,
  createPrismaAICallLogger,
  createPrismaJobQueue,
  createPrismaWorkflowPersistence,
  PrismaAICallLogger,
  PrismaJobQueue,
  PrismaWorkflowPersistence,
  type DatabaseType,
  type PrismaEnumHelper,
  type PrismaJobQueueOptions,
  type PrismaWorkflowPersistenceOptions,
} from "kysely-workflow-persistence/prisma";
import { createKyselyJobQueue, openDatabase, type JobQueue, type WorkflowPersistence } from "kysely-workflow-persistence";

// The shape of a generated Prisma 6 client and of its interactive-transaction client.
interface RawApi {
  $queryRawUnsafe<T = unknown>(query: string, ...values: any[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: any[]): Promise<number>;
}
interface AppPrismaClient extends RawApi {
  $connect(): Promise<void>;
  $transaction<P extends Promise<any>[]>(arg: [...P]): Promise<unknown[]>;
  $transaction<R>(fn: (tx: Omit<AppPrismaClient, "$connect" | "$transaction">) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
  workflowRun: { count(): Promise<number> };
}
declare const prisma: AppPrismaClient;

const databaseType: DatabaseType = "sqlite";
const persistenceOptions: PrismaWorkflowPersistenceOptions = { databaseType };
const queueOptions: PrismaJobQueueOptions = { databaseType, workerId: "worker-1" };

const persistence: WorkflowPersistence = createPrismaWorkflowPersistence(prisma, persistenceOptions);
const constructed = new PrismaWorkflowPersistence(prisma);
const isInstance: boolean = persistence instanceof PrismaWorkflowPersistence;
const queue: JobQueue = createPrismaJobQueue(prisma, queueOptions);
const queueInstance: PrismaJobQueue = new PrismaJobQueue(prisma, { workerId: "" });
const logger: PrismaAICallLogger = createPrismaAICallLogger(prisma);
const enums: PrismaEnumHelper = createEnumHelper(prisma);
const pending: unknown = enums.status("PENDING");

async function inAppTransaction(): Promise<string> {
  return prisma.$transaction(async (tx) => {
    const inTx = createPrismaWorkflowPersistence(tx);
    createPrismaJobQueue(tx, "worker-2");
    new PrismaAICallLogger(tx).logCall({
      topic: "t", callType: "text", modelKey: "m", modelId: "x/m", prompt: "p", response: "r",
      inputTokens: 1, outputTokens: 1, cost: 0, metadata: { temperature: undefined },
    });
    const run = await inTx.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: { ok: true } });
    await inTx.updateStage("stage-id", { status: "COMPLETED", artifacts: { report: "key" } });
    return run.id;
  });
}

const db = openDatabase("sqlite::memory:", { postgres: { max: 4, pool: { application_name: "app" } } });
createKyselyJobQueue(db, { listen: { connectionString: "postgres://localhost/db" } });

export { constructed, isInstance, queue, queueInstance, logger, pending, inAppTransaction };

// An application's own Kysely instance, with its own tables and plugins, goes
// to the factories and the migrator as it is: no cast.
import { CamelCasePlugin, Kysely, SqliteDialect } from "kysely";
import {
  createKyselyAICallLogger,
  createKyselyWorkflowPersistence,
  migrateToLatest,
  type Database,
} from "kysely-workflow-persistence";

interface AppDatabase {
  invoices: { id: string; amountCents: number };
}
declare const dialect: SqliteDialect;
const appDb = new Kysely<AppDatabase>({ dialect, plugins: [new CamelCasePlugin()] });
const combinedDb = new Kysely<AppDatabase & Database>({ dialect });
async function fromAppInstances(): Promise<void> {
  await migrateToLatest(appDb);
  createKyselyWorkflowPersistence(appDb);
  createKyselyJobQueue(appDb, { workerId: "app" });
  createKyselyAICallLogger(combinedDb);
  createKyselyWorkflowPersistence(combinedDb);
  await combinedDb.transaction().execute(async (trx) => {
    createKyselyJobQueue(trx);
  });
}
export { fromAppInstances };
