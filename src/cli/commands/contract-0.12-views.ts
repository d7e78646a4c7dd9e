import type { WorkflowAnnotationRecord, WorkflowStageRecord } from "../../interfaces/0.12/types.js";
import type { WorkflowStageRecord as WorkflowStageRecord01 } from "../../types.js";
import type { IdempotencySummary, OutboxBacklog } from "../contract-0.12-queries.js";
import { formatDate, table } from "../output.js";

// How `kwp` shows what only a 0.12 database holds.

/** The stages table with each stage's version and rerun attempt. */
export function versionedStagesTable(stages: WorkflowStageRecord01[]): string {
  return table(
    ["group", "#", "stage", "status", "attempt", "version", "started", "completed", "error"],
    (stages as WorkflowStageRecord[]).map((s) => [
      s.executionGroup, s.stageNumber, s.stageId, s.status, s.attempt, s.version, formatDate(s.startedAt), formatDate(s.completedAt), s.errorMessage,
    ]),
  );
}

const MAX_VALUE_WIDTH = 60;

export function annotationsTable(annotations: WorkflowAnnotationRecord[]): string {
  return table(
    ["at", "scope", "key", "value", "actor", "attempt"],
    annotations.map((a) => {
      const value = JSON.stringify(a.value) ?? "";
      return [
        formatDate(a.createdAt),
        a.scopeId ? `${a.scope}:${a.scopeId}` : a.scope,
        a.key,
        value.length > MAX_VALUE_WIDTH ? `${value.slice(0, MAX_VALUE_WIDTH - 1)}…` : value,
        [a.actorKind, a.actorId].filter(Boolean).join(":"),
        a.attempt,
      ];
    }),
  );
}

export function outboxLines(outbox: OutboxBacklog, keys: IdempotencySummary | undefined): string[] {
  return [
    `outbox: ${outbox.unpublished} unpublished` +
      (outbox.oldestUnpublishedAt ? ` (oldest from ${formatDate(outbox.oldestUnpublishedAt)})` : "") +
      `, ${outbox.deadLettered} dead-lettered`,
    ...(keys
      ? [`idempotency keys: ${keys.completed} completed, ${keys.inProgress} in progress (${keys.staleInProgress} for over 10 minutes)`]
      : []),
  ];
}
