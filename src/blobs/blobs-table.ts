import type { AliasedExpression, Kysely } from "kysely";
import type { DialectSupport } from "../dialects/dialect-support.js";
import type { Generated, Timestamp } from "../database/schema.generated.js";

/** This library's blob store table (`migrations/<dialect>/blob-store/`), as Kysely sees it. @group Schema types */
export interface KwpBlobsTable {
  key: string;
  /** The value's JSON text. */
  data: string;
  /** Bytes of `data` (UTF-8). */
  size: number;
  createdAt: Generated<Timestamp>;
  updatedAt: Timestamp;
}

/**
 * A table a blob store keeps values in: this library's kwp_blobs (0.1,
 * 0.12: the value's JSON text and its size) or, from the 1.0 contract on, the
 * engine's workflow_blobs (the value as JSON, the table its own Prisma blob
 * store writes), so both read the same blobs.
 */
export interface BlobTable {
  readonly name: "kwp_blobs" | "workflow_blobs";
  /** How to get the table, for the SchemaMismatchError of a database without it. */
  readonly fix: string;
  /** The columns of a value besides key and timestamps, from its JSON text. */
  valueColumns(dialect: DialectSupport, text: string, size: number): Record<string, unknown>;
  /** How the value column is selected, and read back. */
  selectValue(dialect: DialectSupport): string | AliasedExpression<unknown, string>;
  readValue(dialect: DialectSupport, value: unknown): unknown;
}

export const KWP_BLOBS: BlobTable = {
  name: "kwp_blobs",
  fix:
    "run `kwp migrate --blob-store` (or `await migrateToLatest(db, { blobStore: true })`); a database Prisma " +
    "manages gets it from the KwpBlob model block (or `kwp prisma-migration --blob-store`)",
  valueColumns: (_dialect, text, size) => ({ data: text, size }),
  selectValue: () => "data",
  readValue: (_dialect, value) => JSON.parse(String(value)),
};

export const WORKFLOW_BLOBS: BlobTable = {
  name: "workflow_blobs",
  fix:
    'run `kwp migrate --target 1.0 --blob-store` (or `await migrateToLatest(db, { target: "1.0", blobStore: true })`); ' +
    "a database Prisma manages gets it from the engine's WorkflowBlob model",
  valueColumns: (dialect, text) => ({ data: dialect.json(text) }),
  selectValue: (dialect) => dialect.selectJson("data"),
  readValue: (dialect, value) => dialect.readJson(value),
};

/** The table's rows, as Kysely sees them (the value columns differ between the two). */
export const blobsTable = (ctx: { db: Kysely<any> }) => ctx.db as Kysely<Record<BlobTable["name"], KwpBlobsTable>>;

/**
 * The Prisma model block for the table, for an application whose database
 * Prisma manages: add it to schema.prisma (or deploy `kwp prisma-migration
 * --blob-store`), and Prisma's DDL for it is exactly the migration file's.
 */
export const KWP_BLOB_PRISMA_MODEL = `/// The blob store of kysely-workflow-persistence (not part of the workflow engine's schema).
model KwpBlob {
  key       String   @id
  data      String
  size      Int
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt

  @@map("kwp_blobs")
}
`;
