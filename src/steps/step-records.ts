import type { DialectSupport } from "../dialects/dialect-support.js";
import type { StepRecord } from "../interfaces/1.0/step-ledger.js";

/** The columns a step record is read from (JSON ones the way the dialect decodes them). */
export function stepColumns(dialect: DialectSupport): any[] {
  return [
    "stageRecordId", "stepId", "seq", "kind", "status", "attempt", "leaseExpiresAt", "deadlineAt", "externalKey", "error",
    "createdAt", "updatedAt", dialect.selectJson("result"), dialect.selectJson("waitState"),
  ];
}

const date = (dialect: DialectSupport, value: unknown) => (value == null ? null : dialect.readDate(value));

/**
 * A row as the engine's StepRecord: `externalKey`, `result` and `error` read
 * back as null when unset (the contract's conformance cases say so);
 * `waitState` is present only when one is stored.
 */
export function toStepRecord(row: Record<string, unknown>, dialect: DialectSupport): StepRecord {
  const record: StepRecord = {
    stageRecordId: String(row.stageRecordId),
    stepId: String(row.stepId),
    seq: Number(row.seq),
    kind: row.kind as StepRecord["kind"],
    status: row.status as StepRecord["status"],
    attempt: Number(row.attempt),
    leaseExpiresAt: date(dialect, row.leaseExpiresAt),
    deadlineAt: date(dialect, row.deadlineAt),
    externalKey: row.externalKey == null ? null : String(row.externalKey),
    result: row.result == null ? null : dialect.readJson(row.result),
    error: row.error == null ? null : String(row.error),
    createdAt: dialect.readDate(row.createdAt),
    updatedAt: dialect.readDate(row.updatedAt),
  };
  if (row.waitState != null) record.waitState = dialect.readJson(row.waitState) as StepRecord["waitState"];
  return record;
}
