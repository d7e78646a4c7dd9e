import { sql, type Kysely } from "kysely";
import type { DialectSupport } from "../dialects/dialect-support.js";
import type { ConsoleFeatures } from "./console-features.js";
import type { ConsoleTotals } from "./console-totals.js";
import type { ConsoleStatus, RunSummary, StageSummary } from "./console-types.js";

/** What every console read runs on: the connection (or the caller's transaction), its dialect, the schema's features. */
export interface ConsoleReader {
  readonly db: Kysely<any>;
  readonly dialect: DialectSupport;
  readonly features: ConsoleFeatures;
  /** The per-day sums, where the database keeps them (optional migration console_totals). */
  readonly totals?: ConsoleTotals | undefined;
  /** The clock "overdue" is measured against; the database's when absent. */
  readonly now?: (() => Date) | undefined;
}

// Row decoding shared by the reads: timestamps through the dialect (every
// format Prisma writes), numbers from drivers that return text for bigint.

export const dateOrNull = (r: ConsoleReader, value: unknown): Date | null => (value == null ? null : r.dialect.readDate(value));
export const numberOrNull = (value: unknown): number | null => (value == null ? null : Number(value));

/** The runs list's columns (no payloads); the 1.0 ones as constants before 1.0. */
export function runSummaryColumns(r: ConsoleReader) {
  const { definitionVersions } = r.features;
  return [
    "workflow_runs.id",
    "workflow_runs.createdAt",
    "workflow_runs.updatedAt",
    "workflow_runs.workflowId",
    "workflow_runs.workflowName",
    "workflow_runs.workflowType",
    "workflow_runs.status",
    "workflow_runs.startedAt",
    "workflow_runs.completedAt",
    "workflow_runs.duration",
    "workflow_runs.totalCost",
    "workflow_runs.totalTokens",
    "workflow_runs.priority",
    definitionVersions ? "workflow_runs.definitionVersion" : sql<string | null>`null`.as("definitionVersion"),
    definitionVersions ? "workflow_runs.redriveCount" : sql<number>`0`.as("redriveCount"),
  ] as const;
}

export function runSummaryOf(r: ConsoleReader, row: Record<string, any>): RunSummary {
  return {
    id: row.id,
    createdAt: r.dialect.readDate(row.createdAt),
    updatedAt: r.dialect.readDate(row.updatedAt),
    workflowId: row.workflowId,
    workflowName: row.workflowName,
    workflowType: row.workflowType,
    status: row.status as ConsoleStatus,
    startedAt: dateOrNull(r, row.startedAt),
    completedAt: dateOrNull(r, row.completedAt),
    duration: numberOrNull(row.duration),
    totalCost: Number(row.totalCost),
    totalTokens: Number(row.totalTokens),
    priority: Number(row.priority),
    definitionVersion: row.definitionVersion ?? null,
    redriveCount: Number(row.redriveCount ?? 0),
  };
}

export function stageSummaryOf(r: ConsoleReader, row: Record<string, any>): StageSummary {
  return {
    id: row.id,
    workflowRunId: row.workflowRunId,
    stageId: row.stageId,
    stageName: row.stageName,
    stageNumber: Number(row.stageNumber),
    executionGroup: Number(row.executionGroup),
    attempt: Number(row.attempt ?? 0),
    status: row.status as ConsoleStatus,
    startedAt: dateOrNull(r, row.startedAt),
    completedAt: dateOrNull(r, row.completedAt),
    duration: numberOrNull(row.duration),
    nextPollAt: dateOrNull(r, row.nextPollAt),
    pollInterval: numberOrNull(row.pollInterval),
    maxWaitUntil: dateOrNull(r, row.maxWaitUntil),
    errorMessage: row.errorMessage ?? null,
  };
}

/** A stage's attempt column, or 0 (its default) on a 0.1 database, which keeps none. */
export function stageAttempt(r: ConsoleReader) {
  return r.features.attempts ? "workflow_stages.attempt" : sql<number>`0`.as("attempt");
}
