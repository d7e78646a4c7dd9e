import type { Kysely } from "kysely";
import { ConfigurationError, NotFoundError, ValidationError } from "../errors.js";
import { createQueryContext, type QueryContext, type QueryContextOptions } from "../database/query-context.js";
import { jsonColumn, parseInput } from "../validation/parse-input.js";
import { keySchema, nonEmptyKeySchema } from "../validation/input-schemas.js";
import { utf8ByteLength } from "../validation/json-text.js";
import type { BlobStore } from "./blob-store.js";
import { blobsTable } from "./blobs-table.js";
import { publicApi } from "../database/public-api.js";
import { blobStoreOptions, checkKysely, parseOptions } from "../validation/factory-options.js";

export interface KyselyBlobStoreOptions extends QueryContextOptions {
  /** Largest value, in bytes of JSON; a larger one is a ValidationError. Default 64 MiB. */
  maxBlobBytes?: number;
}

const DEFAULT_MAX_BLOB_BYTES = 64 * 1024 * 1024;
const BLOBS_TABLE = {
  name: "kwp_blobs",
  fix:
    "run `kwp migrate --blob-store` (or `await migrateToLatest(db, { blobStore: true })`); a database Prisma " +
    "manages gets it from the KwpBlob model block (or `kwp prisma-migration --blob-store`)",
};
const valueSchema = jsonColumn("required");

/**
 * A durable BlobStore in the same database as the workflow state, in this
 * library's `kwp_blobs` table (`migrateToLatest(db, { blobStore: true })`).
 * Made from a transaction, its writes commit or roll back with it. Each
 * method is one statement.
 *
 * @example
 * ```ts
 * await migrateToLatest(db, { target: "0.12", blobStore: true });
 * const blobs = createKyselyBlobStore(db);
 * await blobs.put("runs/r-1/extract/output.json", { pages: 12 });
 * const keys = await blobs.list("runs/r-1/");
 * ```
 */
export function createKyselyBlobStore(db: Kysely<any>, options: KyselyBlobStoreOptions = {}): BlobStore {
  checkKysely("createKyselyBlobStore", db);
  parseOptions("createKyselyBlobStore", blobStoreOptions, options);
  const maxBytes = options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new ConfigurationError(`maxBlobBytes must be a positive whole number, got ${maxBytes}`);
  }
  const ctx = createQueryContext(db, options);
  const store: BlobStore = {
    put: (key, data) => put(ctx, key, data, maxBytes),
    get: (key) => get(ctx, key),
    has: (key) => has(ctx, key),
    delete: (key) => remove(ctx, key),
    list: (prefix) => list(ctx, prefix),
  };
  return publicApi(store, ctx, { expectation: { table: BLOBS_TABLE } });
}

/** INSERT … ON CONFLICT (key) DO UPDATE: the value, its size and updatedAt replaced; createdAt kept. */
async function put(ctx: QueryContext, key: string, data: unknown, maxBytes: number): Promise<void> {
  parseInput("put", "key", nonEmptyKeySchema, key);
  const text = parseInput("put", "data", valueSchema, data);
  const size = utf8ByteLength(text);
  if (size > maxBytes) throw new ValidationError("put", "data", `is ${size} bytes of JSON, more than maxBlobBytes (${maxBytes})`);
  const now = ctx.dialect.now();
  await blobsTable(ctx)
    .insertInto("kwp_blobs")
    .values({ key, data: text, size, createdAt: now, updatedAt: now })
    .onConflict((conflict) => conflict.column("key").doUpdateSet({ data: text, size, updatedAt: now }))
    .execute();
}

async function get(ctx: QueryContext, key: string): Promise<unknown> {
  parseInput("get", "key", nonEmptyKeySchema, key);
  const row = await blobsTable(ctx).selectFrom("kwp_blobs").select("data").where("key", "=", key).executeTakeFirst();
  if (!row) throw new NotFoundError("get", "blob", key);
  return JSON.parse(String(row.data));
}

async function has(ctx: QueryContext, key: string): Promise<boolean> {
  parseInput("has", "key", nonEmptyKeySchema, key);
  const row = await blobsTable(ctx).selectFrom("kwp_blobs").select("key").where("key", "=", key).executeTakeFirst();
  return row !== undefined;
}

async function remove(ctx: QueryContext, key: string): Promise<void> {
  parseInput("delete", "key", nonEmptyKeySchema, key);
  await blobsTable(ctx).deleteFrom("kwp_blobs").where("key", "=", key).execute();
}

async function list(ctx: QueryContext, prefix: string): Promise<string[]> {
  parseInput("list", "prefix", keySchema, prefix);
  const rows = await blobsTable(ctx)
    .selectFrom("kwp_blobs")
    .select("key")
    .where(ctx.dialect.startsWith("key", prefix))
    .orderBy("key", "asc")
    .execute();
  return rows.map((row) => String(row.key));
}
