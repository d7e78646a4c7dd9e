import { z } from "zod";
import { ARTIFACT_TYPES, LOG_LEVELS, STATUSES } from "../types.js";
import { jsonColumn } from "./parse-input.js";

// Column-shaped building blocks. INTEGER columns are 32-bit on PostgreSQL, so
// the bounds are checked here rather than surfacing as an "out of range" error.
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

// Text limits: generous for real use, but bounded, so a runaway value is a
// ValidationError naming its field rather than a megabyte-long index key or a
// database error. PostgreSQL cannot store the NUL character in text at all, so
// it is refused on both databases alike.
export const MAX_ID_LENGTH = 1_000;
export const MAX_NAME_LENGTH = 10_000;
export const MAX_LONG_TEXT_LENGTH = 16 * 1024 * 1024;
const noNul = (value: string) => !value.includes("\u0000");
const NUL_MESSAGE = "contains a NUL character (\\u0000), which PostgreSQL cannot store";

export const idSchema = z.string().min(1, "must not be empty").max(MAX_ID_LENGTH).refine(noNul, NUL_MESSAGE);
export const textSchema = z.string().max(MAX_NAME_LENGTH).refine(noNul, NUL_MESSAGE);
export const nonEmptyTextSchema = textSchema.refine((value) => value.length > 0, "must not be empty");
/** Messages, prompts, responses, error texts. */
export const longTextSchema = z.string().max(MAX_LONG_TEXT_LENGTH).refine(noNul, NUL_MESSAGE);
export const int32Schema = z.number().int().min(INT32_MIN).max(INT32_MAX);
export const countSchema = z.number().int().min(0).max(INT32_MAX);
export const amountSchema = z.number().min(0).refine(Number.isFinite, "must be a finite number");
export const dateSchema = z.date();
export const statusSchema = z.enum(STATUSES as [string, ...string[]]) as unknown as z.ZodType<
  (typeof STATUSES)[number]
>;
export const logLevelSchema = z.enum(LOG_LEVELS as [string, ...string[]]) as unknown as z.ZodType<
  (typeof LOG_LEVELS)[number]
>;
export const artifactTypeSchema = z.enum(ARTIFACT_TYPES as [string, ...string[]]) as unknown as z.ZodType<
  (typeof ARTIFACT_TYPES)[number]
>;

export const createRunSchema = z.strictObject({
  id: idSchema.optional(),
  workflowId: nonEmptyTextSchema,
  workflowName: textSchema,
  workflowType: nonEmptyTextSchema,
  input: jsonColumn("required"),
  config: jsonColumn("optional"),
  priority: int32Schema.optional(),
  // Kept as given (z.record would silently drop a "__proto__" key): its keys are
  // checked against the table's real columns, one by one, before any SQL runs.
  metadata: z
    .custom<Record<string, unknown>>(
      (value) => typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date),
      "must be a plain object",
    )
    .optional(),
});

export const updateRunSchema = z.strictObject({
  status: statusSchema.optional(),
  startedAt: dateSchema.nullable().optional(),
  completedAt: dateSchema.nullable().optional(),
  duration: int32Schema.nullable().optional(),
  output: jsonColumn("nullable"),
  totalCost: amountSchema.optional(),
  totalTokens: countSchema.optional(),
});

const stageCreateFields = {
  stageName: textSchema,
  stageNumber: int32Schema,
  executionGroup: int32Schema,
  status: statusSchema.optional(),
  startedAt: dateSchema.optional(),
  config: jsonColumn("nullable"),
  inputData: jsonColumn("nullable"),
};

export const createStageSchema = z.strictObject({
  workflowRunId: idSchema,
  stageId: nonEmptyTextSchema,
  ...stageCreateFields,
});

export const upsertStageSchema = z.strictObject({
  workflowRunId: idSchema,
  stageId: nonEmptyTextSchema,
  // The engine repeats the ids inside `create`; they must then agree (checked by the caller).
  create: z.strictObject({
    workflowRunId: idSchema.optional(),
    stageId: nonEmptyTextSchema.optional(),
    ...stageCreateFields,
  }),
  update: z.lazy(() => updateStageSchema),
});

export const updateStageSchema = z.strictObject({
  status: statusSchema.optional(),
  startedAt: dateSchema.nullable().optional(),
  completedAt: dateSchema.nullable().optional(),
  duration: int32Schema.nullable().optional(),
  outputData: jsonColumn("nullable"),
  config: jsonColumn("nullable"),
  suspendedState: jsonColumn("nullable"),
  resumeData: jsonColumn("nullable"),
  nextPollAt: dateSchema.nullable().optional(),
  pollInterval: countSchema.nullable().optional(),
  maxWaitUntil: dateSchema.nullable().optional(),
  metrics: jsonColumn("nullable"),
  embeddingInfo: jsonColumn("nullable"),
  errorMessage: longTextSchema.nullable().optional(),
  // The engine's UpdateStageInput declares it; no column holds it (accepted, not stored).
  artifacts: z.unknown().optional(),
});

export const getStagesByRunOptionsSchema = z
  .strictObject({
    status: statusSchema.optional(),
    orderBy: z.enum(["asc", "desc"]).optional(),
  })
  .optional();

export const createLogSchema = z.strictObject({
  workflowRunId: idSchema.optional(),
  workflowStageId: idSchema.optional(),
  level: logLevelSchema,
  message: longTextSchema,
  metadata: jsonColumn("nullable"),
});

export const saveArtifactSchema = z.strictObject({
  workflowRunId: idSchema,
  workflowStageId: idSchema.optional(),
  key: nonEmptyTextSchema,
  type: artifactTypeSchema,
  data: jsonColumn("required"),
  size: countSchema.optional(),
  metadata: jsonColumn("nullable"),
});

export type ParsedUpdateStage = z.output<typeof updateStageSchema>;

// --- Job queue ---

const plainObject = z.custom<Record<string, unknown>>(
  (value) => typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date),
  "must be a plain object",
);

export const enqueueJobSchema = z.strictObject({
  workflowRunId: idSchema,
  stageId: nonEmptyTextSchema,
  priority: int32Schema.optional(),
  payload: plainObject.pipe(jsonColumn("required") as z.ZodType<string, Record<string, unknown>>).optional(),
  scheduledFor: dateSchema.optional(),
  maxAttempts: z.number().int().min(1).max(INT32_MAX).optional(),
});

export const enqueueJobsSchema = z.array(enqueueJobSchema);
export const jobIdsSchema = z.array(idSchema);
/** The most jobs one claim may take. */
export const MAX_CLAIM_LIMIT = 10_000;
export const batchSizeSchema = z.number().int().min(1).max(MAX_CLAIM_LIMIT);
export const errorMessageSchema = longTextSchema;
export const staleThresholdSchema = z.number().min(0).refine(Number.isFinite, "must be a finite number");

// --- AI calls ---

export const createAICallSchema = z.strictObject({
  topic: textSchema,
  callType: textSchema,
  modelKey: textSchema,
  modelId: textSchema,
  prompt: longTextSchema,
  response: longTextSchema,
  inputTokens: countSchema,
  outputTokens: countSchema,
  cost: amountSchema,
  metadata: jsonColumn("nullable"),
});
export const createAICallsSchema = z.array(createAICallSchema);
