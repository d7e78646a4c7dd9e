// A worker of the failover suite, on the built package, as an application
// writes one: claim a job, then its side effect and its acknowledgement in ONE
// transaction (1.0: the fenced acknowledgement, rolled back unless
// "acknowledged"; 0.12: an idempotency key per job, so a re-run skips the
// effect), and on any error: back off and go on. A transaction whose COMMIT
// outcome is unknown is run again with the same claim (the pattern makes that
// safe). It never calls releaseStaleJobs. Prints one JSON line per event.
// argv: <url> <contract 1.0|0.12> <workerId> <jobs in all>
const [url, contract, workerId, total] = process.argv.slice(2);
const api = await import(contract === "1.0" ? "../../../dist/v1.js" : "../../../dist/v0.12.js");
const { openDatabase, createKyselyWorkflowPersistence, createKyselyJobQueue, WorkflowPersistenceError, CommitOutcomeUnknownError } = api;

const emit = (event) => process.stdout.write(`${JSON.stringify({ at: Date.now(), workerId, ...event })}\n`);
const db = openDatabase(url, { retry: true, postgres: { pool: { connectionTimeoutMillis: 5_000 } } });
const persistence = createKyselyWorkflowPersistence(db);
const queue = createKyselyJobQueue(db, { workerId, onListenError: (error, recovered) => emit({ type: recovered ? "listen-recovered" : "listen-lost", message: String(error?.message ?? "") }) });

class Superseded extends Error {}
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const report = (error, during) => {
  const typed = error instanceof WorkflowPersistenceError;
  emit({ type: "error", during, typed, name: error?.name, code: error?.code, phase: error?.phase, databaseCode: error?.databaseCode, retryable: error?.retryable, message: String(error?.message ?? error).slice(0, 300) });
};

/** The job's side effect (a log line naming it) and its acknowledgement, in one transaction. */
async function settle(job) {
  const effect = { workflowRunId: job.workflowRunId, level: "INFO", message: `effect ${job.jobId}` };
  if (contract === "1.0") {
    await persistence.withTransaction(async (tx) => {
      await tx.createLog(effect);
      if ((await queue.complete(job.jobId, { startedAt: job.startedAt, attempt: job.attempt })) !== "acknowledged") throw new Superseded();
    });
    return;
  }
  await persistence.withTransaction(async (tx) => {
    const key = await tx.acquireIdempotencyKey(`effect:${job.jobId}`, "effect");
    if (key.status === "acquired") {
      await tx.createLog(effect);
      await tx.completeIdempotencyKey(`effect:${job.jobId}`, "effect", null);
    }
    await queue.complete(job.jobId);
  });
}

let done = 0;
// How long a worker goes on without claiming anything before it stops (a stranded job keeps the others waiting).
const idleLimitMs = Number(process.env.KWP_FAILOVER_IDLE_MS ?? 600_000);
let idleSince = Date.now();
for (;;) {
  let job;
  try {
    job = await queue.dequeue();
  } catch (error) {
    report(error, "dequeue");
    // A worker whose claims keep failing gives up as an idle one does (the round then reports its jobs).
    if (Date.now() - idleSince > idleLimitMs) break;
    await pause(100 + Math.random() * 400);
    continue;
  }
  if (!job) {
    // Finished when every job is COMPLETED (asked of the database, not counted here).
    try {
      const stats = await queue.getQueueStats();
      if (stats.COMPLETED >= Number(total)) break;
    } catch (error) {
      report(error, "stats");
    }
    if (Date.now() - idleSince > idleLimitMs) break;
    await queue.waitForJobs(200).catch((error) => report(error, "wait"));
    continue;
  }
  idleSince = Date.now();
  emit({ type: "claimed", jobId: job.jobId, attempt: job.attempt });
  // Retried for as long as an outage may last (an unplanned failover takes the
  // HA tool ~50 s to decide), not a count of tries: a worker that gave up
  // would leave its job RUNNING until a stale-lease sweep.
  const settleBy = Date.now() + 300_000;
  for (;;) {
    try {
      await settle(job);
      done++;
      emit({ type: "completed", jobId: job.jobId });
      break;
    } catch (error) {
      if (error instanceof Superseded) {
        emit({ type: "superseded", jobId: job.jobId });
        break;
      }
      report(error, "settle");
      // Outcome unknown, or a failure worth retrying: the same claim again (the pattern makes it safe).
      const again = error instanceof CommitOutcomeUnknownError || error?.retryable === true;
      if (!again || Date.now() > settleBy) {
        emit({ type: "gave-up", jobId: job.jobId, message: String(error?.message ?? error).slice(0, 300) });
        break;
      }
      await pause(100 + Math.random() * 400);
    }
  }
}
emit({ type: "exit", done });
await queue.close().catch(() => {});
await db.destroy().catch(() => {});
