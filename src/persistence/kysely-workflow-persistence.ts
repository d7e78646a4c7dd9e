import type { Kysely } from "kysely";
import { ConfigurationError, ValidationError } from "../errors.js";
import {
  createQueryContext,
  inWriteTransaction,
  type QueryContext,
  type QueryContextOptions,
} from "../database/query-context.js";
import type { CreateLogInput, CreateRunInput, CreateStageInput, GetStagesByRunOptions, SaveArtifactInput, Status, UpdateRunInput, UpdateStageInput, UpsertStageInput } from "../types.js";
import type { WorkflowPersistence } from "../interfaces/workflow-persistence.js";
import * as artifacts from "./artifacts.js";
import { publicApi } from "../database/public-api.js";
import type { SchemaExpectation } from "../database/schema-check.js";
import { checkKysely, parseOptions, persistenceOptions } from "../validation/factory-options.js";
import { createLog } from "./logs.js";
import { claimNextPendingRun, claimPendingRun } from "./run-claims.js";
import { contract01 } from "../contracts/contract-0.1.js";
import * as runs from "./runs.js";
import * as stageReads from "./stage-reads.js";
import * as stageWrites from "./stage-writes.js";

export interface KyselyWorkflowPersistenceOptions extends QueryContextOptions {
  /**
   * Largest artifact (saveArtifact data, saveStageOutput output), in bytes of
   * JSON; a larger one is refused with a ValidationError before it reaches the
   * database. Default 16 MiB.
   */
  maxArtifactBytes?: number;
}

/**
 * WorkflowPersistence over a Kysely instance (PostgreSQL or SQLite, detected
 * from the instance). Every method validates its input before any SQL runs and
 * is one statement unless stated otherwise.
 *
 * @example
 * ```ts
 * const persistence = createKyselyWorkflowPersistence(openDatabase("sqlite:./workflow.db"));
 * const run = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: { n: 1 } });
 * await persistence.transaction(async (tx) => {
 *   await tx.updateRun(run.id, { status: "COMPLETED", completedAt: new Date() });
 * });
 * ```
 */
export function createKyselyWorkflowPersistence(
  // Any application's instance (its own tables, plugins, Kysely's invariant
  // database type): the library's queries run on a view without its plugins.
  db: Kysely<any>,
  options: KyselyWorkflowPersistenceOptions = {},
): WorkflowPersistence {
  checkKysely("createKyselyWorkflowPersistence", db);
  parseOptions("createKyselyWorkflowPersistence", persistenceOptions, options);
  const maxArtifactBytes = checkMaxArtifactBytes(options);
  const ctx = createQueryContext(db, options, contract01());
  return persistenceOn(ctx, maxArtifactBytes, { contract: "0.1" });
}

export function checkMaxArtifactBytes(options: KyselyWorkflowPersistenceOptions): number {
  const maxArtifactBytes = options.maxArtifactBytes ?? artifacts.DEFAULT_MAX_ARTIFACT_BYTES;
  if (!Number.isInteger(maxArtifactBytes) || maxArtifactBytes < 1) {
    throw new ConfigurationError(`maxArtifactBytes must be a positive whole number, got ${maxArtifactBytes}`);
  }
  return maxArtifactBytes;
}

function persistenceOn(ctx: QueryContext, maxArtifactBytes: number, expectation?: SchemaExpectation): WorkflowPersistence {
  const api: WorkflowPersistence = {
    ...sharedMethods(ctx, maxArtifactBytes),
    transaction: transactionOf(ctx, "transaction", (tx) => persistenceOn(tx, maxArtifactBytes)),
  };
  return publicApi(api, ctx, { component: "persistence", expectation, callbacks: TRANSACTION_METHODS });
}

/** The methods that run a caller's callback in a transaction. */
export const TRANSACTION_METHODS = ["transaction", "withTransaction"];

/**
 * A persistence's transaction method: runs `work` in one write transaction
 * (nested in an open one: a savepoint) on a persistence `make` builds on the
 * transaction's context.
 */
export function transactionOf<P>(ctx: QueryContext, operation: string, make: (tx: QueryContext) => P) {
  return <T>(work: (tx: P) => Promise<T>): Promise<T> => {
    if (typeof work !== "function") {
      return Promise.reject(new ValidationError(operation, "work", `must be a function (the transaction's body), got ${work === null ? "null" : typeof work}`));
    }
    return inWriteTransaction(ctx, (tx) => work(make(tx)));
  };
}

/**
 * The methods both contracts have, on `ctx` (whose contract decides what
 * differs: record fields, versions, label columns). The 0.12 factory adds its
 * own methods to these.
 */
export function sharedMethods(ctx: QueryContext, maxArtifactBytes: number): Omit<WorkflowPersistence, "transaction"> {
  return {
    createRun: (data: CreateRunInput) => runs.createRun(ctx, data),
    updateRun: (id: string, data: UpdateRunInput) => runs.updateRun(ctx, id, data),
    getRun: (id: string) => runs.getRun(ctx, id),
    getRunStatus: (id: string) => runs.getRunStatus(ctx, id),
    getRunsByStatus: (status: Status) => runs.getRunsByStatus(ctx, status),
    claimPendingRun: (id: string) => claimPendingRun(ctx, id),
    claimNextPendingRun: () => claimNextPendingRun(ctx),

    createStage: (data: CreateStageInput) => stageWrites.createStage(ctx, data),
    upsertStage: (data: UpsertStageInput) => stageWrites.upsertStage(ctx, data),
    updateStage: (id: string, data: UpdateStageInput) => stageWrites.updateStage(ctx, id, data),
    updateStageByRunAndStageId: (runId: string, stageId: string, data: UpdateStageInput) =>
      stageWrites.updateStageByRunAndStageId(ctx, runId, stageId, data),
    deleteStage: (id: string) => stageWrites.deleteStage(ctx, id),
    getStage: (runId: string, stageId: string) => stageReads.getStage(ctx, runId, stageId),
    getStageById: (id: string) => stageReads.getStageById(ctx, id),
    getStagesByRun: (runId: string, options?: GetStagesByRunOptions) => stageReads.getStagesByRun(ctx, runId, options),
    getSuspendedStages: (beforeDate: Date) => stageReads.getSuspendedStages(ctx, beforeDate),
    getFirstSuspendedStageReadyToResume: (runId: string) => stageReads.getFirstSuspendedStageReadyToResume(ctx, runId),
    getFirstFailedStage: (runId: string) => stageReads.getFirstFailedStage(ctx, runId),
    getLastCompletedStage: (runId: string) => stageReads.getLastCompletedStage(ctx, runId),
    getLastCompletedStageBefore: (runId: string, executionGroup: number) =>
      stageReads.getLastCompletedStageBefore(ctx, runId, executionGroup),

    createLog: (data: CreateLogInput) => createLog(ctx, data),

    saveArtifact: (data: SaveArtifactInput) => artifacts.saveArtifact(ctx, data, maxArtifactBytes),
    loadArtifact: (runId: string, key: string) => artifacts.loadArtifact(ctx, runId, key),
    hasArtifact: (runId: string, key: string) => artifacts.hasArtifact(ctx, runId, key),
    deleteArtifact: (runId: string, key: string) => artifacts.deleteArtifact(ctx, runId, key),
    listArtifacts: (runId: string) => artifacts.listArtifacts(ctx, runId),
    getStageIdForArtifact: (runId: string, stageId: string) => artifacts.getStageIdForArtifact(ctx, runId, stageId),
    saveStageOutput: (runId: string, workflowType: string, stageId: string, output: unknown) =>
      artifacts.saveStageOutput(ctx, runId, workflowType, stageId, output, maxArtifactBytes),
  };
}
