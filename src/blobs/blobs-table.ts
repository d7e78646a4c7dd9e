import type { Kysely } from "kysely";
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

export const blobsTable = (ctx: { db: Kysely<any> }) => ctx.db as Kysely<{ kwp_blobs: KwpBlobsTable }>;

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
