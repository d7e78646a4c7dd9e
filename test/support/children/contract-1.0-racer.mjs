// Child process for the 1.0 races on SQLite, on the built package (no
// TypeScript start-up per process). argv: <database url> <barrier folder>
// <task> <rounds> <racer> [fences as JSON]. Start barrier as in
// claim-runs.ts: write ready-<pid>, wait for go. Prints its results as JSON.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createKyselyJobQueue, createKyselyStepLedger, createKyselyWorkflowPersistence, openDatabase } from "../../../dist/v1.js";
import { raceRounds } from "./contract-1.0-rounds.mjs";

const [url, barrier, task, rounds, racer, fences] = process.argv.slice(2);
const db = openDatabase(url);
const objects = {
  ledger: createKyselyStepLedger(db),
  persistence: createKyselyWorkflowPersistence(db),
  queue: createKyselyJobQueue(db, { workerId: `racer-${racer}`, listen: false }),
  fairQueue: createKyselyJobQueue(db, { workerId: `fair-${racer}`, listen: false, fairness: { maxConcurrentPerGroup: 2, groupBy: "group" } }),
};
try {
  await objects.persistence.getRunStatus("warm-up");
  writeFileSync(join(barrier, `ready-${process.pid}`), "");
  while (!existsSync(join(barrier, "go"))) await new Promise((resolve) => setTimeout(resolve, 2));
  const results = await raceRounds(objects, task, Number(rounds), Number(racer), fences ? JSON.parse(fences) : []);
  process.stdout.write(JSON.stringify(results));
} finally {
  await db.destroy();
}
