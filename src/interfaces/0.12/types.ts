/**
 * The record and input types of the engine's 0.12 persistence contract. Each
 * is the 0.1 type with what 0.12 added; the types 0.12 did not change (Status,
 * LogLevel, log and artifact records, AI calls, …) are the 0.1 ones,
 * re-exported from this entry under the same names.
 */
import type * as V01 from "../../types.js";
import type { Status } from "../../types.js";

export interface WorkflowRunRecord extends V01.WorkflowRunRecord {
  /** 1 at creation; every update and claim adds 1. */
  version: number;
  /** CreateRunInput.metadata as given, or null. */
  metadata: unknown | null;
}

export interface WorkflowStageRecord extends V01.WorkflowStageRecord {
  /** 1 at creation; every update (also through upsertStage) adds 1. */
  version: number;
  /** Rerun generation: 0 for the original execution. */
  attempt: number;
}

export interface CreateRunInput extends Omit<V01.CreateRunInput, "metadata"> {
  /** Stored as one JSON value on the run (not spread into columns, as 0.1 did). */
  metadata?: Record<string, unknown>;
}

export interface UpdateRunInput extends V01.UpdateRunInput {
  /** Compare-and-set: write only if the run is at this version, else StaleVersionError. */
  expectedVersion?: number;
}

export interface CreateStageInput extends V01.CreateStageInput {
  /** Rerun generation; default 0. */
  attempt?: number;
}

export interface UpdateStageInput extends V01.UpdateStageInput {
  /** Compare-and-set: write only if the stage is at this version, else StaleVersionError. */
  expectedVersion?: number;
}

export interface UpsertStageInput {
  workflowRunId: string;
  stageId: string;
  create: Omit<CreateStageInput, "workflowRunId" | "stageId"> & Partial<Pick<CreateStageInput, "workflowRunId" | "stageId">>;
  update: UpdateStageInput;
}

/** Who or what wrote an annotation; `kind` is open ("agent", "user", "system", …). */
export interface AnnotationActor {
  kind?: string;
  id?: string;
  version?: string;
}

/** Which entity of a run an annotation describes; other strings are allowed. */
export type AnnotationScope = "run" | "stage" | "ai_call" | (string & {});

export interface WorkflowAnnotationRecord {
  id: string;
  createdAt: Date;
  workflowRunId: string;
  workflowStageRecordId: string | null;
  attempt: number;
  scope: AnnotationScope;
  scopeId: string | null;
  actorKind: string | null;
  actorId: string | null;
  actorVersion: string | null;
  key: string;
  value: unknown;
  payload: unknown | null;
  idempotencyKey: string | null;
}

export interface CreateAnnotationInput {
  workflowRunId: string;
  workflowStageRecordId?: string | null;
  /** Default 0. */
  attempt?: number;
  scope: AnnotationScope;
  scopeId?: string | null;
  actor?: AnnotationActor;
  key: string;
  value: unknown;
  payload?: unknown;
  /** With a key, a second row with the same (run, key, idempotencyKey) is skipped. */
  idempotencyKey?: string | null;
  /** For the engine (it emits an `annotation:created` outbox event); not stored. */
  emitEvent?: boolean;
}

/** Filters of listAnnotations, all AND-ed. */
export interface AnnotationFilters {
  key?: string;
  /** Literal prefix: case-sensitive, `%` and `_` match only themselves. */
  keyPrefix?: string;
  scope?: AnnotationScope;
  /** null: annotations without a scopeId. */
  scopeId?: string | null;
  actorId?: string;
  actorKind?: string;
  attempt?: number;
  /** createdAt at or after. */
  since?: Date;
  /** createdAt at or before. */
  until?: Date;
  /** Default 1,000. */
  limit?: number;
}

export interface OutboxRecord {
  id: string;
  workflowRunId: string;
  /** 1, 2, 3, … per run, in append order, without gaps. */
  sequence: number;
  eventType: string;
  payload: unknown;
  causationId: string;
  occurredAt: Date;
  publishedAt: Date | null;
  retryCount: number;
  dlqAt: Date | null;
}

export interface CreateOutboxEventInput {
  /** Need not name an existing run (the outbox has no foreign keys). */
  workflowRunId: string;
  eventType: string;
  payload: unknown;
  causationId: string;
  occurredAt: Date;
}

export interface IdempotencyRecord {
  key: string;
  commandType: string;
  result: unknown;
  createdAt: Date;
}

export type AcquireIdempotencyKeyResult =
  | { status: "acquired" }
  | { status: "replay"; result: unknown }
  | { status: "in_progress" };

export interface AcquireIdempotencyKeyOptions {
  /** The caller's clock: stored as the key's acquisition time and used for the staleness check. Default: now. */
  now?: Date;
  /** An in-progress key at least this old (by `now`) is taken over; omitted, never. */
  staleInProgressAfterMs?: number;
}

export interface GetStagesByRunOptions {
  status?: Status;
  orderBy?: "asc" | "desc";
}

// --- Job queue ---

export interface EnqueueJobInput extends V01.EnqueueJobInput {
  /** The run's workflow; kept in the job's payload as `_workflowId`, as the engine's own queue does. */
  workflowId: string;
}

export interface DequeueResult extends V01.DequeueResult {
  workflowId: string;
}

/** A job row as getJobsByWorkflowRun returns it. */
export interface JobRecord {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  workflowRunId: string;
  workflowId: string;
  stageId: string;
  status: Status;
  priority: number;
  workerId: string | null;
  lockedAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  attempt: number;
  maxAttempts: number;
  lastError: string | null;
  nextPollAt: Date | null;
  /** Without the `_workflowId` key (it is `workflowId`). */
  payload: Record<string, unknown>;
}
