-- kysely-workflow-persistence · SQLite · blob-store/contract-1.0/0002_workflow_blobs
--
-- From the engine's 1.0 contract on, its own blob table holds the blob store:
-- workflow_blobs (key, the value as JSON, timestamps), the table the engine's
-- createPrismaBlobStore writes, so a database shared with it reads the same
-- blobs. The values of this library's earlier table (kwp_blobs, 0001) move
-- there, and it goes. Applied with `blobStore: true` and `target: "1.0"`.
CREATE TABLE "workflow_blobs" (
    "key"       TEXT NOT NULL PRIMARY KEY,
    "data"      JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "workflow_blobs" ("key", "data", "createdAt", "updatedAt")
    SELECT "key", "data", "createdAt", "updatedAt" FROM "kwp_blobs";
DROP TABLE "kwp_blobs";
