import { z } from "zod";
import { ARTIFACT_TYPES, LOG_LEVELS, STATUSES } from "../types.js";
import { jsonColumn } from "./parse-input.js";
import {
  INT32_MAX,
  amountSchema,
  int32Schema,
  dateSchema,
  idSchema,
  inputObject,
  isPlainInput,
  keySchema,
  longTextSchema,
  nonEmptyTextSchema,
  spanMsSchema,
  textSchema,
} from "./primitives.js";

// Column-shaped building blocks (primitives.ts holds the rules per class of value).
export {
  MAX_ID_LENGTH,
  MAX_KEY_BYTES,
  MAX_LONG_TEXT_LENGTH,
  idSchema,
  keySchema,
  textSchema,
  nonEmptyTextSchema,
  longTextSchema,
  int32Schema,
  amountSchema,
  dateSchema,
} from "./primitives.js";

/** An object for a JSON column or a set of columns (see isPlainInput). */
export const plainObject = z.custom<Record<string, unknown>>(isPlainInput, "must be a plain object");

export const statusSchema = z.enum(STATUSES as [string, ...string[]]) as unknown as z.ZodType<
  (typeof STATUSES)[number]
>;
export const logLevelSchema = z.enum(LOG_LEVELS as [string, ...string[]]) as unknown as z.ZodType<
  (typeof LOG_LEVELS)[number]
>;
export const artifactTypeSchema = z.enum(ARTIFACT_TYPES as [string, ...string[]]) as unknown as z.ZodType<
  (typeof ARTIFACT_TYPES)[number]
>;

export const createRunFields = {
  id: idSchema.optional(),
  workflowId: keySchema,
  workflowName: textSchema,
  workflowType: keySchema,
  input: jsonColumn("required"),
  config: jsonColumn("optional"),
  priority: int32Schema.optional(),
  // Kept as given (z.record would silently drop a "__proto__" key): its keys are
  // checked against the table's real columns, one by one, before any SQL runs.
  metadata: plainObject.optional(),
};
export const createRunSchema = inputObject(createRunFields);

export const updateRunFields = {
  status: statusSchema.optional(),
  startedAt: dateSchema.nullable().optional(),
  completedAt: dateSchema.nullable().optional(),
  duration: int32Schema.nullable().optional(),
  output: jsonColumn("nullable"),
  totalCost: amountSchema.optional(),
  totalTokens: int32Schema.optional(),
};
export const updateRunSchema = inputObject(updateRunFields);

const stageCreateFields = {
  stageName: textSchema,
  stageNumber: int32Schema,
  executionGroup: int32Schema,
  status: statusSchema.optional(),
  startedAt: dateSchema.optional(),
  config: jsonColumn("nullable"),
  inputData: jsonColumn("nullable"),
};

export const createStageFields = {
  workflowRunId: idSchema,
  stageId: keySchema,
  ...stageCreateFields,
};
export const createStageSchema = inputObject(createStageFields);

export const updateStageFields = {
  status: statusSchema.optional(),
  startedAt: dateSchema.nullable().optional(),
  completedAt: dateSchema.nullable().optional(),
  duration: int32Schema.nullable().optional(),
  outputData: jsonColumn("nullable"),
  config: jsonColumn("nullable"),
  suspendedState: jsonColumn("nullable"),
  resumeData: jsonColumn("nullable"),
  nextPollAt: dateSchema.nullable().optional(),
  pollInterval: int32Schema.nullable().optional(),
  maxWaitUntil: dateSchema.nullable().optional(),
  metrics: jsonColumn("nullable"),
  embeddingInfo: jsonColumn("nullable"),
  errorMessage: longTextSchema.nullable().optional(),
  // The engine's UpdateStageInput declares it; no column holds it (accepted, not stored).
  artifacts: z.unknown().optional(),
};
export const updateStageSchema = inputObject(updateStageFields);

/** `create` of upsertStage: the engine repeats the ids there; they must then agree (checked by the caller). */
export const upsertCreateFields = {
  workflowRunId: idSchema.optional(),
  stageId: keySchema.optional(),
  ...stageCreateFields,
};
export const upsertStageSchema = inputObject({
  workflowRunId: idSchema,
  stageId: keySchema,
  create: inputObject(upsertCreateFields),
  update: updateStageSchema,
});

export const getStagesByRunOptionsSchema = inputObject({
  status: statusSchema.optional(),
  orderBy: z.enum(["asc", "desc"]).optional(),
}).optional();

export const createLogSchema = inputObject({
  workflowRunId: idSchema.optional(),
  workflowStageId: idSchema.optional(),
  level: logLevelSchema,
  message: longTextSchema,
  metadata: jsonColumn("nullable"),
});

export const saveArtifactSchema = inputObject({
  workflowRunId: idSchema,
  workflowStageId: idSchema.optional(),
  key: keySchema,
  type: artifactTypeSchema,
  data: jsonColumn("required"),
  size: int32Schema.optional(),
  metadata: jsonColumn("nullable"),
});

export type ParsedUpdateStage = z.output<typeof updateStageSchema>;

// --- Job queue ---

export const enqueueJobFields = {
  workflowRunId: idSchema,
  stageId: keySchema,
  priority: int32Schema.optional(),
  payload: plainObject.pipe(jsonColumn("required") as z.ZodType<string, Record<string, unknown>>).optional(),
  scheduledFor: dateSchema.optional(),
  maxAttempts: z.number().int().min(1).max(INT32_MAX).optional(),
};
export const enqueueJobSchema = inputObject(enqueueJobFields);

export const enqueueJobsSchema = z.array(enqueueJobSchema);
/** The most ids one acknowledgement or mark takes (each is a bound parameter). */
export const MAX_IDS_PER_CALL = 10_000;
export const jobIdsSchema = z.array(idSchema).max(MAX_IDS_PER_CALL, `must hold at most ${MAX_IDS_PER_CALL} ids: split the call`);
/** The most jobs one claim may take. */
export const MAX_CLAIM_LIMIT = 10_000;
export const batchSizeSchema = z.number().int().min(1).max(MAX_CLAIM_LIMIT);
export const errorMessageSchema = longTextSchema;
export const staleThresholdSchema = spanMsSchema;
export const shouldRetrySchema = z.boolean().optional();

// --- AI calls ---

export const createAICallFields = {
  topic: keySchema,
  callType: textSchema,
  modelKey: keySchema,
  modelId: textSchema,
  prompt: longTextSchema,
  response: longTextSchema,
  inputTokens: int32Schema,
  outputTokens: int32Schema,
  cost: amountSchema,
  metadata: jsonColumn("nullable"),
};
export const createAICallSchema = inputObject(createAICallFields);
export const createAICallsSchema = z.array(createAICallSchema);
