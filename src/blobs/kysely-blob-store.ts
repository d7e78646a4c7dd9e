import type { Kysely } from "kysely";
import { ConfigurationError, NotFoundError, ValidationError } from "../errors.js";
import { createQueryContext, type QueryContext, type QueryContextOptions } from "../database/query-context.js";
import { jsonColumn, parseInput } from "../validation/parse-input.js";
import { keySchema } from "../validation/input-schemas.js";
import { utf8ByteLength } from "../validation/json-text.js";
import type { BlobStore } from "./blob-store.js";
import { blobsTable, KWP_BLOBS, WORKFLOW_BLOBS, type BlobTable } from "./blobs-table.js";
import { publicApi } from "../database/public-api.js";
import { blobStoreOptions, checkKysely, parseOptions } from "../validation/factory-options.js";
import { CONTRACT_0_1 } from "../contracts/contract-0.1.js";

export interface KyselyBlobStoreOptions extends QueryContextOptions {
  /** Largest value, in bytes of JSON; a larger one is a ValidationError. Default 64 MiB. */
  maxBlobBytes?: number;
}

const DEFAULT_MAX_BLOB_BYTES = 64 * 1024 * 1024;
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
  return blobStoreOn(db, options, KWP_BLOBS);
}

/** The blob store's methods on `table` (the 1.0 entry's store uses the engine's workflow_blobs). */
export function blobStoreOn(db: Kysely<any>, options: KyselyBlobStoreOptions, table: BlobTable): BlobStore {
  checkKysely("createKyselyBlobStore", db);
  parseOptions("createKyselyBlobStore", blobStoreOptions, options);
  const maxBytes = options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new ConfigurationError(`maxBlobBytes must be a positive whole number, got ${maxBytes}`);
  }
  const ctx = createQueryContext(db, options, CONTRACT_0_1);
  const store: BlobStore = {
    put: (key, data) => put(ctx, table, key, data, maxBytes),
    get: (key) => get(ctx, table, key),
    has: (key) => has(ctx, table, key),
    delete: (key) => remove(ctx, table, key),
    list: (prefix) => list(ctx, table, prefix),
  };
  return publicApi(store, ctx, { component: "blobs", expectation: { table } });
}

/** INSERT … ON CONFLICT (key) DO UPDATE: the value (and its size) and updatedAt replaced; createdAt kept. */
async function put(ctx: QueryContext, table: BlobTable, key: string, data: unknown, maxBytes: number): Promise<void> {
  parseInput("put", "key", keySchema, key);
  const text = parseInput("put", "data", valueSchema, data);
  const size = utf8ByteLength(text);
  if (size > maxBytes) throw new ValidationError("put", "data", `is ${size} bytes of JSON, more than maxBlobBytes (${maxBytes})`);
  const now = ctx.dialect.now();
  const value = table.valueColumns(ctx.dialect, text, size);
  await blobsTable(ctx)
    .insertInto(table.name)
    .values({ key, ...value, createdAt: now, updatedAt: now } as any)
    .onConflict((conflict) => conflict.column("key").doUpdateSet({ ...value, updatedAt: now } as any))
    .execute();
}

async function get(ctx: QueryContext, table: BlobTable, key: string): Promise<unknown> {
  parseInput("get", "key", keySchema, key);
  const row = await blobsTable(ctx).selectFrom(table.name).select(table.selectValue(ctx.dialect) as "data").where("key", "=", key).executeTakeFirst();
  if (!row) throw new NotFoundError("get", "blob", key);
  return table.readValue(ctx.dialect, row.data);
}

async function has(ctx: QueryContext, table: BlobTable, key: string): Promise<boolean> {
  parseInput("has", "key", keySchema, key);
  const row = await blobsTable(ctx).selectFrom(table.name).select("key").where("key", "=", key).executeTakeFirst();
  return row !== undefined;
}

async function remove(ctx: QueryContext, table: BlobTable, key: string): Promise<void> {
  parseInput("delete", "key", keySchema, key);
  await blobsTable(ctx).deleteFrom(table.name).where("key", "=", key).execute();
}

async function list(ctx: QueryContext, table: BlobTable, prefix: string): Promise<string[]> {
  parseInput("list", "prefix", keySchema, prefix);
  const rows = await blobsTable(ctx)
    .selectFrom(table.name)
    .select("key")
    .where(ctx.dialect.startsWith("key", prefix))
    .orderBy("key", "asc")
    .execute();
  return rows.map((row) => String(row.key));
}

/**
 * The 1.0 entry's blob store: the engine's own `workflow_blobs` table (the
 * one its createPrismaBlobStore writes), so a database shared with it reads
 * the same blobs; `migrateToLatest(db, { target: "1.0", blobStore: true })`
 * creates it (moving kwp_blobs' values into it).
 */
export function createKyselyBlobStore10(db: Kysely<any>, options: KyselyBlobStoreOptions = {}): BlobStore {
  return blobStoreOn(db, options, WORKFLOW_BLOBS);
}
