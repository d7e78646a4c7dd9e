// A durable BlobStore (the engine's kernel port) in the same database as the
// workflow state: stage outputs survive a restart and are backed up with it.
import { createKyselyBlobStore, migrateToLatest, openDatabase } from "kysely-workflow-persistence/v0.12";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow-0.12.db");
try {
  await migrateToLatest(db, { target: "0.12", blobStore: true }); // kwp_blobs is opt-in
  const blobs = createKyselyBlobStore(db);
  await blobs.put("runs/r-1/extract/output.json", { pages: 12, text: "…" });
  await blobs.put("runs/r-1/summarize/output.json", { summary: "short" });
  console.log(`stored: ${(await blobs.list("runs/r-1/")).join(", ")}`);
  console.log(`extract output: ${JSON.stringify(await blobs.get("runs/r-1/extract/output.json"))}`);
  await blobs.delete("runs/r-1/extract/output.json");
  console.log(`after delete: ${await blobs.has("runs/r-1/extract/output.json")}`);
} finally {
  await db.destroy();
}
