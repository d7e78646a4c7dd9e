// The engine kernel's transaction pattern, as a worker loop over a 0.12
// persistence and queue made from one handle (plain JavaScript: the 0.12
// kernel-concurrency test runs it in its own process on PostgreSQL and in
// child processes on SQLite, kernel-pattern-worker.mjs).
//
// run.claimPending: claim the next PENDING run and enqueue its first stage's
// job in one transaction. run.transition: for a claimed job, read the run,
// enqueue the next stage's job (or complete the run) and complete the job,
// all in one transaction; the first attempt of every fourth job rolls back
// on purpose and is failed with a retry afterwards, as a kernel whose
// transition lost a race would.

export const STAGES = ["extract", "classify", "summarize"];

class RolledBackOnPurpose extends Error {}

/** Every fourth (run, stage), by a hash both sides agree on. */
export function rollsBack(workflowRunId, stageId) {
  let hash = 0;
  for (const c of `${workflowRunId}/${stageId}`) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return hash % 4 === 0;
}

/** Runs until every one of `runCount` runs is COMPLETED; returns what this worker did. */
export async function kernelWorkerLoop(persistence, queue, runCount) {
  const done = { claimed: 0, transitions: 0, rolledBack: 0 };
  for (;;) {
    const claimed = await persistence.withTransaction(async (tx) => {
      const run = await tx.claimNextPendingRun();
      if (!run) return false;
      await queue.enqueue({ workflowRunId: run.id, workflowId: run.workflowId, stageId: STAGES[0], payload: { stage: 0 } });
      return true;
    });
    if (claimed) {
      done.claimed++;
      continue;
    }
    const job = await queue.dequeue();
    if (!job) {
      if ((await persistence.getRunsByStatus("COMPLETED")).length >= runCount) return done;
      await new Promise((resolve) => setTimeout(resolve, 2));
      continue;
    }
    const next = STAGES[STAGES.indexOf(job.stageId) + 1];
    try {
      await persistence.withTransaction(async (tx) => {
        const run = await tx.getRun(job.workflowRunId);
        if (next) await queue.enqueue({ workflowRunId: run.id, workflowId: run.workflowId, stageId: next, payload: {} });
        else await tx.updateRun(run.id, { status: "COMPLETED", completedAt: new Date() });
        await queue.complete(job.jobId);
        if (job.attempt === 1 && rollsBack(job.workflowRunId, job.stageId)) throw new RolledBackOnPurpose();
      });
      done.transitions++;
    } catch (error) {
      if (!(error instanceof RolledBackOnPurpose)) throw error;
      done.rolledBack++;
      await queue.fail(job.jobId, "transition rolled back", true);
    }
  }
}
