import type { Kysely } from "kysely";
import { contract10 } from "../contracts/contract-1.0.js";
import { publicApi } from "../database/public-api.js";
import { createQueryContext, type QueryContext, type QueryContextOptions } from "../database/query-context.js";
import type { StepLedger, StepRecord, StepRecordExpectation, StepRecordPatch } from "../interfaces/1.0/step-ledger.js";
import { checkKysely, parseOptions, queryContextOptions } from "../validation/factory-options.js";
import { clearSteps, clearStepsExcept, getStep, listSteps } from "./step-rows.js";
import { claimStep, compareAndSetStep, updateStep } from "./step-writes.js";

/** Options of createKyselyStepLedger: those every factory takes. */
export interface KyselyStepLedgerOptions extends QueryContextOptions {}

/**
 * The engine's 1.0 StepLedger over a Kysely instance (`workflow_steps`, on a
 * database migrated with `target: "1.0"`). Made from the same handle as the
 * persistence, its calls inside `persistence.withTransaction` join that
 * transaction, as the kernel needs.
 *
 * @example
 * ```ts
 * import { createKyselyStepLedger } from "kysely-workflow-persistence/v1";
 *
 * const steps = createKyselyStepLedger(db);
 * const { created, record } = await steps.claim({
 *   stageRecordId: stage.id, stepId: "download", seq: 1, kind: "run", status: "running",
 *   attempt: 1, leaseExpiresAt: new Date(Date.now() + 60_000), deadlineAt: null,
 * });
 * if (created) await steps.update(stage.id, "download", { status: "completed", result: { key: "doc-1" }, leaseExpiresAt: null });
 * ```
 */
export function createKyselyStepLedger(db: Kysely<any>, options: KyselyStepLedgerOptions = {}): StepLedger {
  checkKysely("createKyselyStepLedger", db);
  parseOptions("createKyselyStepLedger", queryContextOptions, options);
  const ctx = createQueryContext(db, options, contract10());
  return publicApi(stepLedgerOn(ctx), ctx, { component: "steps", expectation: { contract: "1.0" } });
}

function stepLedgerOn(ctx: QueryContext): StepLedger {
  return {
    claim: (record: Omit<StepRecord, "createdAt" | "updatedAt">) => claimStep(ctx, record),
    get: (stageRecordId: string, stepId: string) => getStep(ctx, stageRecordId, stepId),
    update: (stageRecordId: string, stepId: string, patch: StepRecordPatch) => updateStep(ctx, stageRecordId, stepId, patch),
    compareAndSet: (stageRecordId: string, stepId: string, expected: StepRecordExpectation, patch: StepRecordPatch) =>
      compareAndSetStep(ctx, stageRecordId, stepId, expected, patch),
    list: (stageRecordId: string) => listSteps(ctx, stageRecordId),
    clear: (stageRecordId: string) => clearSteps(ctx, stageRecordId),
    clearExcept: (stageRecordId: string, keepStepIds: string[]) => clearStepsExcept(ctx, stageRecordId, keepStepIds),
  };
}
