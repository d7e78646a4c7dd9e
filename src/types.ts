/**
 * The specification's record and input types, one source of truth for the
 * whole library. Names and shapes follow the workflow engine's persistence
 * interfaces so that this package is a drop-in replacement.
 */

/** Unified status of runs, stages and jobs. */
export type Status = "PENDING" | "RUNNING" | "SUSPENDED" | "COMPLETED" | "FAILED" | "CANCELLED" | "SKIPPED";
export const STATUSES: readonly Status[] = [
  "PENDING",
  "RUNNING",
  "SUSPENDED",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "SKIPPED",
];
/** @deprecated Use Status. */
export type WorkflowStatus = Status;
/** @deprecated Use Status. */
export type WorkflowStageStatus = Status;
/** @deprecated Use Status. */
export type JobStatus = Status;

export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";
export const LOG_LEVELS: readonly LogLevel[] = ["DEBUG", "INFO", "WARN", "ERROR"];

export type ArtifactType = "STAGE_OUTPUT" | "ARTIFACT" | "METADATA";
export const ARTIFACT_TYPES: readonly ArtifactType[] = ["STAGE_OUTPUT", "ARTIFACT", "METADATA"];

export interface WorkflowRunRecord {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  workflowId: string;
  workflowName: string;
  workflowType: string;
  status: Status;
  startedAt: Date | null;
  completedAt: Date | null;
  duration: number | null;
  input: unknown;
  output: unknown | null;
  config: unknown;
  totalCost: number;
  totalTokens: number;
  priority: number;
}

export interface WorkflowStageRecord {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  workflowRunId: string;
  stageId: string;
  stageName: string;
  stageNumber: number;
  executionGroup: number;
  status: Status;
  startedAt: Date | null;
  completedAt: Date | null;
  duration: number | null;
  inputData: unknown | null;
  outputData: unknown | null;
  config: unknown | null;
  suspendedState: unknown | null;
  resumeData: unknown | null;
  nextPollAt: Date | null;
  pollInterval: number | null;
  maxWaitUntil: Date | null;
  metrics: unknown | null;
  embeddingInfo: unknown | null;
  errorMessage: string | null;
}

export interface WorkflowLogRecord {
  id: string;
  createdAt: Date;
  workflowRunId: string | null;
  workflowStageId: string | null;
  level: LogLevel;
  message: string;
  metadata: unknown | null;
}

export interface WorkflowArtifactRecord {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  workflowRunId: string;
  workflowStageId: string | null;
  key: string;
  type: ArtifactType;
  data: unknown;
  size: number;
  metadata: unknown | null;
}

export interface CreateRunInput {
  /** Generated (time-ordered, collision-resistant) when absent. */
  id?: string;
  workflowId: string;
  workflowName: string;
  workflowType: string;
  input: unknown;
  config?: unknown;
  priority?: number;
  /**
   * Domain-specific fields: each key is written to the same-named column that
   * the application added to `workflow_runs`. A key without such a column is a
   * ValidationError.
   */
  metadata?: Record<string, unknown>;
}

/** `undefined` leaves a field alone; `null` clears a nullable one. */
export interface UpdateRunInput {
  status?: Status;
  startedAt?: Date | null;
  completedAt?: Date | null;
  /** Milliseconds; any 32-bit whole number, negative included (a skewed clock minus a database timestamp). */
  duration?: number | null;
  output?: unknown;
  totalCost?: number;
  totalTokens?: number;
}

export interface CreateStageInput {
  workflowRunId: string;
  stageId: string;
  stageName: string;
  stageNumber: number;
  executionGroup: number;
  status?: Status;
  startedAt?: Date;
  config?: unknown;
  inputData?: unknown;
}

/** `undefined` leaves a field alone; `null` clears a nullable one (e.g. `nextPollAt`). */
export interface UpdateStageInput {
  status?: Status;
  startedAt?: Date | null;
  completedAt?: Date | null;
  /** Milliseconds; any 32-bit whole number, negative included (a skewed clock minus a database timestamp). */
  duration?: number | null;
  outputData?: unknown;
  config?: unknown;
  suspendedState?: unknown;
  resumeData?: unknown;
  nextPollAt?: Date | null;
  pollInterval?: number | null;
  maxWaitUntil?: Date | null;
  metrics?: unknown;
  embeddingInfo?: unknown;
  errorMessage?: string | null;
  /**
   * Declared by the engine's own `UpdateStageInput`; the schema has no column
   * for it, so it is accepted and not stored (the engine's Prisma module does
   * not store it either). Artifacts are saved with `saveArtifact`.
   */
  artifacts?: unknown;
}

/**
 * Creates the stage (workflowRunId, stageId) or, when it exists, applies
 * `update` (every UpdateStageInput field it gives).
 */
export interface UpsertStageInput {
  workflowRunId: string;
  stageId: string;
  /** On create, `status` defaults to RUNNING and `startedAt` to now. */
  create: Omit<CreateStageInput, "workflowRunId" | "stageId"> & Partial<Pick<CreateStageInput, "workflowRunId" | "stageId">>;
  /** Applied to an existing stage: any UpdateStageInput field (later engine versions send more than status). */
  update: UpdateStageInput;
}

export interface GetStagesByRunOptions {
  status?: Status;
  /** Direction of the (executionGroup, stageNumber) order; default "asc". */
  orderBy?: "asc" | "desc";
}

export interface CreateLogInput {
  workflowRunId?: string;
  workflowStageId?: string;
  level: LogLevel;
  message: string;
  metadata?: unknown;
}

export interface SaveArtifactInput {
  workflowRunId: string;
  workflowStageId?: string;
  key: string;
  type: ArtifactType;
  data: unknown;
  /** Bytes of the stored JSON; computed (UTF-8 length) when absent. */
  size?: number;
  metadata?: unknown;
}

/** The engine's view of the database: runs, stages, logs and artifacts. */

// --- Job queue -------------------------------------------------------------

export interface EnqueueJobInput {
  workflowRunId: string;
  stageId: string;
  /** Higher runs first; default 5. */
  priority?: number;
  /** Any JSON object; default {}. */
  payload?: Record<string, unknown>;
  /** Not runnable before this time (stored as `nextPollAt`). */
  scheduledFor?: Date;
  /** Attempts before a failing job becomes FAILED; default 3 (the column default). */
  maxAttempts?: number;
}

/** A job claimed by `dequeue`/`dequeueBatch`: RUNNING and locked by this worker. */
export interface DequeueResult {
  jobId: string;
  workflowRunId: string;
  stageId: string;
  priority: number;
  /** This claim's attempt number, starting at 1. */
  attempt: number;
  maxAttempts: number;
  payload: Record<string, unknown>;
}

export interface SuspendedJobReadyToPoll {
  jobId: string;
  stageId: string;
  workflowRunId: string;
}

/** Jobs per status (every status present, zero when none). */
export type QueueStats = Record<Status, number>;


// --- AI-call ledger ---------------------------------------------------------

export interface CreateAICallInput {
  /** Dotted path the call belongs to, e.g. `workflow.<runId>.stage.<stageId>`. */
  topic: string;
  callType: string;
  modelKey: string;
  modelId: string;
  prompt: string;
  response: string;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  metadata?: unknown;
}

export interface AIModelStats {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

export interface AIHelperStats {
  totalCalls: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  totalCost: number;
  perModel: Record<string, AIModelStats>;
}

