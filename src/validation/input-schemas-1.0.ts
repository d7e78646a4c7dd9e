import { z } from "zod";
import { jsonColumn } from "./parse-input.js";
import { JsonValueProblem, toJsonText } from "./json-text.js";
import { DEFINITION_VERSION_PAYLOAD_KEY, GROUP_KEY_PAYLOAD_KEY, WORKFLOW_ID_PAYLOAD_KEY } from "../contracts/job-payload.js";
import {
  amountSchema,
  int32Schema,
  createAICallFields,
  dateSchema,
  enqueueJobFields,
  idSchema,
  keySchema,
  plainObject,
  statusSchema,
  textSchema,
  updateRunFields,
  updateStageFields,
  upsertCreateFields,
} from "./input-schemas.js";
import { inputObject, rowLimitSchema, spanMsSchema } from "./primitives.js";
import { createRunFields012, createStageSchema012, versionSchema } from "./input-schemas-0.12.js";

// The engine's 1.0 inputs: the 0.12 shapes plus the fields 1.0 added, as
// strict as before (a 1.0 field sent to a 0.12 instance is a ValidationError).

const expectedVersion = { expectedVersion: versionSchema.optional() };
/** A definition version: a hash or a name the application chose; indexed, so a key. */
export const definitionVersionSchema = keySchema;
const definitionVersion = { definitionVersion: definitionVersionSchema.nullable().optional() };

export const createRunSchema10 = inputObject({ ...createRunFields012, ...definitionVersion });
export const updateRunSchema10 = inputObject({
  ...updateRunFields,
  ...expectedVersion,
  ...definitionVersion,
  redriveCount: int32Schema.optional(),
});
export const createStageSchema10 = createStageSchema012;
export const updateStageSchema10 = inputObject({ ...updateStageFields, ...expectedVersion, attempt: int32Schema.optional() });
export const upsertStageSchema10 = inputObject({
  workflowRunId: idSchema,
  stageId: keySchema,
  create: inputObject({ ...upsertCreateFields, attempt: int32Schema.optional() }),
  update: updateStageSchema10,
});

/**
 * A 1.0 job keeps what the table has no column for in its payload, as the
 * engine's own queue does: `_workflowId`, `_groupKey` and `_definitionVersion`
 * (a null version is left out: the job is unpinned either way).
 */
export const enqueueJobSchema10 = inputObject({
  ...enqueueJobFields,
  workflowId: keySchema,
  payload: plainObject.optional(),
  groupKey: keySchema.optional(),
  definitionVersion: definitionVersionSchema.nullable().optional(),
}).transform((job, ctx) => {
  const { groupKey, definitionVersion: version, ...rest } = job;
  const payload: Record<string, unknown> = { ...job.payload, [WORKFLOW_ID_PAYLOAD_KEY]: job.workflowId };
  if (groupKey !== undefined) payload[GROUP_KEY_PAYLOAD_KEY] = groupKey;
  if (typeof version === "string") payload[DEFINITION_VERSION_PAYLOAD_KEY] = version;
  try {
    return { ...rest, payload: toJsonText(payload) };
  } catch (error) {
    if (!(error instanceof JsonValueProblem)) throw error;
    ctx.addIssue({ code: "custom", message: error.message, path: ["payload", ...error.path] });
    return z.NEVER;
  }
});

// --- What only 1.0 has ---

export const servedDefinitionsSchema = z
  .array(inputObject({ workflowId: keySchema, version: definitionVersionSchema }))
  .max(10_000, "must name at most 10,000 definitions");
export const claimNextPendingRunOptionsSchema = inputObject({
  now: dateSchema.optional(),
  serves: servedDefinitionsSchema.optional(),
}).optional();
export const suspendedStagesOptionsSchema = inputObject({
  limit: rowLimitSchema.optional(),
  serves: servedDefinitionsSchema.optional(),
}).optional();
export const dequeueOptionsSchema = inputObject({ serves: servedDefinitionsSchema.optional() }).optional();

export const createDefinitionSchema = inputObject({
  workflowId: keySchema,
  version: definitionVersionSchema,
  snapshot: jsonColumn("required"),
  structureHash: textSchema,
});
export const definitionCountFilterSchema = inputObject({
  workflowId: keySchema.optional(),
  definitionVersion: definitionVersionSchema.optional(),
  status: z.array(statusSchema).optional(),
}).optional();

/** "runs whose status is one of statuses": none named, none listed. */
export const purgeableStatusesSchema = z.array(z.enum(["COMPLETED", "FAILED", "CANCELLED"]));
export const purgeLimitSchema = rowLimitSchema;

export const jobAckFenceSchema = inputObject({ startedAt: dateSchema, attempt: int32Schema }).optional();
/** Bound as one JSON parameter (valueList), so any number of them. */
export const stageIdsSchema = z.array(keySchema);
export const deferReasonSchema = textSchema;
/** Like releaseStaleJobs' threshold: zero or negative expires every claim now (the engine's tests send -1000). */
export const absoluteTimeoutSchema = spanMsSchema;

export const createAICallSchema10 = inputObject({
  ...createAICallFields,
  batchId: keySchema.optional(),
  requestId: keySchema.optional(),
  estimatedCost: amountSchema.optional(),
  reportedCost: amountSchema.optional(),
  costSource: textSchema.optional(),
  servedBy: textSchema.optional(),
  cachedInputTokens: int32Schema.optional(),
  reasoningTokens: int32Schema.optional(),
});
export const createAICallsSchema10 = z.array(createAICallSchema10);
