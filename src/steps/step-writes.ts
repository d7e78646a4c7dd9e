import type { Kysely } from "kysely";
import { db10 } from "../contracts/tables-1.0.js";
import { BoundSet } from "../database/bound-set.js";
import { parameter, PreparedQueriesByShape } from "../database/prepared-query.js";
import { mayViolateConstraint, type QueryContext } from "../database/query-context.js";
import { NotFoundError } from "../errors.js";
import type { StepRecord, StepRecordExpectation, StepRecordPatch } from "../interfaces/1.0/step-ledger.js";
import { parseInput } from "../validation/parse-input.js";
import { stageRecordIdSchema, stepClaimSchema, stepExpectationSchema, stepIdSchema, stepPatchSchema } from "../validation/step-schemas.js";
import { stepColumns, toStepRecord } from "./step-records.js";
import { readStep } from "./step-rows.js";

/** One template per dialect and shape (which columns a write sets), re-bound per call. */
const statements = new PreparedQueriesByShape<Record<string, unknown>>();

type Parsed = ReturnType<typeof stepPatchSchema.parse>;

/** The fields a patch may set, in bit order, and how each is bound. */
const PATCH_FIELDS = [
  ["status", "value"],
  ["attempt", "value"],
  ["leaseExpiresAt", "date"],
  ["deadlineAt", "date"],
  ["result", "json"],
  ["error", "value"],
  ["waitState", "json"],
] as const satisfies ReadonlyArray<readonly [keyof Parsed, "value" | "date" | "json"]>;

/**
 * The patch as bound parameters: a field left undefined is not in the SET at
 * all. Returns which fields are set, one bit each (PATCH_FIELDS' order): with
 * the caller's own columns after them, all a statement's SET depends on, so
 * the bits key its prepared statement without a shape string built per call.
 */
function patchSet(patch: Parsed, set: BoundSet): number {
  let bits = 0;
  for (let i = 0; i < PATCH_FIELDS.length; i++) {
    const [field, kind] = PATCH_FIELDS[i]!;
    const value = patch[field];
    if (value === undefined) continue;
    set[kind](field, value as never);
    bits |= 1 << i;
  }
  return bits;
}

/** Above the patch's bits: which statement (claim, update, compareAndSet on status, on status and attempt). */
const CLAIM = 1 << 7;
const UPDATE = 2 << 7;
const EXPECT_STATUS = 3 << 7;
const EXPECT_STATUS_AND_ATTEMPT = 4 << 7;

/**
 * Insert-if-absent: INSERT … ON CONFLICT (stageRecordId, stepId) DO NOTHING,
 * then, when nothing was inserted, the stored row. A duplicate raises nothing
 * (on PostgreSQL a unique violation would abort the caller's transaction);
 * a claimer racing another waits for it, then reads its row. A stage record
 * that does not exist is a NotFoundError, under a savepoint inside a
 * PostgreSQL transaction so it stays usable.
 */
export async function claimStep(
  ctx: QueryContext,
  record: Omit<StepRecord, "createdAt" | "updatedAt">,
): Promise<{ created: boolean; record: StepRecord }> {
  const step = parseInput("claim", "record", stepClaimSchema, record);
  const row = new BoundSet(ctx.dialect);
  const bits = patchSet(step, row);
  row
    .value("id", ctx.newId())
    .value("stageRecordId", step.stageRecordId)
    .value("stepId", step.stepId)
    .value("seq", step.seq)
    .value("kind", step.kind)
    .value("externalKey", step.externalKey ?? null)
    .now("createdAt")
    .now("updatedAt");
  const prepared = statements.forShape(ctx.dialect, CLAIM | bits, (db: Kysely<any>) =>
    db10({ db })
      .insertInto("workflow_steps")
      .values(row.columns as any)
      .onConflict((conflict) => conflict.columns(["stageRecordId", "stepId"]).doNothing())
      .returning(stepColumns(ctx.dialect)),
  );
  try {
    const { rows } = await mayViolateConstraint(ctx, () => prepared.execute(ctx, row.values));
    if (rows[0]) return { created: true, record: toStepRecord(rows[0], ctx.dialect) };
  } catch (error) {
    if (ctx.dialect.constraintViolation(error) === "foreign_key") {
      throw new NotFoundError("claim", "workflow stage", step.stageRecordId);
    }
    throw error;
  }
  const stored = await readStep(ctx, step.stageRecordId, step.stepId);
  return { created: false, record: stored! };
}

/** Applies the patch (absent or undefined: left alone; null: written) and returns the row. @throws NotFoundError */
export async function updateStep(ctx: QueryContext, stageRecordId: string, stepId: string, patch: StepRecordPatch): Promise<StepRecord> {
  parseInput("update", "stageRecordId", stageRecordIdSchema, stageRecordId);
  parseInput("update", "stepId", stepIdSchema, stepId);
  const set = new BoundSet(ctx.dialect);
  const bits = patchSet(parseInput("update", "patch", stepPatchSchema, patch), set);
  const rows = await patchRows(ctx, bits, set.now("updatedAt"), stageRecordId, stepId, undefined);
  if (!rows[0]) throw new NotFoundError("update", "workflow step", `${stageRecordId}/${stepId}`);
  return toStepRecord(rows[0], ctx.dialect);
}

/**
 * Checks and writes in one UPDATE whose WHERE holds the expected status (and
 * attempt, when pinned): of two callers expecting the same state, exactly one
 * applies. When it does not apply, the row as it stands (null: no such step).
 */
export async function compareAndSetStep(
  ctx: QueryContext,
  stageRecordId: string,
  stepId: string,
  expected: StepRecordExpectation,
  patch: StepRecordPatch,
): Promise<{ applied: boolean; record: StepRecord | null }> {
  parseInput("compareAndSet", "stageRecordId", stageRecordIdSchema, stageRecordId);
  parseInput("compareAndSet", "stepId", stepIdSchema, stepId);
  const expectation = parseInput("compareAndSet", "expected", stepExpectationSchema, expected);
  const set = new BoundSet(ctx.dialect);
  const bits = patchSet(parseInput("compareAndSet", "patch", stepPatchSchema, patch), set);
  const rows = await patchRows(ctx, bits, set.now("updatedAt"), stageRecordId, stepId, expectation);
  if (rows[0]) return { applied: true, record: toStepRecord(rows[0], ctx.dialect) };
  return { applied: false, record: await readStep(ctx, stageRecordId, stepId) };
}

/** The UPDATE of one step (`expected`: compareAndSet's WHERE), its row as returned; `bits`: patchSet's. */
async function patchRows(
  ctx: QueryContext,
  bits: number,
  set: BoundSet,
  stageRecordId: string,
  stepId: string,
  expected: { status: string; attempt?: number | undefined } | undefined,
): Promise<Record<string, unknown>[]> {
  const pinsAttempt = expected?.attempt !== undefined;
  const shape = (expected ? (pinsAttempt ? EXPECT_STATUS_AND_ATTEMPT : EXPECT_STATUS) : UPDATE) | bits;
  const prepared = statements.forShape(ctx.dialect, shape, (db: Kysely<any>) => {
    let update = db10({ db })
      .updateTable("workflow_steps")
      .set(set.columns as any)
      .where("stageRecordId", "=", parameter("where.stageRecordId"))
      .where("stepId", "=", parameter("where.stepId"));
    if (expected) update = update.where("status", "=", parameter("where.status"));
    if (pinsAttempt) update = update.where("attempt", "=", parameter("where.attempt"));
    return update.returning(stepColumns(ctx.dialect));
  });
  // The WHERE's values beside the SET's, in the set's own (per-call) object.
  const values = set.values;
  values["where.stageRecordId"] = stageRecordId;
  values["where.stepId"] = stepId;
  if (expected) values["where.status"] = expected.status;
  if (pinsAttempt) values["where.attempt"] = expected!.attempt;
  const { rows } = await prepared.execute(ctx, values);
  return rows;
}
