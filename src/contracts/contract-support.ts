import type { Expression, Kysely } from "kysely";
import type { z } from "zod";
import type { ContractVersion } from "../database/migrations/contract-versions.js";
import type { Database } from "../database/database.js";
import type { DialectSupport } from "../dialects/dialect-support.js";

/** A row as a driver returns it: values still in the database's format. */
export type Row = Record<string, unknown>;

/**
 * What a contract's hooks read of a call's context: the query context
 * (database/query-context.ts), narrowed to its connection and dialect. The
 * query context holds a ContractSupport, so this file names only the part it
 * needs rather than importing it.
 */
export interface ContractCallContext {
  readonly db: Kysely<Database>;
  readonly dialect: DialectSupport;
}

/** Columns a record reads besides the 0.1 ones, split like record-columns.ts splits them. */
export interface ExtraColumns {
  plain: readonly string[];
  json: readonly string[];
}

/** The input schemas whose shape differs between contract versions. */
export interface ContractSchemas {
  createRun: z.ZodType<any>;
  updateRun: z.ZodType<any>;
  createStage: z.ZodType<any>;
  upsertStage: z.ZodType<any>;
  updateStage: z.ZodType<any>;
  enqueueJob: z.ZodType<any>;
  enqueueJobs: z.ZodType<any[]>;
}

/**
 * Everything that differs between the engine's persistence contracts (0.1 and
 * 0.12), in one place per version, as DialectSupport is for the databases.
 * The query core asks this object for the few pieces that differ; the methods
 * only 0.12 has live in files of their own and are wired by its factories.
 */
export interface ContractSupport {
  readonly version: ContractVersion;
  readonly schemas: ContractSchemas;

  /** A `LogLevel` / `ArtifactType` value: an enum type on PostgreSQL in 0.1, TEXT in 0.12. */
  label(dialect: DialectSupport, type: "LogLevel" | "ArtifactType", value: string): Expression<any>;

  /** Columns of run and stage records beyond 0.1's (`version`, `metadata`, `attempt`). */
  readonly extraColumns: { workflow_runs: ExtraColumns; workflow_stages: ExtraColumns };
  /** The fields those columns add to a record. */
  runFields(row: Row, dialect: DialectSupport): Record<string, unknown>;
  stageFields(row: Row, dialect: DialectSupport): Record<string, unknown>;

  /**
   * Columns of a new run that come from the contract: 0.1 spreads `metadata`
   * into columns the application added; 0.12 stores it as one JSON value;
   * 1.0 also pins the definition version.
   */
  newRunColumns(ctx: ContractCallContext, operation: string, input: NewRunFields): Promise<Record<string, unknown>>;
  /** Columns of a new stage that come from the contract (0.12: `attempt`). */
  newStageColumns(fields: Record<string, unknown>): Record<string, unknown>;

  /**
   * SET entries every run or stage write adds (0.12: `version = version + 1`,
   * the column qualified by `table`, which an upsert's DO UPDATE needs).
   */
  versionBump(table: "workflow_runs" | "workflow_stages"): Record<string, Expression<any>>;
  /**
   * The error for a compare-and-set that found `actual` (-1: no row) instead
   * of `expected`: the class the caller handed in, or ours.
   */
  staleVersion(entity: "WorkflowRun" | "WorkflowStage", id: string, expected: number, actual: number): Error;

  /**
   * A job's payload as stored, split into what the caller sees: 0.12 keeps
   * the job's workflowId in the payload (`_workflowId`, as the engine's own
   * implementation does) and hands it back as a field of its own.
   */
  jobFields(payload: unknown): { payload: Record<string, unknown>; workflowId?: string };
  /** Fields a claim adds to the job it hands out, from the claimed row (1.0: the `startedAt` fence). */
  claimedJobFields(row: Row, dialect: DialectSupport): Record<string, unknown>;
  /** 0.12: completing or failing a SUSPENDED job works from any queue instance (nobody holds it). */
  readonly acknowledgesSuspendedJobs: boolean;
  /**
   * The `lastError` releaseStaleJobs writes on a job it returns to PENDING,
   * or gives up on (`gaveUp`: no attempts left); null leaves lastError as it
   * was. 1.0 prefixes both with LEASE_HEARTBEAT_LOST, so a reclaimed lease is
   * told from a stage's failure; 0.1 and 0.12 write only the give-up.
   */
  staleLeaseError(staleThresholdMs: number, gaveUp: boolean): string | null;
}

/** The parsed createRun fields a contract turns into columns of its own. */
export interface NewRunFields {
  metadata?: unknown;
  definitionVersion?: string | null;
}
