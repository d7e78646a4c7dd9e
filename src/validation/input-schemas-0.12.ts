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
  nonEmptyKeySchema,
  nonEmptyTextSchema,
  plainObject,
  textSchema,
  updateRunFields,
  updateStageFields,
  upsertCreateFields,
  countSchema,
  dateSchema,
} from "./input-schemas.js";
import { inputObject, spanMsSchema } from "./primitives.js";

// The engine's 0.12 inputs: the 0.1 shapes plus the fields 0.12 added. Kept
// strict like the 0.1 ones, so a 0.12 field sent to a 0.1 instance (or a typo)
// is a ValidationError, not silently dropped.

/** A version number as the INTEGER column holds it. */
export const versionSchema = z.number().int().min(0).max(2_147_483_647);
const expectedVersion = { expectedVersion: versionSchema.optional() };
/** Rerun generation of a stage: 0 for the original execution. */
const attempt = { attempt: countSchema.optional() };

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
  stageId: nonEmptyKeySchema,
  create: inputObject({ ...upsertCreateFields, ...attempt }),
  update: updateStageSchema012,
});
/**
 * 0.12 jobs name their workflow, which the 0.12 table has no column for: it
 * is stored in the payload under `_workflowId`, as the engine's own queue
 * stores it, so rows either implementation wrote read back alike.
 */
export const enqueueJobSchema012 = inputObject({ ...enqueueJobFields, workflowId: nonEmptyKeySchema, payload: plainObject.optional() })
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
  attempt: countSchema.optional(),
  scope: nonEmptyKeySchema,
  scopeId: nullableText,
  actor: inputObject({ kind: textSchema.optional(), id: keySchema.optional(), version: textSchema.optional() }).optional(),
  key: nonEmptyKeySchema,
  value: jsonColumn("required"),
  payload: jsonColumn("nullable"),
  idempotencyKey: keySchema.nullable().optional(),
  // Read by the engine (it emits an outbox event); nothing here stores it.
  emitEvent: z.boolean().optional(),
});
export const createAnnotationsSchema = z.array(createAnnotationSchema);

/** Largest `limit` a list call takes. */
export const MAX_LIST_LIMIT = 100_000;
const listLimit = z.number().int().min(1).max(MAX_LIST_LIMIT);

export const annotationFiltersSchema = inputObject({
  key: keySchema.optional(),
  keyPrefix: keySchema.optional(),
  scope: keySchema.optional(),
  scopeId: textSchema.nullable().optional(),
  actorId: keySchema.optional(),
  actorKind: textSchema.optional(),
  attempt: countSchema.optional(),
  since: dateSchema.optional(),
  until: dateSchema.optional(),
  limit: listLimit.optional(),
}).optional();

export const createOutboxEventSchema = inputObject({
  workflowRunId: idSchema,
  eventType: nonEmptyTextSchema,
  payload: jsonColumn("required"),
  causationId: textSchema,
  occurredAt: dateSchema,
});
export const createOutboxEventsSchema = z.array(createOutboxEventSchema);
export const outboxLimitSchema = listLimit;
/** replayDLQEvents(0) replays nothing. */
export const replayLimitSchema = z.number().int().min(0).max(MAX_LIST_LIMIT);

export const idempotencyKeySchema = idSchema;
export const commandTypeSchema = nonEmptyKeySchema;
export const acquireOptionsSchema = inputObject({
  now: dateSchema.optional(),
  staleInProgressAfterMs: spanMsSchema.optional(),
}).optional();
/** A command's result; `undefined` (a command that returns nothing) is stored as JSON null. */
export const commandResultSchema = z
  .unknown()
  .transform((value) => (value === undefined ? null : value))
  .pipe(jsonColumn("required") as z.ZodType<string, {} | null>);
