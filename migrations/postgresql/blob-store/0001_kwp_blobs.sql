-- The blob store of kysely-workflow-persistence (createKyselyBlobStore): the
-- engine's BlobStore port (stage outputs, artifacts) kept in the same database
-- as the rest of its state. Not part of the engine's schema: opt-in with
-- migrateToLatest(db, { blobStore: true }) / kwp migrate --blob-store. Written
-- as Prisma writes the KwpBlob model block the README gives, so a database
-- Prisma manages can hold it too (kwp prisma-migration --blob-store).
-- `data` is the value's JSON text: nothing queries inside it, and TEXT stores a
-- large value without the cost of parsing it into JSONB.

-- CreateTable
CREATE TABLE "kwp_blobs" (
    "key" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "kwp_blobs_pkey" PRIMARY KEY ("key")
);
