/**
 * The engine's 1.0 step ledger (`StepLedger`, from its kernel ports): one
 * row per durable step of a stage execution, in `workflow_steps`.
 */
export interface StepRecord {
  stageRecordId: string;
  stepId: string;
  seq: number;
  kind: "run" | "wait" | "signal" | "sleep";
  status: "running" | "pending" | "completed" | "failed";
  attempt: number;
  leaseExpiresAt: Date | null;
  deadlineAt: Date | null;
  /** The deterministic name of the effect a `run` body creates; null for other kinds. */
  externalKey?: string | null;
  result?: unknown;
  error?: string | null;
  waitState?: { everyMs?: number; wakeAt?: string; pollFailures?: number };
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Fields a write may change. A key that is absent, or holds `undefined`,
 * leaves its column alone; any other value, `null` included, is written.
 */
export type StepRecordPatch = Partial<
  Pick<StepRecord, "status" | "attempt" | "leaseExpiresAt" | "deadlineAt" | "result" | "error" | "waitState">
>;

/** The (status, attempt) a compare-and-set must find; no `attempt`: any. */
export interface StepRecordExpectation {
  status: StepRecord["status"];
  attempt?: number;
}

export interface StepLedger {
  /**
   * Inserts the step unless (stageRecordId, stepId) exists; the stored row
   * wins. Never raises a unique violation, so a caller's PostgreSQL
   * transaction stays usable after a duplicate claim.
   */
  claim(record: Omit<StepRecord, "createdAt" | "updatedAt">): Promise<{ created: boolean; record: StepRecord }>;
  /** The step, or null. */
  get(stageRecordId: string, stepId: string): Promise<StepRecord | null>;
  /** Applies the patch (see StepRecordPatch) and returns the row. @throws NotFoundError when the step does not exist. */
  update(stageRecordId: string, stepId: string, patch: StepRecordPatch): Promise<StepRecord>;
  /**
   * Applies the patch only if the row's status (and attempt, when given)
   * match, in one statement; returns whether it applied and the row as it
   * stands (null when the step does not exist).
   */
  compareAndSet(
    stageRecordId: string,
    stepId: string,
    expected: StepRecordExpectation,
    patch: StepRecordPatch,
  ): Promise<{ applied: boolean; record: StepRecord | null }>;
  /** The stage's steps by seq. */
  list(stageRecordId: string): Promise<StepRecord[]>;
  /** Deletes every step of the stage. */
  clear(stageRecordId: string): Promise<void>;
  /** Deletes every step of the stage but the named ones. */
  clearExcept(stageRecordId: string, keepStepIds: string[]): Promise<void>;
}
