import type { ColumnType, Kysely } from "kysely";
import type { Database } from "../database/database.js";
import type { Generated, Json, Timestamp } from "../database/schema.generated.js";

// The tables and columns the 0.12 contract adds, as Kysely sees them. Written
// by hand: the generated Database type describes the default (0.1) schema,
// which `npm run codegen` reads from a database migrated without a target.

/** Annotations (`workflow_annotations`), 0.12 and later. @group Schema types */
export interface WorkflowAnnotationsTable {
  id: string;
  createdAt: Generated<Timestamp>;
  workflowRunId: string;
  workflowStageRecordId: string | null;
  attempt: Generated<number>;
  scope: string;
  scopeId: string | null;
  actorKind: string | null;
  actorId: string | null;
  actorVersion: string | null;
  key: string;
  value: Json;
  payload: Json | null;
  idempotencyKey: string | null;
}

/** The outbox (`outbox_events`), 0.12 and later. @group Schema types */
export interface OutboxEventsTable {
  id: string;
  createdAt: Generated<Timestamp>;
  workflowRunId: string;
  sequence: number;
  eventType: string;
  payload: Json;
  causationId: string;
  occurredAt: Timestamp;
  publishedAt: Timestamp | null;
  retryCount: Generated<number>;
  dlqAt: Timestamp | null;
}

/** Idempotency keys (`idempotency_keys`), 0.12 and later. @group Schema types */
export interface IdempotencyKeysTable {
  id: string;
  createdAt: Generated<Timestamp>;
  key: string;
  commandType: string;
  result: Json;
}

export interface Database012 extends Omit<Database, "workflow_runs" | "workflow_stages"> {
  workflow_runs: Database["workflow_runs"] & { version: Generated<number> } & { metadata: ColumnType<Json | null> };
  workflow_stages: Database["workflow_stages"] & { version: Generated<number> } & { attempt: Generated<number> };
  workflow_annotations: WorkflowAnnotationsTable;
  outbox_events: OutboxEventsTable;
  idempotency_keys: IdempotencyKeysTable;
}

/** The context's connection, typed with the 0.12 tables (only 0.12 instances run these queries). */
export const db012 = (ctx: { db: Kysely<Database> }) => ctx.db as unknown as Kysely<Database012>;
