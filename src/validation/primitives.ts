import { z } from "zod";

// The rules every input follows, one class of value at a time. Each value is
// either stored exactly as given or refused with a ValidationError naming its
// field, the same on both databases; nothing is changed on the way in, and no
// value reaches the database that would make it raise an error of its own.
// The README's Guarantees section states these limits; the hostile-input
// property tests enforce them.

export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;

/** Ids (runs, stages, jobs, events, …): characters, and UTF-8 bytes. */
export const MAX_ID_LENGTH = 1_000;
/**
 * Text an index holds besides an id (workflowId, workflowType, stageId,
 * artifact and annotation keys, topics, model keys, idempotency keys and
 * command types, blob keys): UTF-8 bytes. PostgreSQL refuses a B-tree entry
 * over 2,704 bytes; the widest index (annotations: run id, key and
 * idempotency key) then stays under it: 1,000 + 800 + 800.
 */
export const MAX_KEY_BYTES = 800;
/**
 * Text no index holds (names, messages, prompts, responses, error texts):
 * characters. Far above anything a model or a workflow definition produces,
 * and far below what either database holds in one value (1 GB), so one call
 * cannot build a statement the driver chokes on.
 */
export const MAX_LONG_TEXT_LENGTH = 16 * 1024 * 1024;


/** The first problem with a string as stored text, or undefined when it stores exactly. */
export function textProblem(value: string): string | undefined {
  // PostgreSQL cannot store NUL in text at all.
  if (value.includes("\u0000")) return "contains a NUL character (\\u0000), which PostgreSQL cannot store";
  // A lone UTF-16 surrogate has no UTF-8 form: PostgreSQL refuses it, SQLite
  // stores U+FFFD instead, and the value would not read back as written.
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) {
    return "contains a lone UTF-16 surrogate (half of a pair), which has no UTF-8 form and cannot be stored as written";
  }
  return undefined;
}

/** A string stored exactly (textProblem), at most `maxBytes` bytes of UTF-8 when given. */
function storable(schema: z.ZodString, maxBytes?: number) {
  return schema.superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    // Characters ≤ bytes ≤ 3 × characters: count bytes only when it could matter.
    else if (maxBytes !== undefined && value.length * 3 > maxBytes && Buffer.byteLength(value, "utf8") > maxBytes) {
      ctx.addIssue({ code: "custom", message: `is ${Buffer.byteLength(value, "utf8")} bytes of UTF-8; the limit is ${maxBytes}`, input: value });
    }
  });
}

// The contract types ids, keys and names as plain `string`: the empty string
// is a value like any other (both databases store it, and a lookup finds it).
export const idSchema = storable(z.string().max(MAX_ID_LENGTH), MAX_ID_LENGTH);
export const keySchema = storable(z.string(), MAX_KEY_BYTES);
export const textSchema = storable(z.string().max(MAX_LONG_TEXT_LENGTH));
export const longTextSchema = textSchema;
/** Where this library's own API (not the engine's contract) needs something to name: a worker id. */
export const nonEmptyTextSchema = storable(z.string().min(1, "must not be empty").max(MAX_LONG_TEXT_LENGTH));

/**
 * A number the contract types as `number` for an `Int` column: any whole
 * number the column holds, negative included (counts, attempts, versions,
 * durations, poll intervals). A fraction or a value past 32 bits is refused:
 * the column cannot hold it (the engine's Prisma adapter refuses it too).
 */
export const int32Schema = z.number().int().min(INT32_MIN).max(INT32_MAX);
/** A `Float` column (costs): any finite number, negative included (a provider's credit is a negative cost). */
export const amountSchema = z.number().refine(Number.isFinite, "must be a finite number");
/**
 * "Up to `limit`" rows: a whole number of rows, 0 for none. A negative count
 * of rows means nothing (Prisma would turn it into "take from the end",
 * reversing the contract's order), so it is refused.
 */
export const rowLimitSchema = z.number().int().min(0, "must be 0 or more (a number of rows)").max(Number.MAX_SAFE_INTEGER);

/**
 * Dates from 0001-01-01 to 9999-12-31 (UTC), to the millisecond. Beyond, the
 * databases disagree: PostgreSQL refuses year 0 and SQLite's ISO text for
 * year 10000 and later sorts before every four-digit year.
 */
export const MIN_DATE = new Date("0001-01-01T00:00:00.000Z");
export const MAX_DATE = new Date("9999-12-31T23:59:59.999Z");
export const dateSchema = z.date().superRefine((value, ctx) => {
  const time = value.getTime();
  if (time < MIN_DATE.getTime() || time > MAX_DATE.getTime()) {
    ctx.addIssue({ code: "custom", message: "is outside years 1 to 9999 (UTC), which both databases store alike", input: value });
  }
});

/**
 * A span of time in ms for a threshold (stale leases, runaway claims, stale
 * idempotency keys): within a century either way. Zero or a negative span is
 * "everything is stale now", as the engine's own tests use it
 * (`releaseStaleJobs(-1000)`); past a century is no span a clock measures.
 */
export const MAX_SPAN_MS = 100 * 365.25 * 24 * 60 * 60 * 1000;
export const spanMsSchema = z
  .number()
  .min(-MAX_SPAN_MS, "must be within a century either way (±3,155,760,000,000 ms)")
  .max(MAX_SPAN_MS, "must be within a century either way (±3,155,760,000,000 ms)");
/** How long a call may wait (a timer): Node's setTimeout holds up to 2^31 − 1 ms. */
export const waitMsSchema = z.number().min(0).max(INT32_MAX);

/** An AbortSignal, or nothing. */
export const abortSignalSchema = z
  .custom<AbortSignal>((value) => value instanceof AbortSignal, "must be an AbortSignal (AbortController's signal)")
  .optional();

/**
 * An object as callers write one (`{ … }`): not a Date, array, Map, boxed
 * value or other built-in, whose own fields would not be the ones read.
 */
export function isPlainInput(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  for (const builtIn of BUILT_INS) if (value instanceof builtIn) return false;
  return true;
}
const BUILT_INS: ReadonlyArray<abstract new (...args: never[]) => unknown> = [
  Date, Map, Set, WeakMap, WeakSet, RegExp, Error, Promise, ArrayBuffer, Number, String, Boolean,
];

/** z.strictObject that also refuses a Date, array or other built-in in place of the object. */
export function inputObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.custom<unknown>(isPlainInput, "must be a plain object").pipe(z.strictObject(shape));
}
