import { z } from "zod";
import { jsonColumn } from "./parse-input.js";
import { JsonValueProblem, toJsonText } from "./json-text.js";
import { DEFINITION_VERSION_PAYLOAD_KEY, GROUP_KEY_PAYLOAD_KEY, WORKFLOW_ID_PAYLOAD_KEY } from "../contracts/job-payload.js";
import {
  amountSchema,
  countSchema,
  createAICallFields,
  dateSchema,
  enqueueJobFields,
  idSchema,
  keySchema,
  nonEmptyKeySchema,
  plainObject,
  statusSchema,
  textSchema,
  updateRunFields,
  updateStageFields,
  upsertCreateFields,
} from "./input-schemas.js";
import { inputObject } from "./primitives.js";
import { createRunFields012, createStageSchema012, versionSchema } from "./input-schemas-0.12.js";

// The engine's 1.0 inputs: the 0.12 shapes plus the fields 1.0 added, as
// strict as before (a 1.0 field sent to a 0.12 instance is a ValidationError).

const expectedVersion = { expectedVersion: versionSchema.optional() };
/** A definition version: a hash or a name the application chose; indexed, so a key. */
export const definitionVersionSchema = nonEmptyKeySchema;
const definitionVersion = { definitionVersion: definitionVersionSchema.nullable().optional() };

export const createRunSchema10 = inputObject({ ...createRunFields012, ...definitionVersion });
export const updateRunSchema10 = inputObject({
  ...updateRunFields,
  ...expectedVersion,
  ...definitionVersion,
  redriveCount: countSchema.optional(),
});
export const createStageSchema10 = createStageSchema012;
export const updateStageSchema10 = inputObject({ ...updateStageFields, ...expectedVersion, attempt: countSchema.optional() });
export const upsertStageSchema10 = inputObject({
  workflowRunId: idSchema,
  stageId: nonEmptyKeySchema,
  create: inputObject({ ...upsertCreateFields, attempt: countSchema.optional() }),
  update: updateStageSchema10,
});

/**
 * A 1.0 job keeps what the table has no column for in its payload, as the
 * engine's own queue does: `_workflowId`, `_groupKey` and `_definitionVersion`
 * (a null version is left out: the job is unpinned either way).
 */
export const enqueueJobSchema10 = inputObject({
  ...enqueueJobFields,
  workflowId: nonEmptyKeySchema,
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
  .array(inputObject({ workflowId: nonEmptyKeySchema, version: definitionVersionSchema }))
  .max(10_000, "must name at most 10,000 definitions");
export const claimNextPendingRunOptionsSchema = inputObject({
  now: dateSchema.optional(),
  serves: servedDefinitionsSchema.optional(),
}).optional();
/** The most suspended stages one call returns. */
export const MAX_SUSPENDED_LIMIT = 10_000;
export const suspendedStagesOptionsSchema = inputObject({
  limit: z.number().int().min(1).max(MAX_SUSPENDED_LIMIT).optional(),
  serves: servedDefinitionsSchema.optional(),
}).optional();
export const dequeueOptionsSchema = inputObject({ serves: servedDefinitionsSchema.optional() }).optional();

export const createDefinitionSchema = inputObject({
  workflowId: nonEmptyKeySchema,
  version: definitionVersionSchema,
  snapshot: jsonColumn("required"),
  structureHash: textSchema,
});
export const definitionCountFilterSchema = inputObject({
  workflowId: nonEmptyKeySchema.optional(),
  definitionVersion: definitionVersionSchema.optional(),
  status: z.array(statusSchema).max(7).optional(),
}).optional();

export const purgeableStatusesSchema = z
  .array(z.enum(["COMPLETED", "FAILED", "CANCELLED"]))
  .min(1, "must name at least one of COMPLETED, FAILED, CANCELLED");
export const MAX_PURGE_LIMIT = 10_000;
export const purgeLimitSchema = z.number().int().min(1).max(MAX_PURGE_LIMIT);

export const jobAckFenceSchema = inputObject({ startedAt: dateSchema, attempt: countSchema }).optional();
export const stageIdsSchema = z.array(nonEmptyKeySchema).max(10_000, "must hold at most 10,000 stage ids: split the call");
export const deferReasonSchema = textSchema;
export const absoluteTimeoutSchema = z.number().min(1).max(100 * 365.25 * 24 * 60 * 60 * 1000, "must be at most a century");

export const createAICallSchema10 = inputObject({
  ...createAICallFields,
  batchId: keySchema.optional(),
  requestId: keySchema.optional(),
  estimatedCost: amountSchema.optional(),
  reportedCost: amountSchema.optional(),
  costSource: textSchema.optional(),
  servedBy: textSchema.optional(),
  cachedInputTokens: countSchema.optional(),
  reasoningTokens: countSchema.optional(),
});
export const createAICallsSchema10 = z.array(createAICallSchema10);
