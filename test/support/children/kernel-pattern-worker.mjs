// Child process of the 0.12 kernel-concurrency test, on the built package.
// argv: <database url> <barrier folder> <run count>. Start barrier as in
// claim-runs.ts: write ready-<pid>, wait for go. Prints what it did as JSON.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createKyselyJobQueue, createKyselyWorkflowPersistence, openDatabase } from "../../../dist/v0.12.js";
import { kernelWorkerLoop } from "./kernel-pattern.mjs";

const [url, barrier, runCount] = process.argv.slice(2);
const db = openDatabase(url);
try {
  const persistence = createKyselyWorkflowPersistence(db);
  const queue = createKyselyJobQueue(db, { workerId: `kernel-${process.pid}` });
  await persistence.getRunStatus("warm-up");
  writeFileSync(join(barrier, `ready-${process.pid}`), "");
  while (!existsSync(join(barrier, "go"))) await new Promise((resolve) => setTimeout(resolve, 2));
  process.stdout.write(JSON.stringify(await kernelWorkerLoop(persistence, queue, Number(runCount))));
} finally {
  await db.destroy();
}
