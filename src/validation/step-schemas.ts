import { z } from "zod";
import { jsonColumn } from "./parse-input.js";
import { int32Schema, dateSchema, idSchema, longTextSchema, keySchema, plainObject, textSchema } from "./input-schemas.js";
import { inputObject } from "./primitives.js";

// The step ledger's inputs (1.0), as strict as the others: a field a step
// record does not have, or one a patch may not change (kind, seq,
// externalKey), is a ValidationError naming it.

export const STEP_KINDS = ["run", "wait", "signal", "sleep"] as const;
export const STEP_STATUSES = ["running", "pending", "completed", "failed"] as const;

export const stageRecordIdSchema = idSchema;
/** Part of the (stageRecordId, stepId) unique key: indexed text. */
export const stepIdSchema = keySchema;
const stepStatus = z.enum(STEP_STATUSES);

/** A wait step's polling state, stored as JSON; undefined inside it is left out. */
const waitState = plainObject.pipe(jsonColumn("required") as z.ZodType<string, Record<string, unknown>>);

/** The fields a write may set; `undefined` leaves a column alone, null writes NULL. */
const patchFields = {
  status: stepStatus.optional(),
  attempt: int32Schema.optional(),
  leaseExpiresAt: dateSchema.nullable().optional(),
  deadlineAt: dateSchema.nullable().optional(),
  result: jsonColumn("nullable"),
  error: longTextSchema.nullable().optional(),
  waitState: waitState.nullable().optional(),
};

export const stepPatchSchema = inputObject(patchFields);

export const stepClaimSchema = inputObject({
  ...patchFields,
  stageRecordId: stageRecordIdSchema,
  stepId: stepIdSchema,
  seq: int32Schema,
  kind: z.enum(STEP_KINDS),
  status: stepStatus,
  attempt: int32Schema,
  leaseExpiresAt: dateSchema.nullable(),
  deadlineAt: dateSchema.nullable(),
  externalKey: textSchema.nullable().optional(),
});

export const stepExpectationSchema = inputObject({ status: stepStatus, attempt: int32Schema.optional() });
/** Bound as one JSON parameter (valueList): a map of many items keeps many rows. */
export const keepStepIdsSchema = z.array(stepIdSchema);
