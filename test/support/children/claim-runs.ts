// Child process: claims runs with claimNextPendingRun until none is left and
// prints the claimed ids as JSON. argv: <database url> <barrier folder>.
// Start barrier: write <folder>/ready-<pid>, then wait for <folder>/go, which
// the parent creates once every child is ready, so the claims really overlap
// however slowly the processes started.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../../../src/database/open-database.js";
import { createKyselyWorkflowPersistence } from "../../../src/persistence/kysely-workflow-persistence.js";

const [url, barrier] = process.argv.slice(2);
const db = openDatabase(url!);
const persistence = createKyselyWorkflowPersistence(db);
try {
  await persistence.getRunStatus("warm-up"); // connect before the start
  writeFileSync(join(barrier!, `ready-${process.pid}`), "");
  while (!existsSync(join(barrier!, "go"))) await new Promise((resolve) => setTimeout(resolve, 2));
  const claimed: string[] = [];
  for (let run = await persistence.claimNextPendingRun(); run; run = await persistence.claimNextPendingRun()) {
    claimed.push(run.id);
  }
  process.stdout.write(JSON.stringify(claimed));
} finally {
  await db.destroy();
}
