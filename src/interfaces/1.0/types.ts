/**
 * The record and input types of the engine's 1.0 persistence contract. Each
 * is the 0.12 type with what 1.0 added (definition versions, redrives, the
 * job fence and fairness group, the cost figures of an AI call); the types 1.0
 * did not change are the 0.12 ones, re-exported from this entry under the
 * same names.
 */
import type * as V012 from "../0.12/types.js";
import type { CreateAICallInput as CreateAICallInput01, Status } from "../../types.js";

export interface WorkflowRunRecord extends V012.WorkflowRunRecord {
  /**
   * The definition version the run is pinned to; null for a run created
   * before the application pinned versions (any host may claim it).
   */
  definitionVersion: string | null;
  /** How many times `run.redrive` re-drove the run. */
  redriveCount: number;
}

export interface CreateRunInput extends V012.CreateRunInput {
  /** The definition version to pin the run to; null or absent: unpinned. */
  definitionVersion?: string | null;
}

export interface UpdateRunInput extends V012.UpdateRunInput {
  /** Re-pins the run (`run.redrive`); null unpins it. */
  definitionVersion?: string | null;
  /** The redrive count to store (absolute: `run.redrive` writes current + 1). */
  redriveCount?: number;
}

export type { WorkflowStageRecord, CreateStageInput } from "../0.12/types.js";

export interface UpdateStageInput extends V012.UpdateStageInput {
  /** The record's attempt counter (job retries and in-place redrives bump it). */
  attempt?: number;
}

export interface UpsertStageInput extends Omit<V012.UpsertStageInput, "update"> {
  update: UpdateStageInput;
}

/** The run statuses retention may delete. */
export type PurgeableRunStatus = "COMPLETED" | "FAILED" | "CANCELLED";

/** A run `listRunsForPurge` found eligible for deletion. */
export interface PurgeableRun {
  id: string;
  workflowType: string;
  status: PurgeableRunStatus;
  /** The row id of every stage record of the run (to clear a step ledger first). */
  stageRecordIds: string[];
}

/** A stored workflow definition snapshot, keyed by (workflowId, version). */
export interface WorkflowDefinitionRecord {
  workflowId: string;
  version: string;
  createdAt: Date;
  /** The definition snapshot as the engine wrote it. */
  snapshot: unknown;
  /** Hash of `snapshot` (equal to `version` for derived versions). */
  structureHash: string;
}

/** Input of `insertDefinitionIfAbsent`. */
export interface CreateDefinitionInput {
  workflowId: string;
  version: string;
  snapshot: unknown;
  structureHash: string;
}

/** One (workflowId, definitionVersion, status) bucket and its run count. */
export interface DefinitionVersionCount {
  workflowId: string;
  /** null: runs created before definition versioning. */
  definitionVersion: string | null;
  status: Status;
  count: number;
  /** When the bucket's oldest run was created. */
  oldestCreatedAt: Date | null;
}

/** Filter of `countRunsByDefinitionVersion` (all given parts must hold). */
export interface DefinitionVersionCountFilter {
  workflowId?: string;
  definitionVersion?: string;
  status?: readonly Status[];
}

/** A (workflowId, version) pair a host serves; compared as a pair. */
export interface ServedDefinition {
  workflowId: string;
  version: string;
}

export interface ClaimNextPendingRunOptions {
  /** Written as the run's `startedAt` and `updatedAt` (the kernel's clock); default: the database's clock. */
  now?: Date;
  /**
   * Only runs pinned to one of these pairs, or unpinned runs of a workflow
   * one of them names; `[]` claims nothing; absent: any pending run.
   */
  serves?: readonly ServedDefinition[];
}

export interface GetSuspendedStagesOptions {
  /** At most this many stages (oldest `nextPollAt` first). */
  limit?: number;
  /** The same filter as claimNextPendingRun's, on each stage's run. */
  serves?: readonly ServedDefinition[];
}

// --- Job queue ---

export interface EnqueueJobInput extends V012.EnqueueJobInput {
  /** The fairness group (a tenant, say); kept in the payload as `_groupKey`. */
  groupKey?: string;
  /** The run's definition version; kept in the payload as `_definitionVersion`, for `dequeue({ serves })`. */
  definitionVersion?: string | null;
}

export interface DequeueResult extends V012.DequeueResult {
  /** The claim's stamp: hand it back, with `attempt`, as the JobAckFence of its acknowledgement. */
  startedAt: Date;
}

export interface DequeueOptions {
  /**
   * Only jobs whose run this caller serves: a job pinned to a
   * `_definitionVersion` must match a pair; one without must have its
   * workflow named by a pair.
   */
  serves?: readonly ServedDefinition[];
}

/** Which claim an acknowledgement belongs to: `startedAt` and `attempt` of its DequeueResult. */
export interface JobAckFence {
  startedAt: Date;
  attempt: number;
}

/**
 * A concurrency cap per group of jobs: a group holding `maxConcurrentPerGroup`
 * RUNNING jobs is skipped by the dequeue, so a flood from one group cannot
 * starve the others.
 */
export interface JobQueueFairness {
  /** RUNNING jobs one group may hold at once (at least 1). */
  maxConcurrentPerGroup: number;
  /** Dotted path into the payload naming the group; default `"_groupKey"`. Jobs without one share a group. */
  groupBy?: string;
}

/** `"superseded"`: nothing was written, the job is no longer the claim the fence names. */
export type JobAckOutcome = "acknowledged" | "superseded";

/** A job row as getJobsByWorkflowRun returns it (the payload without the queue's own keys). */
export type { JobRecord } from "../0.12/types.js";

// --- AI calls ---

/** The cost figures 1.0 records for a call (all optional; stored as nullable columns). */
export interface AICallCostFields {
  batchId?: string;
  requestId?: string;
  /** The catalogue estimate, computed even when the provider reported a cost. */
  estimatedCost?: number;
  /** The provider's own USD figure, when it reported one. */
  reportedCost?: number;
  /** `"reported"` or `"estimated"`: which figure `cost` is. */
  costSource?: string;
  /** The endpoint that served the request, when known. */
  servedBy?: string;
  /** Input tokens served from the prompt cache (part of inputTokens). */
  cachedInputTokens?: number;
  /** Reasoning tokens (part of outputTokens). */
  reasoningTokens?: number;
}

export interface CreateAICallInput extends CreateAICallInput01, AICallCostFields {}

/** A recorded AI call, as `listCalls` returns it: absent cost fields were not recorded. */
export interface AICallRecord extends AICallCostFields {
  id: string;
  createdAt: Date;
  topic: string;
  callType: string;
  modelKey: string;
  modelId: string;
  prompt: string;
  response: string;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  metadata: unknown | null;
}
