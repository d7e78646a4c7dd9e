// Child process for the 0.12 concurrency tests, on the built package (no
// TypeScript start-up per process). argv: <database url> <barrier folder> <task> <rounds>.
// Start barrier as in claim-runs.ts: write ready-<pid>, wait for go.
// Tasks (each round races every other process's same round):
//   outbox       append two events for each of runs o0..o3 in one transaction
//   idempotency  acquire key-<round> (stale ones taken over); prints the statuses
//   version      updateRun(run-<round>, expectedVersion 1); prints won / stale
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createKyselyWorkflowPersistence, openDatabase, StaleVersionError } from "../../../dist/v0.12.js";

const [url, barrier, task, rounds] = process.argv.slice(2);
const db = openDatabase(url);
const persistence = createKyselyWorkflowPersistence(db);
const now = new Date("2026-06-01T00:00:00Z");
try {
  await persistence.getRunStatus("warm-up");
  writeFileSync(join(barrier, `ready-${process.pid}`), "");
  while (!existsSync(join(barrier, "go"))) await new Promise((resolve) => setTimeout(resolve, 2));
  const results = [];
  for (let round = 0; round < Number(rounds); round++) {
    if (task === "outbox") {
      const event = (run) => ({ workflowRunId: run, eventType: `p${process.pid}`, payload: { round }, causationId: "c", occurredAt: now });
      await persistence.withTransaction((tx) => tx.appendOutboxEvents(["o0", "o1", "o2", "o3"].flatMap((run) => [event(run), event(run)])));
      results.push("ok");
    } else if (task === "idempotency") {
      const result = await persistence.acquireIdempotencyKey(`key-${round}`, "cmd", { now, staleInProgressAfterMs: 60_000 });
      results.push(result.status);
    } else if (task === "version") {
      try {
        await persistence.updateRun(`run-${round}`, { totalTokens: process.pid, expectedVersion: 1 });
        results.push("won");
      } catch (error) {
        if (!(error instanceof StaleVersionError)) throw error;
        results.push("stale");
      }
    } else {
      throw new Error(`unknown task ${task}`);
    }
  }
  process.stdout.write(JSON.stringify(results));
} finally {
  await db.destroy();
}
