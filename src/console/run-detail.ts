import { parseInput } from "../validation/parse-input.js";
import { limitSchema, runDetailOptionsSchema, runIdSchema, sequenceSchema } from "../validation/console-schemas.js";
import { clampLimit, MAX_LIMIT } from "./console-cursor.js";
import { dateOrNull, runSummaryColumns, runSummaryOf, stageAttempt, stageSummaryOf, type ConsoleReader } from "./console-rows.js";
import type { AnnotationSummary, LogEntry, RunDetail, RunDetailOptions, RunEvent, StepSummary } from "./console-types.js";

/**
 * A run with everything under it, each list one indexed range read (the
 * run's foreign key) cut at its limit (default and ceiling MAX_LIMIT) and
 * flagged when it was cut. Inside the port's read transaction they see one
 * snapshot on PostgreSQL; SQLite reads see the last commit anyway.
 */
export async function getRunDetail(r: ConsoleReader, runId: string, options?: RunDetailOptions): Promise<RunDetail | null> {
  const id = parseInput("getRunDetail", "runId", runIdSchema, runId);
  const limits = parseInput("getRunDetail", "options", runDetailOptionsSchema, options) ?? {};
  const { dialect, features } = r;
  const runRow = (await r.db
    .selectFrom("workflow_runs")
    .select(runSummaryColumns(r) as any)
    .select([dialect.selectJson("input"), dialect.selectJson("output"), dialect.selectJson("config")] as any)
    .$if(features.attempts, (q) => q.select(dialect.selectJson("metadata") as any))
    .where("id", "=", id)
    .executeTakeFirst()) as Record<string, any> | undefined;
  if (!runRow) return null;
  const json = (value: unknown) => (value == null ? null : dialect.readJson(value));
  const run = { ...runSummaryOf(r, runRow), input: json(runRow.input), output: json(runRow.output), config: json(runRow.config), metadata: json(runRow.metadata) };

  const stageRows = await r.db
    .selectFrom("workflow_stages")
    .select([
      "id", "workflowRunId", "stageId", "stageName", "stageNumber", "executionGroup", stageAttempt(r) as any,
      "status", "startedAt", "completedAt", "duration", "nextPollAt", "pollInterval", "maxWaitUntil", "errorMessage",
    ])
    .where("workflowRunId", "=", id)
    .orderBy("executionGroup")
    .orderBy("stageNumber")
    .orderBy("id")
    .execute();
  const stages = stageRows.map((row) => stageSummaryOf(r, row));

  const [steps, stepsCut] = features.steps ? await stepsOf(r, id, clampLimit(limits.stepLimit, MAX_LIMIT)) : [[], false];
  const [annotations, annotationsCut] = features.outbox ? await annotationsOf(r, id, clampLimit(limits.annotationLimit, MAX_LIMIT)) : [[], false];
  const [logs, logsCut] = await logsOf(r, id, clampLimit(limits.logLimit, MAX_LIMIT));
  const eventLimit = clampLimit(limits.eventLimit, MAX_LIMIT);
  const eventRows = features.outbox ? await eventsOf(r, id, 0, eventLimit + 1) : [];
  return {
    run,
    stages,
    steps,
    annotations,
    logs,
    events: eventRows.slice(0, eventLimit),
    truncated: { steps: stepsCut, annotations: annotationsCut, logs: logsCut, events: eventRows.length > eventLimit },
  };
}

/** The run's events after `afterSequence`, by sequence (the (run, sequence) unique index); none before 0.12. */
export async function listRunEvents(r: ConsoleReader, runId: string, afterSequence: number, limit?: number): Promise<RunEvent[]> {
  const id = parseInput("listRunEvents", "runId", runIdSchema, runId);
  const after = parseInput("listRunEvents", "afterSequence", sequenceSchema, afterSequence);
  const count = clampLimit(parseInput("listRunEvents", "limit", limitSchema, limit), MAX_LIMIT);
  return r.features.outbox ? eventsOf(r, id, after, count) : [];
}

async function eventsOf(r: ConsoleReader, runId: string, afterSequence: number, limit: number): Promise<RunEvent[]> {
  const rows = await r.db
    .selectFrom("outbox_events")
    .select(["id", "workflowRunId", "sequence", "eventType", "occurredAt", "publishedAt", "retryCount", "dlqAt"])
    .where("workflowRunId", "=", runId)
    .where("sequence", ">", afterSequence)
    .orderBy("sequence")
    .limit(limit)
    .execute();
  return rows.map((row: any) => ({
    id: row.id,
    workflowRunId: row.workflowRunId,
    sequence: Number(row.sequence),
    eventType: row.eventType,
    occurredAt: r.dialect.readDate(row.occurredAt),
    publishedAt: dateOrNull(r, row.publishedAt),
    retryCount: Number(row.retryCount),
    dlqAt: dateOrNull(r, row.dlqAt),
  }));
}

async function stepsOf(r: ConsoleReader, runId: string, limit: number): Promise<[StepSummary[], boolean]> {
  const rows = await r.db
    .selectFrom("workflow_steps")
    .innerJoin("workflow_stages", "workflow_stages.id", "workflow_steps.stageRecordId")
    .select([
      "workflow_steps.id", "workflow_steps.stageRecordId", "workflow_steps.stepId", "workflow_steps.seq", "workflow_steps.kind",
      "workflow_steps.status", "workflow_steps.attempt", "workflow_steps.leaseExpiresAt", "workflow_steps.deadlineAt",
      "workflow_steps.externalKey", "workflow_steps.error", "workflow_steps.createdAt", "workflow_steps.updatedAt",
    ])
    .where("workflow_stages.workflowRunId", "=", runId)
    .orderBy("workflow_stages.executionGroup")
    .orderBy("workflow_stages.stageNumber")
    .orderBy("workflow_steps.stageRecordId")
    .orderBy("workflow_steps.seq")
    .limit(limit + 1)
    .execute();
  const steps = rows.slice(0, limit).map((row: any) => ({
    id: row.id,
    stageRecordId: row.stageRecordId,
    stepId: row.stepId,
    seq: Number(row.seq),
    kind: row.kind,
    status: row.status,
    attempt: Number(row.attempt),
    leaseExpiresAt: dateOrNull(r, row.leaseExpiresAt),
    deadlineAt: dateOrNull(r, row.deadlineAt),
    externalKey: row.externalKey ?? null,
    error: row.error ?? null,
    createdAt: r.dialect.readDate(row.createdAt),
    updatedAt: r.dialect.readDate(row.updatedAt),
  }));
  return [steps, rows.length > limit];
}

async function annotationsOf(r: ConsoleReader, runId: string, limit: number): Promise<[AnnotationSummary[], boolean]> {
  const rows = await r.db
    .selectFrom("workflow_annotations")
    .select([
      "id", "createdAt", "workflowRunId", "workflowStageRecordId", "attempt", "scope", "scopeId", "actorKind", "actorId", "key",
      r.dialect.selectJson("value") as any,
    ])
    .where("workflowRunId", "=", runId)
    .orderBy("createdAt")
    .orderBy("id")
    .limit(limit + 1)
    .execute();
  const annotations = rows.slice(0, limit).map((row: any) => ({
    id: row.id,
    createdAt: r.dialect.readDate(row.createdAt),
    workflowRunId: row.workflowRunId,
    workflowStageRecordId: row.workflowStageRecordId ?? null,
    attempt: Number(row.attempt),
    scope: row.scope,
    scopeId: row.scopeId ?? null,
    actorKind: row.actorKind ?? null,
    actorId: row.actorId ?? null,
    key: row.key,
    value: row.value == null ? null : r.dialect.readJson(row.value),
  }));
  return [annotations, rows.length > limit];
}

async function logsOf(r: ConsoleReader, runId: string, limit: number): Promise<[LogEntry[], boolean]> {
  const rows = await r.db
    .selectFrom("workflow_logs")
    .select(["id", "createdAt", "workflowRunId", "workflowStageId", "level", "message"])
    .where("workflowRunId", "=", runId)
    .orderBy("createdAt")
    .orderBy("id")
    .limit(limit + 1)
    .execute();
  const logs = rows.slice(0, limit).map((row: any) => ({
    id: row.id,
    createdAt: r.dialect.readDate(row.createdAt),
    workflowRunId: row.workflowRunId ?? null,
    workflowStageId: row.workflowStageId ?? null,
    level: row.level,
    message: row.message,
  }));
  return [logs, rows.length > limit];
}
