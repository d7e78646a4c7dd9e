// Child process: migrates the database at argv[2] and prints the result as JSON.
import { openDatabase } from "../../../src/database/open-database.js";
import { migrateToLatest } from "../../../src/database/migrations/migrate.js";

const db = openDatabase(process.argv[2]!);
try {
  const result = await migrateToLatest(db);
  process.stdout.write(JSON.stringify(result));
} finally {
  await db.destroy();
}
