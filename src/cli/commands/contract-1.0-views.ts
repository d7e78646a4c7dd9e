import type { StepRecord } from "../../interfaces/1.0/step-ledger.js";
import type { FairnessGroup } from "../contract-1.0-queries.js";
import { formatDate, table } from "../output.js";

// How `kwp` shows what only a 1.0 database holds.

/** The run's durable steps: stage, step, kind, status, attempt, lease and error. */
export function stepsTable(steps: StepRecord[], stageIds: Map<string, string>): string {
  return table(
    ["stage", "#", "step", "kind", "status", "attempt", "lease until", "error"],
    steps.map((s) => [stageIds.get(s.stageRecordId) ?? s.stageRecordId, s.seq, s.stepId, s.kind, s.status, s.attempt, formatDate(s.leaseExpiresAt), s.error ?? ""]),
  );
}

/** Queued and running jobs per fairness group. */
export function groupsTable(groups: FairnessGroup[]): string {
  return table(["group", "pending", "running"], groups.map((g) => [g.group ?? "(none)", g.pending, g.running]));
}
