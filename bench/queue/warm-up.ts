import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/database/open-database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { benchMigrateOptions } from "../support/bench-schema.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { drain, type Acknowledgement } from "./drain.js";
import { benchJob } from "./queue-operations.js";
import { openQueueSession, type InProcessContender, type QueueTarget } from "./queue-contenders.js";

/** Jobs a worker process gets through before it reports ready (the spec's Prisma, 40× slower, fewer). */
const warmUpJobs = (contender: InProcessContender) => (contender === "spec's Prisma" ? 100 : 500);

/**
 * Runs the measured workload once on a scratch SQLite file before a worker
 * process reports ready, so that every contender is measured warm, as the
 * lifecycle is. Without it a fresh process spends a good part of a short
 * SQLite drain (4,000 jobs at ~0.1 ms each: under half a second) compiling its code, and a
 * contender with more JavaScript on its path pays more of that than the floor.
 * The scratch file keeps the measured table untouched.
 */
export async function warmUp(contender: InProcessContender, target: QueueTarget, mode: string, calls: number): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "kwp-bench-warm-up-"));
  const jobs = warmUpJobs(contender);
  const scratch: QueueTarget = { ...target, url: `sqlite:${join(folder, "warm-up.db")}` };
  try {
    const db = openDatabase(scratch.url);
    await migrateToLatest(db, benchMigrateOptions());
    if (mode.startsWith("drain-")) {
      await createKyselyJobQueue(db, { listen: false }).enqueueParallel(Array.from({ length: jobs }, (_, i) => benchJob(i)));
    }
    await db.destroy();
    const session = await openQueueSession(contender, scratch, 1);
    const queue = session.workers[0]!;
    if (mode.startsWith("drain-")) {
      const acknowledgement: Acknowledgement = mode.endsWith("-chained") ? "chained" : "awaited";
      await drain(queue, mode.startsWith("drain-batch") ? calls : null, [], acknowledgement);
    } else {
      for (let i = 0; i < jobs / (mode === "enqueue-hundred" ? 100 : 1); i++) {
        await (mode === "enqueue-hundred" ? queue.enqueueHundred() : queue.enqueue());
      }
    }
    await session.close();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
