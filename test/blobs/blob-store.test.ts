import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { NotFoundError, ValidationError } from "../../src/errors.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { createKyselyBlobStore } from "../../src/blobs/kysely-blob-store.js";
import { BACKENDS, isVolumeBackend, useBackend } from "../conformance/backends.js";
import { createTestDatabase, DATABASE_TYPES } from "../support/test-databases.js";

describe.each(BACKENDS)("the blob store on $name", (backend) => {
  const fixture = useBackend(backend, "0.12", { blobStore: true });

  it("puts, gets, overwrites, tells what it has and deletes", async () => {
    const blobs = fixture.blobStore();
    const value = { output: { rows: [1, 2.5, "x", null, true] }, at: "2026-01-01T00:00:00.000Z", nested: { deep: [{ a: 1 }] } };
    await blobs.put("workflow-v2/t/run-1/extract/output.json", value);
    expect(await blobs.get("workflow-v2/t/run-1/extract/output.json")).toEqual(value);
    expect(await blobs.has("workflow-v2/t/run-1/extract/output.json")).toBe(true);
    await blobs.put("workflow-v2/t/run-1/extract/output.json", "replaced");
    expect(await blobs.get("workflow-v2/t/run-1/extract/output.json")).toBe("replaced");
    for (const scalar of [0, -1.25, false, null, "", [], {}]) {
      await blobs.put("scalar", scalar);
      expect(await blobs.get("scalar")).toEqual(scalar);
    }
    await blobs.delete("scalar");
    expect(await blobs.has("scalar")).toBe(false);
    await expect(blobs.get("scalar")).rejects.toBeInstanceOf(NotFoundError);
    await blobs.delete("scalar"); // already gone: no error, as the engine's own stores
    await blobs.delete("never-stored");
  });

  it("lists keys by literal prefix, in key order", async () => {
    const blobs = fixture.blobStore();
    for (const key of ["run-1/b", "run-1/a", "run-10/a", "run-1%/x", "run_1/y", "Run-1/z", "run-2/a"]) await blobs.put(key, key);
    expect(await blobs.list("run-1/")).toEqual(["run-1/a", "run-1/b"]);
    expect(await blobs.list("run-1")).toEqual(["run-1%/x", "run-1/a", "run-1/b", "run-10/a"]);
    expect(await blobs.list("run-1%")).toEqual(["run-1%/x"]);
    expect(await blobs.list("run_")).toEqual(["run_1/y"]);
    expect(await blobs.list("nothing")).toEqual([]);
    expect(await blobs.list("")).toHaveLength(7);
  });

  it.runIf(isVolumeBackend(backend))("stores a 10 MB value and reads it back whole", { timeout: 180_000 }, async () => {
    const blobs = fixture.blobStore();
    const chunk = "x".repeat(1_000);
    const large = { chunks: Array.from({ length: 10_000 }, (_, i) => `${i}:${chunk}`) };
    expect(JSON.stringify(large).length).toBeGreaterThan(10_000_000);
    await blobs.put("large", large);
    const back = (await blobs.get("large")) as typeof large;
    expect(back.chunks).toHaveLength(10_000);
    expect(back.chunks[9_999]).toBe(`9999:${chunk}`);
    const { rows } = await sql<{ size: number | string }>`select size from kwp_blobs where key = 'large'`.execute(fixture.db);
    expect(Number(rows[0]!.size)).toBe(JSON.stringify(large).length);
  });

  it("refuses what JSON cannot hold and values over maxBlobBytes, writing nothing", async () => {
    const blobs = fixture.blobStore({ maxBlobBytes: 100 });
    await expect(blobs.put("k", { n: Number.NaN })).rejects.toMatchObject({ name: "ValidationError", field: "data.n" });
    await expect(blobs.put("k", undefined)).rejects.toBeInstanceOf(ValidationError);
    await expect(blobs.put("k", "y".repeat(200))).rejects.toMatchObject({ field: "data" });
    await expect(blobs.put("k".repeat(801), 1)).rejects.toMatchObject({ field: "key" });
    await expect(blobs.list(7 as never)).rejects.toBeInstanceOf(ValidationError);
    expect(await blobs.list("")).toEqual([]);
  });

  it("commits and rolls back with the transaction it was made on", async () => {
    if (backend.kind !== "kysely" || backend.name.includes("PgBouncer") || backend.name.includes("DML")) return; // one direct backend per dialect is enough
    await expect(
      fixture.db.transaction().execute(async (tx) => {
        await createKyselyBlobStore(tx).put("in-tx", 1);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await fixture.blobStore().has("in-tx")).toBe(false);
    await fixture.db.transaction().execute((tx) => createKyselyBlobStore(tx).put("in-tx", 2));
    expect(await fixture.blobStore().get("in-tx")).toBe(2);
  });
});

describe.each(DATABASE_TYPES)("the blob store's table on %s", (databaseType) => {
  it("is created only on request, once, and recorded apart from the engine's schema", async () => {
    const database = await createTestDatabase[databaseType]("blob-migration");
    try {
      const db = database.open();
      expect((await migrateToLatest(db)).blobStoreApplied).toEqual([]);
      await expect(createKyselyBlobStore(db).has("k")).rejects.toThrow(/kwp_blobs/);
      expect((await migrateToLatest(db, { blobStore: true })).blobStoreApplied).toEqual(["blob-store/0001_kwp_blobs"]);
      expect((await migrateToLatest(db, { blobStore: true })).blobStoreApplied).toEqual([]);
      // The contract upgrade leaves it alone.
      await createKyselyBlobStore(db).put("k", { kept: true });
      await migrateToLatest(db, { target: "0.12", blobStore: true });
      expect(await createKyselyBlobStore(db).get("k")).toEqual({ kept: true });
    } finally {
      await database.dispose();
    }
  });
});
