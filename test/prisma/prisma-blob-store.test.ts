import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KWP_BLOB_PRISMA_MODEL } from "../../src/blobs/blobs-table.js";
import { createKyselyBlobStore } from "../../src/blobs/kysely-blob-store.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { writePrismaBlobStoreMigration } from "../../src/database/migrations/prisma-migration-folder.js";
import { catalogDiff } from "../support/catalog-diff.js";
import { catalogOf } from "../support/catalog-of.js";
import { PrismaCliProject } from "../support/prisma-cli-project.js";
import { createTestDatabase, DATABASE_TYPES } from "../support/test-databases.js";

// The blob store on a database Prisma manages: the guide's model block and the
// migration folder the library writes give the very table Prisma itself makes
// from that block, and the migrator only checks it there.
describe.each(DATABASE_TYPES)("the blob store on a database Prisma manages (%s)", (databaseType) => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });

  async function project(withModel: boolean) {
    const database = await createTestDatabase[databaseType]("blob-prisma");
    cleanup.push(() => database.dispose());
    const prisma = new PrismaCliProject(database);
    cleanup.push(() => prisma.dispose());
    if (withModel) appendFileSync(join(prisma.folder, "prisma/schema.prisma"), `\n${KWP_BLOB_PRISMA_MODEL}`);
    await prisma.writeInitialMigration();
    await prisma.deploy();
    return { database, prisma };
  }

  it("is Prisma's own table for the KwpBlob model, up to date for Prisma, only checked by the migrator", { timeout: 180_000 }, async () => {
    // Prisma alone, from the model block.
    const { database: fromModel } = await project(true);
    // The spec's schema first, then the library's migration folder and the model block.
    const { database, prisma } = await project(false);
    const db = database.open();
    await expect(migrateToLatest(db, { blobStore: true })).rejects.toMatchObject({ name: "PartialSchemaError" });
    await db.destroy();
    writePrismaBlobStoreMigration({ databaseType, migrationsDir: prisma.migrationsDir });
    appendFileSync(join(prisma.folder, "prisma/schema.prisma"), `\n${KWP_BLOB_PRISMA_MODEL}`);
    await prisma.deploy();
    expect(await prisma.prisma("migrate", "status")).toMatch(/Database schema is up to date!/);
    expect(catalogDiff(await catalogOf(fromModel), await catalogOf(database))).toEqual([]);

    const reopened = database.open();
    expect(await migrateToLatest(reopened, { blobStore: true })).toMatchObject({ prismaManaged: true, blobStoreApplied: [] });
    const blobs = createKyselyBlobStore(reopened);
    await blobs.put("k", { v: 1 });
    expect(await blobs.get("k")).toEqual({ v: 1 });
    expect(catalogDiff(await catalogOf(fromModel), await catalogOf(database))).toEqual([]);
  });
});
