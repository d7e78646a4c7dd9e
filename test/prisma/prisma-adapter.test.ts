import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { createKyselyAICallLogger } from "../../src/ai-calls/kysely-ai-call-logger.js";
import {
  createPrismaAICallLogger,
  createPrismaJobQueue,
  createPrismaKysely,
  createPrismaWorkflowPersistence,
  createEnumHelper,
  PrismaAICallLogger,
  PrismaJobQueue,
  PrismaWorkflowPersistence,
} from "../../src/prisma/index.js";
import { createPrismaClient, PRISMA_MAJORS, type PrismaMajor } from "../support/prisma-clients.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";

async function withPrisma(
  databaseType: (typeof DATABASE_TYPES)[number],
  major: PrismaMajor,
  work: (prisma: any, database: TestDatabase) => Promise<void>,
) {
  const database = await createTestDatabase[databaseType]("prisma");
  const db = database.open();
  await migrateToLatest(db, { performanceIndexes: false });
  const prisma = await createPrismaClient(databaseType, database.url, { major });
  try {
    await work(prisma, database);
  } finally {
    await prisma.$disconnect();
    await database.dispose();
  }
}

const MATRIX = DATABASE_TYPES.flatMap((databaseType) => PRISMA_MAJORS.map((major) => [databaseType, major] as const));

describe.each(MATRIX)("the Prisma adapter on %s with Prisma %s", (databaseType, major) => {
  it("reads the client's provider: no databaseType needed, a contradicting one refused", async () => {
    await withPrisma(databaseType, major, async (prisma) => {
      const other = databaseType === "postgresql" ? "sqlite" : "postgresql";
      expect(() => createPrismaWorkflowPersistence(prisma, { databaseType: other })).toThrow(ConfigurationError);
      expect(() => createPrismaJobQueue(prisma, { databaseType: other })).toThrow(/contradicts the PrismaClient/);
      const persistence = createPrismaWorkflowPersistence(prisma);
      const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: { ok: true } });
      expect((await persistence.getRun(run.id))?.input).toEqual({ ok: true });
      // The old string form names the worker.
      expect(createPrismaJobQueue(prisma, "worker-7").workerId).toBe("worker-7");
      expect(createPrismaKysely(prisma)).toBe(createPrismaKysely(prisma));
    });
  });

  it("offers the engine's classes: constructible with new, instanceof holds for the factories' results too", async () => {
    await withPrisma(databaseType, major, async (prisma) => {
      const persistence = new PrismaWorkflowPersistence(prisma);
      expect(createPrismaWorkflowPersistence(prisma)).toBeInstanceOf(PrismaWorkflowPersistence);
      expect(createPrismaJobQueue(prisma)).toBeInstanceOf(PrismaJobQueue);
      expect(createPrismaAICallLogger(prisma)).toBeInstanceOf(PrismaAICallLogger);
      const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: [1] });
      const queue = new PrismaJobQueue(prisma, { workerId: "w-1" });
      const jobId = await queue.enqueue({ workflowRunId: run.id, stageId: "s" });
      expect((await queue.dequeue())?.jobId).toBe(jobId);
      const logger = new PrismaAICallLogger(prisma);
      await logger.logBatchResults("b", [{ topic: "t", callType: "c", modelKey: "m", modelId: "x/m", prompt: "p", response: "r", inputTokens: 1, outputTokens: 2, cost: 0.5 }]);
      expect((await logger.getStats("t")).totalOutputTokens).toBe(2);
      // Prisma 6 clients take enum labels as strings; a client with $Enums gets its own values.
      expect(createEnumHelper(prisma).status("RUNNING")).toBe("RUNNING");
      const typed = { $Enums: { Status: { RUNNING: Symbol.for("RUNNING") }, LogLevel: { WARN: "WARN" } } };
      expect(createEnumHelper(typed).status("RUNNING")).toBe(Symbol.for("RUNNING"));
      expect(createEnumHelper(typed).artifactType("STAGE_OUTPUT")).toBe("STAGE_OUTPUT");
      expect(createEnumHelper(typed).logLevel("toString")).toBe("toString");
    });
  });

  it("reads what Prisma's own model API wrote, exactly as the direct implementation does", async () => {
    await withPrisma(databaseType, major, async (prisma, database) => {
      const startedAt = new Date("2024-02-03T04:05:06.789Z");
      const run = await prisma.workflowRun.create({
        data: { workflowId: "w", workflowName: "n", workflowType: "t", input: { list: [1, "two"] }, startedAt, status: "RUNNING", totalCost: 0.125 },
      });
      const stage = await prisma.workflowStage.create({
        data: { workflowRunId: run.id, stageId: "s", stageName: "S", stageNumber: 1, executionGroup: 2, status: "SUSPENDED", nextPollAt: startedAt, suspendedState: { wait: true } },
      });
      await prisma.workflowArtifact.create({ data: { workflowRunId: run.id, workflowStageId: stage.id, key: "k", type: "ARTIFACT", data: { v: "é" }, size: 10 } });
      await prisma.jobQueue.create({ data: { workflowRunId: run.id, stageId: "s", priority: 9, payload: { p: 1 } } });
      await prisma.aICall.create({
        data: { topic: `workflow.${run.id}.stage.s`, callType: "text", modelKey: "m", modelId: "x/m", prompt: "p", response: "r", inputTokens: 3, outputTokens: 4, cost: 0.5, metadata: { batchId: "b1" } },
      });

      const db = database.open();
      const direct = createKyselyWorkflowPersistence(db);
      const viaPrisma = createPrismaWorkflowPersistence(prisma);
      for (const persistence of [direct, viaPrisma]) {
        const read = await persistence.getRun(run.id);
        expect(read).toMatchObject({ id: run.id, status: "RUNNING", input: { list: [1, "two"] }, config: {}, totalCost: 0.125, priority: 5 });
        expect(read?.startedAt).toEqual(startedAt);
        expect(read?.createdAt).toEqual(run.createdAt);
        expect(await persistence.getSuspendedStages(new Date(startedAt.getTime() + 1))).toHaveLength(1);
        expect(await persistence.loadArtifact(run.id, "k")).toEqual({ v: "é" });
      }
      expect(await direct.getRun(run.id)).toEqual(await viaPrisma.getRun(run.id));
      expect(await direct.getStagesByRun(run.id)).toEqual(await viaPrisma.getStagesByRun(run.id));

      const job = await createKyselyJobQueue(db, { listen: false }).dequeue();
      expect(job).toMatchObject({ workflowRunId: run.id, priority: 9, payload: { p: 1 }, attempt: 1 });
      const logger = createKyselyAICallLogger(db);
      expect(await logger.isRecorded("b1")).toBe(true);
      expect((await logger.getStats(`workflow.${run.id}`)).totalCost).toBe(0.5);
      expect(await createPrismaAICallLogger(prisma).getStats(`workflow.${run.id}`)).toEqual(await logger.getStats(`workflow.${run.id}`));
    });
  });

  it("writes what Prisma's own model API reads back with the right types", async () => {
    await withPrisma(databaseType, major, async (prisma) => {
      const persistence = createPrismaWorkflowPersistence(prisma);
      const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: { a: [1, { b: null }] }, priority: 3 });
      const completedAt = new Date("2025-06-07T08:09:10.011Z");
      await persistence.updateRun(run.id, { status: "COMPLETED", completedAt, totalCost: 0.1 + 0.2, output: "done" });
      await persistence.createStage({ workflowRunId: run.id, stageId: "s", stageName: "S", stageNumber: 1, executionGroup: 1 });
      await persistence.saveStageOutput(run.id, "t", "s", { out: 1 });
      const queue = createPrismaJobQueue(prisma, { workerId: "w1" });
      const jobId = await queue.enqueue({ workflowRunId: run.id, stageId: "s", payload: { x: 1 } });

      const read = await prisma.workflowRun.findUnique({ where: { id: run.id }, include: { stages: true, artifacts: true } });
      expect(read).toMatchObject({ status: "COMPLETED", priority: 3, input: { a: [1, { b: null }] }, output: "done", totalCost: 0.1 + 0.2 });
      expect(read.completedAt).toEqual(completedAt);
      expect(read.createdAt).toEqual(run.createdAt);
      expect(read.stages[0]).toMatchObject({ stageId: "s", status: "PENDING" });
      expect(read.artifacts[0]).toMatchObject({ type: "STAGE_OUTPUT", data: { out: 1 }, workflowStageId: read.stages[0].id });
      expect(await prisma.jobQueue.findUnique({ where: { id: jobId } })).toMatchObject({ status: "PENDING", payload: { x: 1 }, attempt: 0, maxAttempts: 3 });
    });
  });

  it("runs persistence.transaction() as one Prisma interactive transaction", async () => {
    await withPrisma(databaseType, major, async (prisma) => {
      const persistence = createPrismaWorkflowPersistence(prisma);
      const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: 1 });
      await persistence
        .transaction(async (tx) => {
          await tx.updateRun(run.id, { status: "FAILED" });
          await tx.createLog({ workflowRunId: run.id, level: "ERROR", message: "inside" });
          throw new Error("roll back");
        })
        .catch(() => {});
      expect(await persistence.getRunStatus(run.id)).toBe("PENDING");
      expect(await prisma.workflowLog.count()).toBe(0);
      await persistence.transaction(async (tx) => tx.updateRun(run.id, { status: "RUNNING" }));
      expect(await persistence.getRunStatus(run.id)).toBe("RUNNING");
    });
  });

  // Inside `prisma.$transaction(async (tx) => …)`, a Prisma 6 `tx` has no $transaction.
  it("works on a transaction client: its steps join the open transaction, each atomic inside it", async () => {
    await withPrisma(databaseType, major, async (prisma) => {
      const call = { topic: "t", callType: "c", modelKey: "m", modelId: "x/m", prompt: "p", response: "r", inputTokens: 1, outputTokens: 1, cost: 0 };
      const runId = await prisma.$transaction(async (tx: any) => {
        if (major === 6) expect(tx.$transaction).toBeUndefined();
        const persistence = createPrismaWorkflowPersistence(tx);
        const run = await persistence.createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: 1 });
        await persistence.transaction(async (inner) => {
          await inner.updateRun(run.id, { status: "RUNNING" });
          await inner.createLog({ workflowRunId: run.id, level: "INFO", message: "kept" });
        });
        // A step that throws is undone, and the application's transaction goes on.
        const failed = await persistence
          .transaction(async (inner) => {
            await inner.createLog({ workflowRunId: run.id, level: "ERROR", message: "undone" });
            await inner.createStage({ workflowRunId: "missing", stageId: "s", stageName: "S", stageNumber: 1, executionGroup: 1 });
          })
          .catch((error: unknown) => error);
        expect(failed).toBeInstanceOf(Error);
        const logger = createPrismaAICallLogger(tx);
        await logger.logBatchResults("batch-tx", [call, call]);
        expect(await logger.isRecorded("batch-tx")).toBe(true);
        const queue = createPrismaJobQueue(tx, { workerId: "w" });
        await queue.enqueue({ workflowRunId: run.id, stageId: "s" });
        return run.id;
      });
      const persistence = createPrismaWorkflowPersistence(prisma);
      expect(await persistence.getRunStatus(runId)).toBe("RUNNING");
      expect((await prisma.workflowLog.findMany()).map((log: { message: string }) => log.message)).toEqual(["kept"]);
      expect(await prisma.aICall.count()).toBe(2);
      expect(await prisma.jobQueue.count()).toBe(1);

      // The application's rollback takes the library's writes with it.
      await prisma
        .$transaction(async (tx: any) => {
          await createPrismaWorkflowPersistence(tx).updateRun(runId, { status: "FAILED" });
          await createPrismaAICallLogger(tx).logBatchResults("batch-gone", [call]);
          throw new Error("application rolls back");
        })
        .catch(() => {});
      expect(await persistence.getRunStatus(runId)).toBe("RUNNING");
      expect(await prisma.aICall.count()).toBe(2);
    });
  });
});

describe("one process, one SQLite library", () => {
  // Two copies of SQLite in one process do not see each other's POSIX locks: when one
  // copy's last connection closes it deletes the -wal/-shm files the other copy still
  // uses, and later writes vanish. @prisma/adapter-better-sqlite3 asks for
  // better-sqlite3 11; package.json overrides it to this library's copy (README: "SQLite
  // and Prisma in one process"). This failed before the override.
  it("keeps writes visible when this library and a Prisma client share a SQLite file and clients come and go", async () => {
    const database = await createTestDatabase.sqlite("prisma-one-sqlite");
    const db = database.open();
    try {
      await migrateToLatest(db, { performanceIndexes: false });
      const first = await createPrismaClient("sqlite", database.url);
      await createPrismaWorkflowPersistence(first).createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: 1 });
      await first.$disconnect();
      // The application keeps its client open; this library's connections must see its writes.
      const second = await createPrismaClient("sqlite", database.url);
      const fresh = database.open();
      try {
        await createPrismaWorkflowPersistence(second).createRun({ workflowId: "w", workflowName: "n", workflowType: "t", input: 2 });
        expect(await createKyselyWorkflowPersistence(db).getRunsByStatus("PENDING")).toHaveLength(2);
        expect(await createKyselyWorkflowPersistence(fresh).getRunsByStatus("PENDING")).toHaveLength(2);
      } finally {
        await fresh.destroy();
        await second.$disconnect();
      }
    } finally {
      await db.destroy();
      await database.dispose();
    }
  });
});
