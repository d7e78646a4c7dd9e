import type { Status, WorkflowArtifactRecord, SaveArtifactInput } from "../../types.js";
import type { OutboxRecord, WorkflowStageRecord } from "../0.12/types.js";
import type { PersistenceCore as PersistenceCore012 } from "../0.12/workflow-persistence.js";
import type {
  ClaimNextPendingRunOptions,
  CreateDefinitionInput,
  CreateRunInput,
  DefinitionVersionCount,
  DefinitionVersionCountFilter,
  GetSuspendedStagesOptions,
  PurgeableRun,
  PurgeableRunStatus,
  UpdateRunInput,
  UpdateStageInput,
  UpsertStageInput,
  WorkflowDefinitionRecord,
  WorkflowRunRecord,
} from "./types.js";

type Changed =
  | "withTransaction"
  | "createRun"
  | "updateRun"
  | "getRun"
  | "getStuckRuns"
  | "claimNextPendingRun"
  | "upsertStage"
  | "updateStage"
  | "getSuspendedStages";

/**
 * What the engine's 1.0 kernel calls (its `PersistenceCore`): the 0.12 core
 * with definition versions, retention and the outbox claim. As before, every
 * method validates its input before any SQL runs (ValidationError naming the
 * field, nothing written) and a call that throws changed nothing.
 */
export interface PersistenceCore extends Omit<PersistenceCore012, Changed> {
  /**
   * Runs `fn` in one write transaction; every call on `tx` joins it, and so
   * do calls on a queue, step ledger, logger or blob store made from the same
   * handle while `fn` runs (the engine's kernel calls its queue and ledger
   * there). Inside an open transaction, `fn` joins it under a savepoint.
   */
  withTransaction<T>(fn: (tx: PersistenceCore) => Promise<T>): Promise<T>;

  /** A PENDING run at version 1, pinned to `definitionVersion` when given. @throws ConflictError for a taken id. */
  createRun(data: CreateRunInput): Promise<WorkflowRunRecord>;
  /**
   * Sets the given fields and adds 1 to `version`; with `expectedVersion` a
   * compare-and-set (StaleVersionError, nothing written).
   * @throws NotFoundError when there is no such run (without expectedVersion).
   */
  updateRun(id: string, data: UpdateRunInput): Promise<void>;
  /** The run, or null. */
  getRun(id: string): Promise<WorkflowRunRecord | null>;
  /** RUNNING runs not updated since `stuckSince` (the kernel's reaper reads them). */
  getStuckRuns(stuckSince: Date): Promise<WorkflowRunRecord[]>;
  /**
   * Claims the next PENDING run (priority, then oldest) in one statement,
   * among the runs `serves` allows; `now` is written as startedAt/updatedAt.
   */
  claimNextPendingRun(options?: ClaimNextPendingRunOptions): Promise<WorkflowRunRecord | null>;

  /**
   * Terminal runs in `statuses` finished at or before `cutoff` (completedAt,
   * or updatedAt when it is null), oldest first, at most `limit`, each with
   * its stage record ids.
   */
  listRunsForPurge(cutoff: Date, statuses: readonly PurgeableRunStatus[], limit: number): Promise<PurgeableRun[]>;
  /**
   * Deletes the run with its stages, their steps, logs, artifacts and
   * annotations, in one transaction; no outbox event. A missing id is a
   * no-op, as the contract says.
   */
  deleteRun(id: string): Promise<void>;

  /** True: the 1.0 schema this entry needs carries the definition table and columns (checked on first use). */
  supportsDefinitionVersioning(): boolean;
  /** Checks the database once (a catalog read, safe inside a caller's transaction); resolves true. @throws SchemaMismatchError */
  ensureDefinitionVersioningDetected(): Promise<boolean>;
  /** Stores the snapshot unless (workflowId, version) exists; returns the stored row either way. */
  insertDefinitionIfAbsent(input: CreateDefinitionInput): Promise<WorkflowDefinitionRecord | null>;
  /** The stored snapshot, or null. */
  getDefinition(workflowId: string, version: string): Promise<WorkflowDefinitionRecord | null>;
  /** Run counts by (workflowId, definitionVersion, status), with each bucket's oldest createdAt. */
  countRunsByDefinitionVersion(filter?: DefinitionVersionCountFilter): Promise<DefinitionVersionCount[]>;

  /** Creates the stage, or applies `update` to it (adding 1 to its version); one statement. */
  upsertStage(data: UpsertStageInput): Promise<WorkflowStageRecord>;
  /** Sets the given fields (null clears completedAt, duration, errorMessage) and adds 1 to `version`. */
  updateStage(id: string, data: UpdateStageInput): Promise<void>;
  /** SUSPENDED stages due at `beforeDate`, oldest nextPollAt first, at most `limit`, of runs `serves` allows. */
  getSuspendedStages(beforeDate: Date, options?: GetSuspendedStagesOptions): Promise<WorkflowStageRecord[]>;

  /**
   * Claims up to `limit` (100) unpublished, not dead-lettered events by
   * stamping publishedAt, by run then sequence: each event goes to exactly
   * one claimant, also between processes.
   */
  claimUnpublishedOutboxEvents(limit?: number): Promise<OutboxRecord[]>;
  /** Clears publishedAt of claimed events so a later flush retries them. */
  releaseOutboxEvents(ids: string[]): Promise<void>;
}

/** The engine's full 1.0 `WorkflowPersistence`: the core, with the whole interface on `tx`. */
export interface WorkflowPersistence extends PersistenceCore {
  /** As PersistenceCore's, with the whole interface on `tx`. */
  withTransaction<T>(fn: (tx: WorkflowPersistence) => Promise<T>): Promise<T>;
}

/**
 * The methods the 1.0 port dropped, which this library's 1.0 objects keep
 * (the engine's built-in adapters keep them too, and its conformance suite
 * still calls them): the legacy queries and the artifact methods.
 */
export interface LegacyPersistenceMethods {
  /** Runs in `status`, oldest first. */
  getRunsByStatus(status: Status): Promise<WorkflowRunRecord[]>;
  /** PENDING → RUNNING for this run in one statement; false when another claimant won or it is not PENDING. */
  claimPendingRun(id: string): Promise<boolean>;
  /** updateStage addressed by (run, stage id). @throws NotFoundError when there is no such stage. */
  updateStageByRunAndStageId(workflowRunId: string, stageId: string, data: UpdateStageInput): Promise<void>;
  /** The stage by its record id, or null. */
  getStageById(id: string): Promise<WorkflowStageRecord | null>;
  /** The run's SUSPENDED stage whose nextPollAt has passed, earliest first, or null. */
  getFirstSuspendedStageReadyToResume(runId: string): Promise<WorkflowStageRecord | null>;
  /** The run's first FAILED stage (by execution group), or null. */
  getFirstFailedStage(runId: string): Promise<WorkflowStageRecord | null>;
  /** The run's last COMPLETED stage (by execution group), or null. */
  getLastCompletedStage(runId: string): Promise<WorkflowStageRecord | null>;
  /** The last COMPLETED stage in an execution group before `executionGroup`, or null. */
  getLastCompletedStageBefore(runId: string, executionGroup: number): Promise<WorkflowStageRecord | null>;
  /** Stores (or replaces) the artifact under (run, key). */
  saveArtifact(data: SaveArtifactInput): Promise<void>;
  /** The artifact's data. @throws NotFoundError when there is none. */
  loadArtifact(runId: string, key: string): Promise<unknown>;
  /** Whether (run, key) holds an artifact. */
  hasArtifact(runId: string, key: string): Promise<boolean>;
  /** Deletes the artifact. @throws NotFoundError when there is none. */
  deleteArtifact(runId: string, key: string): Promise<void>;
  /** The run's artifacts, without their data's type changed. */
  listArtifacts(runId: string): Promise<WorkflowArtifactRecord[]>;
  /** The stage record id of (run, stage id), or null. */
  getStageIdForArtifact(runId: string, stageId: string): Promise<string | null>;
  /** Saves a stage's output as an artifact under the engine's key for it; returns the key. */
  saveStageOutput(runId: string, workflowType: string, stageId: string, output: unknown): Promise<string>;
}

/** What this library's 1.0 factories return: the contract, the legacy methods, and `transaction` (withTransaction's other name). */
export interface WorkflowPersistenceWithLegacy extends WorkflowPersistence, LegacyPersistenceMethods {
  /** As PersistenceCore's, with every method on `tx`. */
  withTransaction<T>(fn: (tx: WorkflowPersistenceWithLegacy) => Promise<T>): Promise<T>;
  /** withTransaction under the name the engine's Prisma adapter used. */
  transaction<T>(fn: (tx: WorkflowPersistenceWithLegacy) => Promise<T>): Promise<T>;
}
