import { z } from "zod";
import { jsonColumn } from "./parse-input.js";
import { JsonValueProblem, toJsonText } from "./json-text.js";
import { WORKFLOW_ID_PAYLOAD_KEY } from "../contracts/job-payload.js";
import {
  createRunFields,
  createStageFields,
  enqueueJobFields,
  idSchema,
  keySchema,
  nonEmptyTextSchema,
  plainObject,
  textSchema,
  updateRunFields,
  updateStageFields,
  upsertCreateFields,
  int32Schema,
  dateSchema,
} from "./input-schemas.js";
import { inputObject, rowLimitSchema, spanMsSchema } from "./primitives.js";

// The engine's 0.12 inputs: the 0.1 shapes plus the fields 0.12 added. Kept
// strict like the 0.1 ones, so a 0.12 field sent to a 0.1 instance (or a typo)
// is a ValidationError, not silently dropped.

/** A version number as the INTEGER column holds it (one the row does not have is a StaleVersionError, not a refusal). */
export const versionSchema = int32Schema;
const expectedVersion = { expectedVersion: versionSchema.optional() };
/** Rerun generation of a stage: 0 for the original execution. */
const attempt = { attempt: int32Schema.optional() };

export const createRunFields012 = {
  ...createRunFields,
  // Stored as one JSON value (0.1 spread it into columns); undefined inside it is left out.
  metadata: plainObject.pipe(jsonColumn("required") as z.ZodType<string, Record<string, unknown>>).optional(),
};
export const createRunSchema012 = inputObject(createRunFields012);
export const updateRunSchema012 = inputObject({ ...updateRunFields, ...expectedVersion });
export const createStageSchema012 = inputObject({ ...createStageFields, ...attempt });
export const updateStageSchema012 = inputObject({ ...updateStageFields, ...expectedVersion });
export const upsertStageSchema012 = inputObject({
  workflowRunId: idSchema,
  stageId: keySchema,
  create: inputObject({ ...upsertCreateFields, ...attempt }),
  update: updateStageSchema012,
});
/**
 * 0.12 jobs name their workflow, which the 0.12 table has no column for: it
 * is stored in the payload under `_workflowId`, as the engine's own queue
 * stores it, so rows either implementation wrote read back alike.
 */
export const enqueueJobSchema012 = inputObject({ ...enqueueJobFields, workflowId: keySchema, payload: plainObject.optional() })
  .transform((job, ctx) => {
    try {
      return { ...job, payload: toJsonText({ ...job.payload, [WORKFLOW_ID_PAYLOAD_KEY]: job.workflowId }) };
    } catch (error) {
      if (!(error instanceof JsonValueProblem)) throw error;
      ctx.addIssue({ code: "custom", message: error.message, path: ["payload", ...error.path] });
      return z.NEVER;
    }
  });

// --- What only 0.12 has ---

const nullableText = textSchema.nullable().optional();

export const createAnnotationSchema = inputObject({
  workflowRunId: idSchema,
  workflowStageRecordId: idSchema.nullable().optional(),
  attempt: int32Schema.optional(),
  scope: keySchema,
  scopeId: nullableText,
  actor: inputObject({ kind: textSchema.optional(), id: keySchema.optional(), version: textSchema.optional() }).optional(),
  key: keySchema,
  value: jsonColumn("required"),
  payload: jsonColumn("nullable"),
  idempotencyKey: keySchema.nullable().optional(),
  // Read by the engine (it emits an outbox event); nothing here stores it.
  emitEvent: z.boolean().optional(),
});
export const createAnnotationsSchema = z.array(createAnnotationSchema);

const listLimit = rowLimitSchema;

export const annotationFiltersSchema = inputObject({
  key: keySchema.optional(),
  keyPrefix: keySchema.optional(),
  scope: keySchema.optional(),
  scopeId: textSchema.nullable().optional(),
  actorId: keySchema.optional(),
  actorKind: textSchema.optional(),
  attempt: int32Schema.optional(),
  since: dateSchema.optional(),
  until: dateSchema.optional(),
  limit: listLimit.optional(),
}).optional();

export const createOutboxEventSchema = inputObject({
  workflowRunId: idSchema,
  eventType: textSchema,
  payload: jsonColumn("required"),
  causationId: textSchema,
  occurredAt: dateSchema,
});
export const createOutboxEventsSchema = z.array(createOutboxEventSchema);
export const outboxLimitSchema = listLimit;
/** replayDLQEvents(0) replays nothing. */
export const replayLimitSchema = rowLimitSchema;

/** Events named by id (markOutboxEventsPublished, releaseOutboxEvents): bound as one JSON parameter, so any number. */
export const outboxIdsSchema = z.array(idSchema);

export const idempotencyKeySchema = idSchema;
export const commandTypeSchema = keySchema;
export const acquireOptionsSchema = inputObject({
  now: dateSchema.optional(),
  staleInProgressAfterMs: spanMsSchema.optional(),
}).optional();
/** A command's result; `undefined` (a command that returns nothing) is stored as JSON null. */
export const commandResultSchema = z
  .unknown()
  .transform((value) => (value === undefined ? null : value))
  .pipe(jsonColumn("required") as z.ZodType<string, {} | null>);
