import { Kysely } from "kysely";
import { z } from "zod";
import { ConfigurationError } from "../errors.js";
import { MAX_JSON_BYTES } from "./json-text.js";
import { INT32_MAX } from "./primitives.js";

// The options every factory takes, checked when the object is made: a value
// of the wrong kind, out of range, or an option that does not exist is a
// ConfigurationError naming it, instead of a failure later (or a silent
// default). Application code gets its mistakes at start-up.

const positiveInt = (max: number) => z.number().int().min(1).max(max);
const databaseType = z.enum(["postgresql", "sqlite"]);

/** What createQueryContext reads (every Kysely factory takes these). */
export const queryContextOptions = {
  databaseType: databaseType.optional(),
  schema: z.string().min(1).optional(),
};

/** `retry` (retry-policy.ts): true for the defaults, or the policy's numbers. */
export const retryOption = z
  .union([
    z.boolean(),
    z.strictObject({
      attempts: z.number().int().min(1).max(100).optional(),
      baseDelayMs: z.number().int().min(0).max(INT32_MAX).optional(),
      maxDelayMs: z.number().int().min(0).max(INT32_MAX).optional(),
    }),
  ])
  .optional();

/** What the Prisma adapter's Kysely reads (every Prisma factory takes these). */
export const prismaAdapterOptions = {
  databaseType: databaseType.optional(),
  retry: retryOption,
  transactionMaxWaitMs: positiveInt(INT32_MAX).optional(),
  transactionTimeoutMs: positiveInt(INT32_MAX).optional(),
};

const maxArtifactBytes = positiveInt(MAX_JSON_BYTES).optional();
const staleVersionError = z
  .custom<new (...args: any[]) => Error>((value) => typeof value === "function" && value.prototype !== undefined, "must be an error class (a constructor)")
  .optional();

export const persistenceOptions = { ...queryContextOptions, maxArtifactBytes };
export const persistence012Options = { ...persistenceOptions, staleVersionError };
const aFunction = z.custom<(...args: any[]) => unknown>((value) => typeof value === "function", "must be a function");
/** 1.0: definition versioning on or off (default on), and the clock the run claim writes. */
const persistence10Fields = { definitionVersioning: z.boolean().optional(), now: aFunction.optional() };
export const persistence10Options = { ...persistence012Options, ...persistence10Fields };
export const prismaPersistenceOptions = { ...prismaAdapterOptions, maxArtifactBytes };
export const prismaPersistence012Options = { ...prismaPersistenceOptions, staleVersionError };
export const prismaPersistence10Options = {
  ...prismaPersistence012Options,
  ...persistence10Fields,
  // The engine's option for a renamed enum type; this library's statements name "Status".
  statusEnumName: z.literal("Status", { message: 'must be "Status": the Status enum under another name is not supported' }).optional(),
};

const listen = z.union([z.literal(false), z.custom<object>((value) => typeof value === "object" && value !== null, "must be pg pool settings or false")]);
export const queueOptions = { ...queryContextOptions, workerId: z.string().optional(), listen: listen.optional(), onListenError: aFunction.optional() };
export const prismaQueueOptions = { ...prismaAdapterOptions, workerId: z.string().optional() };
/** A dotted payload path: non-empty segments without NUL. */
const payloadPath = z
  .string()
  .refine((path) => path.split(".").every((segment) => segment.length > 0 && segment.length <= 200 && !segment.includes("\0")), {
    message: 'must be a dotted path of non-empty keys, e.g. "_groupKey" or "config.tenantId"',
  });
const fairness = z.strictObject({ maxConcurrentPerGroup: positiveInt(INT32_MAX), groupBy: payloadPath.optional() }).optional();
export const queue10Options = { ...queueOptions, fairness };
export const prismaQueue10Options = { ...prismaQueueOptions, fairness };

/** Rows per INSERT: a buffered batch is one statement (12 parameters a row), so a retry never writes a row twice. */
export const MAX_LOGGER_BATCH = 1_000;
export const loggerBufferOptions = {
  flushIntervalMs: z.number().int().min(0).max(INT32_MAX).optional(),
  maxBatchSize: positiveInt(MAX_LOGGER_BATCH).optional(),
  maxAttempts: positiveInt(100).optional(),
  retryDelayMs: z.number().int().min(0).max(INT32_MAX).optional(),
  onError: z.custom<(...args: any[]) => unknown>((value) => typeof value === "function", "must be a function").optional(),
};
export const loggerOptions = { ...queryContextOptions, ...loggerBufferOptions };
export const prismaLoggerOptions = { ...prismaAdapterOptions, ...loggerBufferOptions };

const maxBlobBytes = positiveInt(MAX_JSON_BYTES).optional();
const contractVersion = z.enum(["0.1", "0.12", "1.0"]);
/** The engine's console option: "0 disables"; a negative one disables it too (its reader sets a timeout only above 0). */
const statementTimeoutMs = z.number().int().min(-2_147_483_648).max(2_147_483_647);
const consoleFields = { statementTimeoutMs: statementTimeoutMs.optional(), contract: contractVersion.optional(), now: aFunction.optional() };
export const consoleOptions = { ...queryContextOptions, ...consoleFields };
export const prismaConsoleOptions = { ...prismaAdapterOptions, ...consoleFields, statusEnumName: prismaPersistence10Options.statusEnumName };
export const metricsOptions = { ...queryContextOptions, staleLeaseSeconds: z.number().int().min(1).max(2_147_483_647).optional() };
export const blobStoreOptions = { ...queryContextOptions, maxBlobBytes };
export const prismaBlobStoreOptions = { ...prismaAdapterOptions, maxBlobBytes };

/**
 * `options` checked against `fields` (undefined counts as absent): the parsed
 * options, or a ConfigurationError naming the first option that is wrong.
 */
export function parseOptions<Fields extends z.core.$ZodLooseShape>(
  factory: string,
  fields: Fields,
  options: unknown,
): z.output<z.ZodObject<Fields>> {
  if (options === undefined) return {} as z.output<z.ZodObject<Fields>>;
  const result = z.strictObject(fields).safeParse(options);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    throw new ConfigurationError(`${factory}: unknown option(s) ${issue.keys.map((key) => JSON.stringify(key)).join(", ")}`);
  }
  const name = issue.path.map(String).join(".");
  throw new ConfigurationError(`${factory}: ${name ? `option ${name}` : "options"}: ${issue.message}`);
}

/** The Kysely instance a factory was given, or a ConfigurationError saying what it got instead. */
export function checkKysely(factory: string, db: unknown): void {
  if (db instanceof Kysely) return;
  // Another copy of kysely (two installed versions) is still a Kysely instance by shape.
  if (typeof db === "object" && db !== null && typeof (db as Kysely<any>).selectFrom === "function" && typeof (db as Kysely<any>).transaction === "function") return;
  throw new ConfigurationError(
    `${factory}: the first argument must be a Kysely instance (openDatabase(url) makes one), got ${db === null ? "null" : typeof db === "string" ? "a string" : typeof db}`,
  );
}
