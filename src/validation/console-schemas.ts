import { z } from "zod";
import { CONSOLE_STATUSES } from "../console/console-types.js";
import { dateSchema, idSchema, inputObject, int32Schema, keySchema, textSchema } from "./primitives.js";

// The console read port's inputs, checked before any SQL runs (ValidationError
// naming the field). Limits are clamped as the console clamps them, so any
// number is accepted; NaN or a string is not.

// Any number, Infinity and NaN included (clampLimit turns those into the default).
const limit = z.custom<number>((value) => typeof value === "number", "must be a number").optional();

export const runListQuerySchema = inputObject({
  filters: inputObject({
    status: z.array(z.enum(CONSOLE_STATUSES as [string, ...string[]])).optional(),
    workflowId: keySchema.optional(),
    workflowType: textSchema.optional(),
    createdAfter: dateSchema.optional(),
    createdBefore: dateSchema.optional(),
    definitionVersion: textSchema.optional(),
  }).optional(),
  cursor: z.string().max(4_000).optional(),
  limit,
});

export const runDetailOptionsSchema = inputObject({
  stepLimit: limit,
  annotationLimit: limit,
  logLimit: limit,
  eventLimit: limit,
}).optional();

export const costQuerySchema = inputObject({
  by: z.enum(["workflow", "day"]),
  from: dateSchema.optional(),
  to: dateSchema.optional(),
});

export const modelCostQuerySchema = inputObject({
  runId: idSchema.optional(),
  from: dateSchema.optional(),
  to: dateSchema.optional(),
});

export const runIdSchema = idSchema;
/** "afterSequence 0 = from start": any sequence the INTEGER column compares with. */
export const sequenceSchema = int32Schema;
export const limitSchema = limit;

/** The runs of one page of the list whose errors are read: at most a page's worth. */
export const runIdsSchema = z.array(runIdSchema).max(200);

/** A page of one run's AI calls: the run, where the last page ended, how many. */
export const runAICallsQuerySchema = inputObject({
  runId: runIdSchema,
  cursor: z.string().max(4_000).optional(),
  limit,
});
