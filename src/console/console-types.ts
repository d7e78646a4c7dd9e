/**
 * The engine's console read contract (`ConsoleReadPort`, from its 1.0
 * console package), as its types say: what an operational console can show,
 * read through the connection (or transaction) the caller already has.
 */
import type { Status } from "../types.js";

/** Run, stage and job states: the engine's `Status`. */
export type ConsoleStatus = Status;

/** Every ConsoleStatus, in the engine's order. */
export const CONSOLE_STATUSES: readonly ConsoleStatus[] = ["PENDING", "RUNNING", "SUSPENDED", "COMPLETED", "FAILED", "CANCELLED", "SKIPPED"];

/** Whether `value` names a ConsoleStatus. */
export function isConsoleStatus(value: string): value is ConsoleStatus {
  return (CONSOLE_STATUSES as readonly string[]).includes(value);
}

/** A row of the runs list: no input, output or config (a list carries no payloads). */
export interface RunSummary {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  workflowId: string;
  workflowName: string;
  workflowType: string;
  status: ConsoleStatus;
  startedAt: Date | null;
  completedAt: Date | null;
  duration: number | null;
  totalCost: number;
  totalTokens: number;
  priority: number;
  /** Null before the 1.0 contract. */
  definitionVersion: string | null;
  /** 0 before the 1.0 contract. */
  redriveCount: number;
}

export interface StageSummary {
  id: string;
  workflowRunId: string;
  stageId: string;
  stageName: string;
  stageNumber: number;
  executionGroup: number;
  /** 0 (the column's default) on a 0.1 database, which keeps no attempts. */
  attempt: number;
  status: ConsoleStatus;
  startedAt: Date | null;
  completedAt: Date | null;
  duration: number | null;
  nextPollAt: Date | null;
  pollInterval: number | null;
  maxWaitUntil: Date | null;
  errorMessage: string | null;
}

/** A durable step of the step ledger (1.0). */
export interface StepSummary {
  id: string;
  stageRecordId: string;
  stepId: string;
  seq: number;
  kind: string;
  status: string;
  attempt: number;
  leaseExpiresAt: Date | null;
  deadlineAt: Date | null;
  /** The name of the external effect a `run` step creates; null for other kinds. */
  externalKey: string | null;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AnnotationSummary {
  id: string;
  createdAt: Date;
  workflowRunId: string;
  workflowStageRecordId: string | null;
  attempt: number;
  scope: string;
  scopeId: string | null;
  actorKind: string | null;
  actorId: string | null;
  key: string;
  value: unknown;
}

export interface LogEntry {
  id: string;
  createdAt: Date;
  workflowRunId: string | null;
  workflowStageId: string | null;
  level: string;
  message: string;
}

/** An outbox row read as a run's event timeline (0.12 and later). */
export interface RunEvent {
  id: string;
  workflowRunId: string;
  sequence: number;
  eventType: string;
  occurredAt: Date;
  publishedAt: Date | null;
  retryCount: number;
  dlqAt: Date | null;
}

export interface RunDetail {
  run: RunSummary & { input: unknown; output: unknown; config: unknown; metadata: unknown };
  /** By execution group, then stage number. */
  stages: StageSummary[];
  steps: StepSummary[];
  annotations: AnnotationSummary[];
  logs: LogEntry[];
  events: RunEvent[];
  /** True where a list was cut off at its limit. */
  truncated: { steps: boolean; annotations: boolean; logs: boolean; events: boolean };
}

export interface RunListFilters {
  status?: ConsoleStatus[];
  workflowId?: string;
  workflowType?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  definitionVersion?: string;
}

export interface RunListQuery {
  filters?: RunListFilters;
  /** The `nextCursor` of the previous page (keyset, never an offset). */
  cursor?: string;
  limit?: number;
}

export interface RunListPage {
  runs: RunSummary[];
  nextCursor: string | null;
}

export interface QueueHealth {
  countsByStatus: Record<ConsoleStatus, number>;
  /** Enqueue time of the oldest PENDING job. */
  oldestPendingAt: Date | null;
  /** The oldest `lockedAt` among RUNNING jobs: older than the reaper's threshold means a stuck worker. */
  oldestLeaseAt: Date | null;
  /** SUSPENDED jobs whose nextPollAt has passed. */
  overduePolls: number;
}

/** A worker, seen through the RUNNING jobs it holds (there is no worker table). */
export interface WorkerInstance {
  workerId: string;
  runningJobs: number;
  oldestLockedAt: Date | null;
  /** The newest lease it refreshed: its last heartbeat. */
  lastSeenAt: Date | null;
}

export interface SuspendedStage {
  id: string;
  workflowRunId: string;
  workflowId: string;
  stageId: string;
  stageName: string;
  attempt: number;
  nextPollAt: Date | null;
  pollInterval: number | null;
  maxWaitUntil: Date | null;
}

export interface DeadLetter {
  id: string;
  workflowRunId: string;
  sequence: number;
  eventType: string;
  retryCount: number;
  occurredAt: Date;
  dlqAt: Date | null;
}

export interface CostBucket {
  /** The workflow id, or the UTC day (`YYYY-MM-DD`). */
  key: string;
  runs: number;
  cost: number;
  tokens: number;
}

export interface CostQuery {
  by: "workflow" | "day";
  /** Runs created at or after. */
  from?: Date;
  /** Runs created before. */
  to?: Date;
}

/** What a reader can serve; a console hides the rest. */
export interface ConsoleCapabilities {
  runs: boolean;
  steps: boolean;
  annotations: boolean;
  queue: boolean;
  suspended: boolean;
  deadLetters: boolean;
  workers: boolean;
  costs: boolean;
}

export interface RunDetailOptions {
  stepLimit?: number;
  annotationLimit?: number;
  logLimit?: number;
  eventLimit?: number;
}

export interface ConsoleReadPort {
  readonly capabilities: ConsoleCapabilities;
  /** Newest first, keyset-paged on (createdAt, id); no total count. */
  listRuns(query: RunListQuery): Promise<RunListPage>;
  /** The run with its stages, steps, annotations, logs and events; null when there is no such run. */
  getRunDetail(runId: string, options?: RunDetailOptions): Promise<RunDetail | null>;
  /** A run's events after `afterSequence` (0: from the start), by sequence. */
  listRunEvents(runId: string, afterSequence: number, limit?: number): Promise<RunEvent[]>;
  /** Jobs by status, the oldest PENDING job, the oldest lease, overdue polls. */
  getQueueHealth(): Promise<QueueHealth>;
  /** SUSPENDED stages, the next to poll first. */
  listSuspendedStages(limit?: number): Promise<SuspendedStage[]>;
  /** Dead-lettered outbox events, the newest first. */
  listDeadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Workers holding RUNNING jobs, the longest-held lease first. */
  listWorkers(): Promise<WorkerInstance[]>;
  /** Runs, cost and tokens by workflow (largest cost first) or by UTC day (latest first). */
  getCosts(query: CostQuery): Promise<CostBucket[]>;
}
