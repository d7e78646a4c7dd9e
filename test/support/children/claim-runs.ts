// Child process: claims runs with claimNextPendingRun until none is left and
// prints the claimed ids as JSON. argv: <database url> <start time, epoch ms>.
import { openDatabase } from "../../../src/database/open-database.js";
import { createKyselyWorkflowPersistence } from "../../../src/persistence/kysely-workflow-persistence.js";

const [url, startAt] = process.argv.slice(2);
const db = openDatabase(url!);
const persistence = createKyselyWorkflowPersistence(db);
try {
  // Start together, so the claims really overlap.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const claimed: string[] = [];
  for (let run = await persistence.claimNextPendingRun(); run; run = await persistence.claimNextPendingRun()) {
    claimed.push(run.id);
  }
  process.stdout.write(JSON.stringify(claimed));
} finally {
  await db.destroy();
}
