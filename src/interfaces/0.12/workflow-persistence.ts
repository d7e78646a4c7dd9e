import type {
  CreateLogInput,
  SaveArtifactInput,
  Status,
  WorkflowArtifactRecord,
} from "../../types.js";
import type {
  AcquireIdempotencyKeyOptions,
  AcquireIdempotencyKeyResult,
  AnnotationFilters,
  CreateAnnotationInput,
  CreateOutboxEventInput,
  CreateRunInput,
  CreateStageInput,
  GetStagesByRunOptions,
  OutboxRecord,
  UpdateRunInput,
  UpdateStageInput,
  UpsertStageInput,
  WorkflowAnnotationRecord,
  WorkflowRunRecord,
  WorkflowStageRecord,
} from "./types.js";

/**
 * What the engine's 0.12 kernel calls (its `PersistenceCore`). As in 0.1,
 * every method validates its input before any SQL runs (ValidationError
 * naming the field, nothing written) and a call that throws changed nothing.
 */
export interface PersistenceCore {
  /**
   * Runs `fn` in one write transaction; every call on `tx` joins it, and so
   * do calls on a queue, logger or blob store made from the same handle while
   * `fn` runs (the engine's kernel calls its queue there). Inside an open
   * transaction (an instance made from one), `fn` joins that one under a
   * savepoint: when it throws, its writes are undone.
   *
   * @example
   * ```ts
   * await persistence.withTransaction(async (tx) => {
   *   const run = await tx.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {} });
   *   await jobQueue.enqueue({ workflowRunId: run.id, workflowId: "w", stageId: "first" }); // joins: same handle
   * });
   * ```
   */
  withTransaction<T>(fn: (tx: PersistenceCore) => Promise<T>): Promise<T>;

  /** A PENDING run at version 1; `id` generated unless given. @throws ConflictError for a taken id. */
  createRun(data: CreateRunInput): Promise<WorkflowRunRecord>;
  /**
   * Sets the given fields and adds 1 to `version`, with or without
   * `expectedVersion`. With it, a compare-and-set: another version (or no run)
   * throws StaleVersionError and writes nothing.
   * @throws NotFoundError when there is no such run (without expectedVersion).
   */
  updateRun(id: string, data: UpdateRunInput): Promise<void>;
  /** The run, or null. */
  getRun(id: string): Promise<WorkflowRunRecord | null>;
  /** The run's status alone, or null when there is no such run. */
  getRunStatus(id: string): Promise<Status | null>;
  /** RUNNING runs not updated after `stuckSince`, none of whose stages was updated after it either; oldest update first. */
  getStuckRuns(stuckSince: Date): Promise<WorkflowRunRecord[]>;
  /** Claims the next PENDING run (priority, then oldest) in one statement; its version goes up by 1. */
  claimNextPendingRun(): Promise<WorkflowRunRecord | null>;

  /** A stage at version 1, `attempt` 0 unless given. @throws NotFoundError (no run), ConflictError (stage exists). */
  createStage(data: CreateStageInput): Promise<WorkflowStageRecord>;
  /** Creates the stage, or applies `update` to it (adding 1 to its version); one statement. */
  upsertStage(data: UpsertStageInput): Promise<WorkflowStageRecord>;
  /** As updateRun, for a stage. */
  updateStage(id: string, data: UpdateStageInput): Promise<void>;
  /** The stage of the run with this `stageId`, or null. */
  getStage(runId: string, stageId: string): Promise<WorkflowStageRecord | null>;
  /** By executionGroup, then stageNumber (both descending with `orderBy: "desc"`). */
  getStagesByRun(runId: string, options?: GetStagesByRunOptions): Promise<WorkflowStageRecord[]>;
  /** SUSPENDED stages whose `nextPollAt` is at or before `beforeDate`, earliest first. */
  getSuspendedStages(beforeDate: Date): Promise<WorkflowStageRecord[]>;
  /** Deletes the stage (its logs with it; its artifacts and annotations lose the link). @throws NotFoundError */
  deleteStage(id: string): Promise<void>;

  /** A log line of a run, a stage, both or neither. @throws NotFoundError for a missing run or stage. */
  createLog(data: CreateLogInput): Promise<void>;

  /**
   * Inserts the annotations in one statement. A row whose (run, key,
   * idempotencyKey) exists, or repeats an earlier row of the batch, is skipped
   * without an error, which leaves a caller's transaction usable.
   * @throws NotFoundError when a run or stage they name does not exist.
   */
  appendAnnotations(inputs: CreateAnnotationInput[]): Promise<void>;
  /** The run's annotations matching every filter given, by createdAt then id; at most `limit` (1,000). */
  listAnnotations(workflowRunId: string, filters?: AnnotationFilters): Promise<WorkflowAnnotationRecord[]>;

  /** Adds 1 to the event's retry count and returns the new count. @throws NotFoundError */
  incrementOutboxRetryCount(id: string): Promise<number>;
  /** Marks the event dead-lettered (dlqAt now): it leaves the unpublished list. @throws NotFoundError */
  moveOutboxEventToDLQ(id: string): Promise<void>;
  /** Puts back up to `maxEvents` dead-lettered events (longest dead first), retry count 0; returns how many. */
  replayDLQEvents(maxEvents: number): Promise<number>;
  /**
   * Appends the events; each run's get the next sequence numbers, in input
   * order, gap-free and unique even when transactions append for one run at once.
   */
  appendOutboxEvents(events: CreateOutboxEventInput[]): Promise<void>;
  /** Unpublished, not dead-lettered events by run then sequence; at most `limit` (100). */
  getUnpublishedOutboxEvents(limit?: number): Promise<OutboxRecord[]>;
  /** Sets publishedAt on the events. @throws NotFoundError when one does not exist (and marks none). */
  markOutboxEventsPublished(ids: string[]): Promise<void>;

  /**
   * "acquired" for the one caller that created the key (or took over a stale
   * in-progress one), "replay" with the stored result once it completed,
   * "in_progress" otherwise.
   */
  acquireIdempotencyKey(
    key: string,
    commandType: string,
    options?: AcquireIdempotencyKeyOptions,
  ): Promise<AcquireIdempotencyKeyResult>;
  /** Stores the command's result: later acquisitions replay it. @throws NotFoundError when the key is not held. */
  completeIdempotencyKey(key: string, commandType: string, result: unknown): Promise<void>;
  /** Deletes the key after a failed command, so a retry can acquire it; a key already gone is left so. */
  releaseIdempotencyKey(key: string, commandType: string): Promise<void>;
}

/** @deprecated in the engine's 0.12 (its kernel uses a BlobStore); kept for code that still calls them. */
export interface ArtifactPersistence {
  /** Upserts the artifact on (run, key). */
  saveArtifact(data: SaveArtifactInput): Promise<void>;
  /** The artifact's data, or undefined when there is none. */
  loadArtifact(runId: string, key: string): Promise<unknown>;
  /** Whether the run has an artifact with this key. */
  hasArtifact(runId: string, key: string): Promise<boolean>;
  /** @throws NotFoundError when there is no such artifact. */
  deleteArtifact(runId: string, key: string): Promise<void>;
  /** The run's artifacts by createdAt, then key. */
  listArtifacts(runId: string): Promise<WorkflowArtifactRecord[]>;
  /** The row id of the run's stage `stageId`, or null. */
  getStageIdForArtifact(runId: string, stageId: string): Promise<string | null>;
  /** Saves `output` as the stage's STAGE_OUTPUT artifact and returns its key. */
  saveStageOutput(runId: string, workflowType: string, stageId: string, output: unknown): Promise<string>;
}

/** The engine's full 0.12 `WorkflowPersistence`: the core, the artifact methods and the legacy queries. */
export interface WorkflowPersistence extends PersistenceCore, ArtifactPersistence {
  /** As PersistenceCore's, with the whole interface on `tx`. */
  withTransaction<T>(fn: (tx: WorkflowPersistence) => Promise<T>): Promise<T>;
  /** This library's name for withTransaction (the 0.1 API); the same method. */
  transaction<T>(fn: (tx: WorkflowPersistence) => Promise<T>): Promise<T>;
  /** Runs in `status`, oldest first. */
  getRunsByStatus(status: Status): Promise<WorkflowRunRecord[]>;
  /** Atomically PENDING → RUNNING (version + 1); true only for the one caller that won. */
  claimPendingRun(id: string): Promise<boolean>;
  /** As updateStage, finding the stage by run and `stageId`. */
  updateStageByRunAndStageId(workflowRunId: string, stageId: string, data: UpdateStageInput): Promise<void>;
  /** The stage with this row id, or null. */
  getStageById(id: string): Promise<WorkflowStageRecord | null>;
  /** The earliest SUSPENDED stage of the run whose `nextPollAt` was cleared, or null. */
  getFirstSuspendedStageReadyToResume(runId: string): Promise<WorkflowStageRecord | null>;
  /** The earliest FAILED stage of the run in pipeline order, or null. */
  getFirstFailedStage(runId: string): Promise<WorkflowStageRecord | null>;
  /** The latest COMPLETED stage of the run in pipeline order, or null. */
  getLastCompletedStage(runId: string): Promise<WorkflowStageRecord | null>;
  /** The latest COMPLETED stage of an execution group before `executionGroup`, or null. */
  getLastCompletedStageBefore(runId: string, executionGroup: number): Promise<WorkflowStageRecord | null>;
}
