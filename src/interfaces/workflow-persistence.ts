import type {
  CreateLogInput,
  CreateRunInput,
  CreateStageInput,
  GetStagesByRunOptions,
  SaveArtifactInput,
  Status,
  UpdateRunInput,
  UpdateStageInput,
  UpsertStageInput,
  WorkflowArtifactRecord,
  WorkflowRunRecord,
  WorkflowStageRecord,
} from "../types.js";

/**
 * Runs, stages, logs and artifacts (the engine's `WorkflowPersistence`).
 *
 * Every method validates its input before any SQL runs: bad input is a
 * `ValidationError` naming the field, and nothing is written. A call that
 * throws has changed nothing. Unless a method says otherwise it is one
 * statement; on an instance from `transaction()` (or made on an application's
 * transaction) it runs inside that transaction.
 */
export interface WorkflowPersistence {
  /**
   * Creates a PENDING run: `config` `{}`, `priority` 5, cost and tokens 0 by
   * default; `id` generated (UUIDv7) unless given. `metadata` keys go into
   * same-named columns the application added to `workflow_runs`.
   * @throws ConflictError when a run with that id exists.
   *
   * @example
   * ```ts
   * const run = await persistence.createRun({
   *   workflowId: "summarize", workflowName: "Summarize", workflowType: "document-pipeline", input: { url },
   * }); // PENDING, priority 5, an id of its own (UUIDv7) unless data.id gives one
   * ```
   */
  createRun(data: CreateRunInput): Promise<WorkflowRunRecord>;
  /**
   * Sets the given fields (and `updatedAt`); `undefined` leaves a field alone,
   * `null` clears a nullable one.
   * @throws NotFoundError when there is no such run.
   */
  updateRun(id: string, data: UpdateRunInput): Promise<void>;
  /** The run, or null. */
  getRun(id: string): Promise<WorkflowRunRecord | null>;
  /** The run's status alone, or null when there is no such run. */
  getRunStatus(id: string): Promise<Status | null>;
  /** Runs in `status`, oldest first (then by id). */
  getRunsByStatus(status: Status): Promise<WorkflowRunRecord[]>;
  /** Atomically PENDING → RUNNING (with `startedAt`); true only for the one caller that won. */
  claimPendingRun(id: string): Promise<boolean>;
  /**
   * Claims the PENDING run with the highest priority, then oldest `createdAt`,
   * then id, in one statement (PostgreSQL: `FOR UPDATE SKIP LOCKED`), or returns null.
   *
   * @example
   * ```ts
   * const run = await persistence.claimNextPendingRun(); // null when no run is PENDING
   * if (run) await startRun(run); // this caller is the only one that got it
   * ```
   */
  claimNextPendingRun(): Promise<WorkflowRunRecord | null>;

  /**
   * Creates a stage, PENDING unless `status` is given.
   * @throws NotFoundError when the run does not exist; ConflictError when the run already has this `stageId`.
   */
  createStage(data: CreateStageInput): Promise<WorkflowStageRecord>;
  /**
   * Creates the stage (RUNNING, started now, unless `create` says otherwise) or,
   * when it exists, applies `update` (any UpdateStageInput field). One
   * `INSERT … ON CONFLICT`: racing callers get the same single row.
   * @throws NotFoundError when the run does not exist.
   */
  upsertStage(data: UpsertStageInput): Promise<WorkflowStageRecord>;
  /**
   * Sets the given fields of the stage with this database id (and `updatedAt`);
   * `artifacts` is accepted and not stored (no column).
   * @throws NotFoundError when there is no such stage.
   */
  updateStage(id: string, data: UpdateStageInput): Promise<void>;
  /**
   * `updateStage`, addressing the stage by its run and `stageId`.
   * @throws NotFoundError when there is no such stage.
   */
  updateStageByRunAndStageId(workflowRunId: string, stageId: string, data: UpdateStageInput): Promise<void>;
  /** The stage `stageId` of the run, or null. */
  getStage(workflowRunId: string, stageId: string): Promise<WorkflowStageRecord | null>;
  /** The stage with this database id, or null. */
  getStageById(id: string): Promise<WorkflowStageRecord | null>;
  /** The run's stages by `executionGroup`, then `stageNumber` (then `stageId`), `asc` by default; optionally of one status. */
  getStagesByRun(workflowRunId: string, options?: GetStagesByRunOptions): Promise<WorkflowStageRecord[]>;
  /** SUSPENDED stages of every run with `nextPollAt` at or before `beforeDate`, earliest first. */
  getSuspendedStages(beforeDate: Date): Promise<WorkflowStageRecord[]>;
  /** The earliest (in pipeline order) SUSPENDED stage of the run with no poll pending, or null. */
  getFirstSuspendedStageReadyToResume(workflowRunId: string): Promise<WorkflowStageRecord | null>;
  /** The earliest (in pipeline order) FAILED stage of the run, or null. */
  getFirstFailedStage(workflowRunId: string): Promise<WorkflowStageRecord | null>;
  /** The latest (in pipeline order) COMPLETED stage of the run, or null. */
  getLastCompletedStage(workflowRunId: string): Promise<WorkflowStageRecord | null>;
  /** The latest COMPLETED stage of the run in a group before `executionGroup`, or null. */
  getLastCompletedStageBefore(workflowRunId: string, executionGroup: number): Promise<WorkflowStageRecord | null>;
  /**
   * Deletes the stage with its logs (cascade); its artifacts stay, unlinked.
   * @throws NotFoundError when there is no such stage.
   */
  deleteStage(id: string): Promise<void>;

  /**
   * Appends a log line, of a run, a stage, both or neither.
   * @throws NotFoundError when a given run or stage does not exist.
   */
  createLog(data: CreateLogInput): Promise<void>;

  /**
   * Saves the artifact `key` of the run (`INSERT … ON CONFLICT`). On an existing
   * key it replaces data, size and type, and stage link and metadata only when
   * given. `size` defaults to the UTF-8 bytes of the stored JSON.
   * @throws NotFoundError when the run (or a given stage) does not exist;
   *   ValidationError when the data is over `maxArtifactBytes`.
   */
  saveArtifact(data: SaveArtifactInput): Promise<void>;
  /** The artifact's stored JSON value, or `undefined` when the run has no such key. */
  loadArtifact(workflowRunId: string, key: string): Promise<unknown>;
  /** Whether the run has an artifact `key`. */
  hasArtifact(workflowRunId: string, key: string): Promise<boolean>;
  /**
   * Deletes the artifact `key` of the run.
   * @throws NotFoundError when there is no such artifact.
   */
  deleteArtifact(workflowRunId: string, key: string): Promise<void>;
  /** The run's artifacts by `createdAt`, then key. */
  listArtifacts(workflowRunId: string): Promise<WorkflowArtifactRecord[]>;
  /** The database id of the stage `stageId` of the run, or null. */
  getStageIdForArtifact(workflowRunId: string, stageId: string): Promise<string | null>;

  /**
   * Stores a stage's output as the STAGE_OUTPUT artifact
   * `workflow-v2/{workflowType}/{runId}/{stageId}/output.json`, linked to the
   * stage row when it exists, and returns the key.
   * @throws NotFoundError when the run does not exist.
   */
  saveStageOutput(workflowRunId: string, workflowType: string, stageId: string, output: unknown): Promise<string>;

  /**
   * Runs `work` atomically: every call made through `tx` commits together or
   * not at all (SQLite: `BEGIN IMMEDIATE`). Calls on a queue, logger or blob
   * store made from the same handle join it while `work` runs. A nested call
   * joins the open transaction under a savepoint (its writes are undone when
   * it throws); so does every call on an instance made on an application's
   * transaction.
   *
   * @example
   * ```ts
   * const key = await persistence.transaction(async (tx) => {
   *   await tx.updateStage(stageId, { status: "COMPLETED", completedAt: new Date() });
   *   return tx.saveStageOutput(runId, "document-pipeline", "extract", { pages: 12 });
   * }); // both or neither
   * ```
   */
  transaction<T>(work: (tx: WorkflowPersistence) => Promise<T>): Promise<T>;
}
