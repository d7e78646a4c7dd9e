import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";
import type { Kysely } from "kysely";
import type { Database } from "../../src/database/database.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { runChild } from "../support/spawn-child.js";
import { KYSELY_BACKENDS, sleep, throughPgBouncer, useBackend } from "../conformance/backends.js";

const childScript = join(dirname(fileURLToPath(import.meta.url)), "../support/children/queue-worker.ts");

// Exactly once: every job completed by exactly one worker, none lost, none left RUNNING.
function expectExactlyOnce(completedPerWorker: string[][], enqueued: string[]) {
  const all = completedPerWorker.flat();
  const counts = new Map<string, number>();
  for (const id of all) counts.set(id, (counts.get(id) ?? 0) + 1);
  expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
  expect(all).toHaveLength(enqueued.length);
  expect(new Set(all)).toEqual(new Set(enqueued));
}

async function enqueueMany(queue: ReturnType<typeof createKyselyJobQueue>, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 1_000) {
    const size = Math.min(1_000, count - start);
    ids.push(
      ...(await queue.enqueueParallel(
        Array.from({ length: size }, (_, i) => ({ workflowRunId: `run-${(start + i) % 50}`, stageId: `s${start + i}`, priority: i % 4 })),
      )),
    );
  }
  return ids;
}

describe.each(KYSELY_BACKENDS)("JobQueue under concurrency on $name", (backend) => {
  const fixture = useBackend(backend);

  /** One worker on its own connection: dequeue then complete, or completeAndDequeue chained. */
  async function drainOnConnection(db: Kysely<Database>, workerId: string, chained: boolean): Promise<string[]> {
    const queue = createKyselyJobQueue(db, { workerId, listen: false });
    const completed: string[] = [];
    let job = await queue.dequeue();
    while (job) {
      const { jobId } = job;
      if (chained) {
        job = await queue.completeAndDequeue(jobId);
      } else {
        await queue.complete(jobId);
        job = await queue.dequeue();
      }
      completed.push(jobId);
    }
    return completed;
  }

  it.runIf(backend.databaseType === "postgresql").each([
    { count: 20_000, chained: false, how: "dequeue + complete" },
    { count: 5_000, chained: true, how: "completeAndDequeue" },
  ])("16 workers on separate connections drain $count jobs exactly once ($how)", { timeout: 240_000 }, async ({ count, chained }) => {
    const enqueued = await enqueueMany(createKyselyJobQueue(fixture.db, { listen: false }), count);
    const connections = Array.from({ length: 16 }, () => openDatabase(fixture.database.url, { postgres: { max: 1 } }));
    try {
      const completedPerWorker = await Promise.all(connections.map((db, index) => drainOnConnection(db, `worker-${index}`, chained)));
      expectExactlyOnce(completedPerWorker, enqueued);
      expect(completedPerWorker.filter((c) => c.length > 0).length).toBeGreaterThan(4);
    } finally {
      await Promise.all(connections.map((db) => db.destroy()));
    }
    const stats = await createKyselyJobQueue(fixture.db, { listen: false }).getQueueStats();
    expect(stats).toMatchObject({ COMPLETED: count, PENDING: 0, RUNNING: 0 });
  });

  // Before the pooler mode, 8 workers draining 400 jobs through PgBouncer got
  // `prepared statement "kwp_5" already exists` / `does not exist`, and claimed
  // jobs whose completion failed were left RUNNING.
  it.runIf(backend.databaseType === "postgresql" && inject("pgbouncerUrl") !== "").each([
    { chained: false, how: "dequeue + complete" },
    { chained: true, how: "completeAndDequeue" },
  ])("16 workers through PgBouncer in transaction mode drain 2,000 jobs exactly once ($how)", { timeout: 240_000 }, async ({ chained }) => {
    const enqueued = await enqueueMany(createKyselyJobQueue(fixture.db, { listen: false }), 2_000);
    const connections = Array.from({ length: 16 }, () => openDatabase(throughPgBouncer(fixture.database), { postgres: { max: 2 } }));
    try {
      const completedPerWorker = await Promise.all(connections.map((db, index) => drainOnConnection(db, `worker-${index}`, chained)));
      expectExactlyOnce(completedPerWorker, enqueued);
    } finally {
      await Promise.all(connections.map((db) => db.destroy()));
    }
    const stats = await createKyselyJobQueue(fixture.db, { listen: false }).getQueueStats();
    expect(stats).toMatchObject({ COMPLETED: 2_000, PENDING: 0, RUNNING: 0 });
  });

  it.runIf(backend.databaseType === "sqlite")(
    "4 worker processes on one WAL file drain 5,000 jobs exactly once, with no SQLITE_BUSY",
    { timeout: 240_000 },
    async () => {
      const enqueued = await enqueueMany(createKyselyJobQueue(fixture.db), 5_000);
      const startAt = String(Date.now() + 2_000);
      // One worker claims 10 at a time, one claims and completes one by one, two chain completeAndDequeue.
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          runChild("queue-worker", ["drain", fixture.database.url, startAt, i === 0 ? "10" : "1", i >= 2 ? "chained" : "separate"]),
        ),
      );
      for (const result of results) {
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
      }
      expectExactlyOnce(results.map((r) => JSON.parse(r.stdout) as string[]), enqueued);
      expect(await createKyselyJobQueue(fixture.db).getQueueStats()).toMatchObject({ COMPLETED: 5_000, PENDING: 0, RUNNING: 0 });
    },
  );

  it("a worker killed with SIGKILL while holding jobs loses none of them", { timeout: 180_000 }, async () => {
    const queue = createKyselyJobQueue(fixture.db, { workerId: "survivor", listen: false });
    const enqueued = await enqueueMany(queue, 50);

    // The doomed worker claims 10 jobs and is killed while holding them.
    const child = spawn(process.execPath, ["--import", "tsx", childScript, "hold", fixture.database.url, "10"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const held: string[] = await new Promise((resolve, reject) => {
      let output = "";
      child.stdout.on("data", (chunk) => {
        output += chunk;
        if (output.includes("\n")) resolve(JSON.parse(output));
      });
      child.once("exit", (code) => reject(new Error(`worker exited early (${code})`)));
    });
    expect(held).toHaveLength(10);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));

    expect((await queue.getQueueStats()).RUNNING).toBe(10);
    await sleep(30);
    expect(await queue.releaseStaleJobs(20)).toBe(10);

    const completed: string[] = [];
    const attempts = new Map<string, number>();
    for (let job = await queue.dequeue(); job; job = await queue.dequeue()) {
      attempts.set(job.jobId, job.attempt);
      await queue.complete(job.jobId);
      completed.push(job.jobId);
    }
    expectExactlyOnce([completed], enqueued);
    // The released jobs are on their second attempt; the others on their first.
    for (const id of enqueued) expect(attempts.get(id)).toBe(held.includes(id) ? 2 : 1);
  });
});
