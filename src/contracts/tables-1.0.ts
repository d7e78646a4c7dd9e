import type { ColumnType, Kysely } from "kysely";
import type {
  AiCallsTable,
  JobQueueTable,
  WorkflowArtifactsTable,
  WorkflowLogsTable,
  WorkflowRunsTable,
  WorkflowStagesTable,
} from "../database/database.js";
import type { Generated, Json, Timestamp } from "../database/schema.generated.js";
import type { IdempotencyKeysTable, OutboxEventsTable, WorkflowAnnotationsTable } from "./tables-0.12.js";

// The tables and columns the 1.0 contract adds, as Kysely sees them. Written
// by hand, as the 0.12 ones are: the generated Database type describes the
// default (0.1) schema.

/** The step ledger (`workflow_steps`). @group Schema types */
export interface WorkflowStepsTable {
  id: string;
  stageRecordId: string;
  stepId: string;
  seq: number;
  kind: string;
  status: string;
  attempt: Generated<number>;
  leaseExpiresAt: Timestamp | null;
  deadlineAt: Timestamp | null;
  externalKey: string | null;
  result: Json | null;
  error: string | null;
  waitState: Json | null;
  createdAt: Generated<Timestamp>;
  updatedAt: Timestamp;
}

/** Definition snapshots (`workflow_definitions`). @group Schema types */
export interface WorkflowDefinitionsTable {
  workflowId: string;
  version: string;
  createdAt: Generated<Timestamp>;
  snapshot: Json;
  structureHash: string;
}

/** The engine's blob table (`workflow_blobs`), opt-in. @group Schema types */
export interface WorkflowBlobsTable {
  key: string;
  data: Json;
  createdAt: Generated<Timestamp>;
  updatedAt: Timestamp;
}

/** The AI-call columns 1.0 added (all nullable). @group Schema types */
export interface AiCallCostColumns {
  batchId: string | null;
  requestId: string | null;
  estimatedCost: number | null;
  reportedCost: number | null;
  costSource: string | null;
  servedBy: string | null;
  cachedInputTokens: number | null;
  reasoningTokens: number | null;
}

/**
 * The 1.0 schema as Kysely sees it: the 0.1 tables with the columns 0.12 and
 * 1.0 added, and the tables they added. Spelled out (not derived with Omit)
 * so the reference shows every table.
 * @group Schema types
 */
export interface Database10 {
  workflow_runs: WorkflowRunsTable & {
    version: Generated<number>;
    metadata: ColumnType<Json | null>;
    definitionVersion: string | null;
    redriveCount: Generated<number>;
  };
  workflow_stages: WorkflowStagesTable & { version: Generated<number>; attempt: Generated<number> };
  workflow_logs: WorkflowLogsTable;
  workflow_artifacts: WorkflowArtifactsTable;
  job_queue: JobQueueTable;
  ai_calls: AiCallsTable & AiCallCostColumns;
  workflow_annotations: WorkflowAnnotationsTable;
  outbox_events: OutboxEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  workflow_steps: WorkflowStepsTable;
  workflow_definitions: WorkflowDefinitionsTable;
  workflow_blobs: WorkflowBlobsTable;
}

/** The context's connection, typed with the 1.0 tables (only 1.0 instances run these queries). */
export const db10 = (ctx: { db: Kysely<any> }) => ctx.db as unknown as Kysely<Database10>;
