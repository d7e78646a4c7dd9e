-- The blob store of kysely-workflow-persistence (createKyselyBlobStore): the
-- engine's BlobStore port (stage outputs, artifacts) kept in the same database
-- as the rest of its state. Not part of the engine's schema: opt-in with
-- migrateToLatest(db, { blobStore: true }) / kwp migrate --blob-store. Written
-- as Prisma writes the KwpBlob model block the README gives, so a database
-- Prisma manages can hold it too (kwp prisma-migration --blob-store).
-- `data` is the value's JSON text: nothing queries inside it.

-- CreateTable
CREATE TABLE "kwp_blobs" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "data" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
