// Code written against the workflow engine's 0.12 persistence contract, with
// only the imports changed. Compiled by consumer-types.test.ts in a project
// that installs the built package, with skipLibCheck off and without @types/pg.
import {
  createKyselyBlobStore,
  createKyselyJobQueue,
  createKyselyWorkflowPersistence,
  openDatabase,
  StaleVersionError,
  type BlobStore,
  type DequeueResult,
  type JobQueue,
  type JobRecord,
  type OutboxRecord,
  type PersistenceCore,
  type WorkflowAnnotationRecord,
  type WorkflowPersistence,
  type WorkflowRunRecord,
  type WorkflowStageRecord,
} from "kysely-workflow-persistence/v0.12";
import {
  createPrismaBlobStore,
  createPrismaJobQueue,
  createPrismaWorkflowPersistence,
  PrismaJobQueue,
  PrismaWorkflowPersistence,
  StaleVersionError as PrismaEntryStaleVersionError,
} from "kysely-workflow-persistence/prisma/v0.12";

// The engine's own class, as its kernel declares it: handed to the factories.
class EngineStaleVersionError extends Error {
  constructor(readonly entity: string, readonly id: string, readonly expected: number, readonly actual: number) {
    super(`Stale version on ${entity} ${id}: expected ${expected}, got ${actual}`);
  }
}

// The kernel's own narrower port, as the engine derives it from PersistenceCore.
type KernelPersistence = Pick<PersistenceCore, "withTransaction" | "getRun" | "updateRun" | "appendOutboxEvents" | "acquireIdempotencyKey">;

interface RawApi {
  $queryRawUnsafe<T = unknown>(query: string, ...values: any[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: any[]): Promise<number>;
}
interface AppPrismaClient extends RawApi {
  $transaction<R>(fn: (tx: RawApi) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}
declare const prisma: AppPrismaClient;

const db = openDatabase("sqlite:./engine.db");
const persistence: WorkflowPersistence = createKyselyWorkflowPersistence(db, { staleVersionError: EngineStaleVersionError });
const kernelPort: KernelPersistence = persistence;
const core: PersistenceCore = createPrismaWorkflowPersistence(prisma, { databaseType: "sqlite", staleVersionError: EngineStaleVersionError });
const queue: JobQueue = createKyselyJobQueue(db, { workerId: "host-1" });
const prismaQueue: PrismaJobQueue = createPrismaJobQueue(prisma, { databaseType: "sqlite" });
const blobs: BlobStore = createKyselyBlobStore(db);
const prismaBlobs: BlobStore = createPrismaBlobStore(prisma);
const sameClass: boolean = StaleVersionError === PrismaEntryStaleVersionError;
const constructed: boolean = new PrismaWorkflowPersistence(prisma) instanceof PrismaWorkflowPersistence;

export async function claimedRunGuard(runId: string): Promise<"won" | "lost"> {
  return kernelPort.withTransaction(async (tx) => {
    const run: WorkflowRunRecord | null = await tx.getRun(runId);
    if (!run) return "lost";
    try {
      await tx.updateRun(runId, { status: "RUNNING", expectedVersion: run.version, completedAt: null, duration: null });
    } catch (error) {
      if (error instanceof EngineStaleVersionError || error instanceof StaleVersionError) return "lost";
      throw error;
    }
    await tx.appendOutboxEvents([{ workflowRunId: runId, eventType: "run:started", payload: {}, causationId: "c", occurredAt: new Date() }]);
    return "won";
  });
}

export async function hostLoop(): Promise<void> {
  const dispatch = await core.acquireIdempotencyKey("k", "run.create", { now: new Date(), staleInProgressAfterMs: 600_000 });
  if (dispatch.status === "replay") void dispatch.result;
  const job: DequeueResult | null = await queue.dequeue();
  if (job) {
    const workflowId: string = job.workflowId;
    await queue.touchJob(job.jobId);
    const jobs: JobRecord[] = await prismaQueue.getJobsByWorkflowRun(job.workflowRunId);
    const cancelled: number = await queue.cancelByRun(job.workflowRunId);
    void [workflowId, jobs, cancelled];
    await queue.complete(job.jobId);
  }
  await queue.enqueueParallel([{ workflowRunId: "r", workflowId: "w", stageId: "s", payload: { a: 1 } }]);
  const stage: WorkflowStageRecord = await persistence.createStage({ workflowRunId: "r", stageId: "s", stageName: "S", stageNumber: 1, executionGroup: 1, attempt: 1 });
  await persistence.upsertStage({ workflowRunId: "r", stageId: "s", create: { stageName: "S", stageNumber: 1, executionGroup: 1 }, update: { expectedVersion: stage.version } });
  const notes: WorkflowAnnotationRecord[] = await persistence.listAnnotations("r", { keyPrefix: "decision.", scopeId: null, limit: 10 });
  const events: OutboxRecord[] = await persistence.getUnpublishedOutboxEvents(100);
  await persistence.markOutboxEventsPublished(events.map((event) => event.id));
  await blobs.put("workflow-v2/t/r/s/output.json", { notes: notes.length });
  const keys: string[] = await prismaBlobs.list("workflow-v2/t/r/");
  const stuck: WorkflowRunRecord[] = await persistence.getStuckRuns(new Date(Date.now() - 600_000));
  void [keys, stuck, sameClass, constructed];
  await db.destroy();
}
