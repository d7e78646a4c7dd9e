// Code written against the workflow engine's 1.0 contract (its kernel ports,
// restated here by signature), with only the imports changed. Compiled by
// consumer-types.test.ts in a project that installs the built package, with
// skipLibCheck off and without @types/pg.
import {
  createKyselyAICallLogger,
  createKyselyBlobStore,
  createKyselyJobQueue,
  createKyselyStepLedger,
  createKyselyWorkflowPersistence,
  LEASE_ABSOLUTE_CAP,
  LEASE_HEARTBEAT_LOST,
  openDatabase,
  type AICallLogger,
  type DequeueResult,
  type JobAckFence,
  type JobAckOutcome,
  type PersistenceCore,
  type ServedDefinition,
  type StepLedger,
  type StepRecord,
  type WorkflowPersistence,
} from "kysely-workflow-persistence/v1";
import {
  createPrismaAICallLogger,
  createPrismaBlobStore,
  createPrismaJobQueue,
  createPrismaStepLedger,
  createPrismaWorkflowPersistence,
  PrismaStepLedger,
} from "kysely-workflow-persistence/prisma/v1";

// The engine's 1.0 kernel ports, by signature (src/kernel/ports.ts).
type Outcome = "acknowledged" | "superseded";
interface EngineJobTransport {
  readonly fairnessGroupBy?: string | null;
  enqueueParallel(jobs: Array<{ workflowRunId: string; workflowId: string; stageId: string; groupKey?: string; definitionVersion?: string | null }>): Promise<string[]>;
  deleteByRunAndStages(workflowRunId: string, stageIds: string[]): Promise<number>;
  dequeue(options?: { serves?: readonly ServedDefinition[] }): Promise<{ jobId: string; attempt: number; startedAt: Date } | null>;
  complete(jobId: string, fence?: { startedAt: Date; attempt: number }): Promise<Outcome>;
  suspend(jobId: string, nextPollAt: Date, fence?: { startedAt: Date; attempt: number }): Promise<Outcome>;
  fail(jobId: string, error: string, shouldRetry?: boolean, fence?: { startedAt: Date; attempt: number }): Promise<Outcome>;
  defer?(jobId: string, nextPollAt: Date, reason: string, fence?: { startedAt: Date; attempt: number }): Promise<Outcome>;
  releaseStaleJobs(staleThresholdMs?: number): Promise<number>;
  expireRunawayJobs?(absoluteTimeoutMs: number): Promise<number>;
  cancelByRun(workflowRunId: string): Promise<number>;
  touchJob(jobId: string): Promise<void>;
  adoptWorkerId?(workerId: string): string;
}
interface EngineStepLedger {
  claim(record: Omit<StepRecord, "createdAt" | "updatedAt">): Promise<{ created: boolean; record: StepRecord }>;
  get(stageRecordId: string, stepId: string): Promise<StepRecord | null>;
  update(stageRecordId: string, stepId: string, patch: Partial<Pick<StepRecord, "status" | "result" | "error" | "leaseExpiresAt">>): Promise<StepRecord>;
  compareAndSet(
    stageRecordId: string,
    stepId: string,
    expected: { status: StepRecord["status"]; attempt?: number },
    patch: Partial<Pick<StepRecord, "status" | "attempt">>,
  ): Promise<{ applied: boolean; record: StepRecord | null }>;
  list(stageRecordId: string): Promise<StepRecord[]>;
  clear(stageRecordId: string): Promise<void>;
  clearExcept?(stageRecordId: string, keepStepIds: string[]): Promise<void>;
}
type KernelPersistence = Pick<
  PersistenceCore,
  "withTransaction" | "claimNextPendingRun" | "insertDefinitionIfAbsent" | "listRunsForPurge" | "deleteRun" | "claimUnpublishedOutboxEvents"
>;
class EngineStaleVersionError extends Error {
  constructor(readonly entity: string, readonly id: string, readonly expected: number, readonly actual: number) {
    super(`Stale version on ${entity} ${id}: expected ${expected}, got ${actual}`);
  }
}

interface RawApi {
  $queryRawUnsafe<T = unknown>(query: string, ...values: any[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: any[]): Promise<number>;
}
interface AppPrismaClient extends RawApi {
  $transaction<R>(fn: (tx: RawApi) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}
declare const prisma: AppPrismaClient;

const db = openDatabase("sqlite:./engine.db");
const persistence: WorkflowPersistence = createKyselyWorkflowPersistence(db, { staleVersionError: EngineStaleVersionError, now: () => new Date() });
const kernelPersistence: KernelPersistence = persistence;
const prismaPersistence: PersistenceCore = createPrismaWorkflowPersistence(prisma, { definitionVersioning: true, statusEnumName: "Status" });
const transport: EngineJobTransport = createKyselyJobQueue(db, { fairness: { maxConcurrentPerGroup: 4, groupBy: "config.tenantId" } });
const prismaTransport: EngineJobTransport = createPrismaJobQueue(prisma, { fairness: { maxConcurrentPerGroup: 4 } });
const stepLedger: EngineStepLedger = createKyselyStepLedger(db);
const prismaStepLedger: StepLedger = createPrismaStepLedger(prisma, { databaseType: "sqlite" });
const aiLogger: AICallLogger = createKyselyAICallLogger(db);
const prismaLogger: AICallLogger = createPrismaAICallLogger(prisma);
const blobs = [createKyselyBlobStore(db), createPrismaBlobStore(prisma)];
const constructed: boolean = new PrismaStepLedger(prisma) instanceof PrismaStepLedger;
const tiers: string[] = [LEASE_HEARTBEAT_LOST, LEASE_ABSOLUTE_CAP];

export async function executeJob(serves: ServedDefinition[]): Promise<JobAckOutcome | "idle"> {
  const job: DequeueResult | null = await createKyselyJobQueue(db).dequeue({ serves });
  if (!job) return "idle";
  const fence: JobAckFence = { startedAt: job.startedAt, attempt: job.attempt };
  const { created } = await stepLedger.claim({
    stageRecordId: job.jobId, stepId: "download", seq: 1, kind: "run", status: "running", attempt: 1, leaseExpiresAt: null, deadlineAt: null,
    externalKey: `${job.workflowRunId}:download`,
  });
  if (!created) await stepLedger.compareAndSet(job.jobId, "download", { status: "running" }, { attempt: 2 });
  await persistence.withTransaction(async (tx) => {
    await tx.updateRun(job.workflowRunId, { redriveCount: 1, definitionVersion: null });
    await tx.updateStage(job.jobId, { completedAt: null, duration: null, errorMessage: null, attempt: 1 });
  });
  return transport.complete(job.jobId, fence);
}

export async function retention(): Promise<number> {
  const runs = await kernelPersistence.listRunsForPurge(new Date(), ["COMPLETED", "FAILED"], 100);
  for (const run of runs) {
    for (const stageRecordId of run.stageRecordIds) await stepLedger.clear(stageRecordId);
    await kernelPersistence.deleteRun(run.id);
  }
  const definition = await kernelPersistence.insertDefinitionIfAbsent({ workflowId: "w", version: "v1", snapshot: {}, structureHash: "h" });
  const calls = await aiLogger.listCalls("workflow.");
  return runs.length + (definition ? 1 : 0) + calls.length;
}

void [prismaPersistence, prismaTransport, prismaStepLedger, prismaLogger, blobs, constructed, tiers];
