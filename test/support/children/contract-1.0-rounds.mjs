// One racer's rounds of a 1.0 race, over a step ledger, persistence and queue
// made from one handle (plain JavaScript: the 1.0 race test runs it in its
// own process on PostgreSQL and in child processes on SQLite,
// contract-1.0-racer.mjs). Every racer runs the same rounds at once; the test
// checks what the database holds afterwards and what each racer was told.
//
// Tasks (a round races every other racer's same round):
//   claim    ledger.claim(step-<round>) on stage "race-stage"   → created | existing
//   cas      compareAndSet(step-<round>, running@1 → attempt 2) → applied | refused
//   outbox   claimUnpublishedOutboxEvents(3)                    → the claimed ids, comma-joined
//   enqueue  enqueueParallel of (race-run, s<round>) and (race-run, shared) → the ids, comma-joined
//   fence    complete(job-<round>) with the fence of attempt 1 (even racers) or 2 (odd) → acknowledged | superseded
//   fair     dequeue() on a queue capped at 2 RUNNING per group, never completing → the group, or "none"

export const STAGE_RECORD_ID = "race-stage";

/** `objects`: { ledger, persistence, queue, fairQueue }; `fences`: per round, the two attempts' fences (task fence). */
export async function raceRounds({ ledger, persistence, queue, fairQueue }, task, rounds, racer, fences = []) {
  const results = [];
  for (let round = 0; round < rounds; round++) {
    switch (task) {
      case "claim": {
        const { created } = await ledger.claim({
          stageRecordId: STAGE_RECORD_ID, stepId: `step-${round}`, seq: round, kind: "run", status: "running",
          attempt: 1, leaseExpiresAt: null, deadlineAt: null, result: { racer },
        });
        results.push(created ? "created" : "existing");
        break;
      }
      case "cas": {
        const { applied } = await ledger.compareAndSet(STAGE_RECORD_ID, `step-${round}`, { status: "running", attempt: 1 }, { attempt: 2, result: { racer } });
        results.push(applied ? "applied" : "refused");
        break;
      }
      case "outbox":
        results.push((await persistence.claimUnpublishedOutboxEvents(3)).map((event) => event.id).join(","));
        break;
      case "enqueue": {
        const jobs = [`s${round}`, "shared"].map((stageId) => ({ workflowRunId: "race-run", workflowId: "wf", stageId, payload: { racer } }));
        results.push((await queue.enqueueParallel(jobs)).join(","));
        break;
      }
      case "fence": {
        const { jobId, first, second } = fences[round];
        const fence = racer % 2 === 0 ? first : second;
        results.push(await queue.complete(jobId, { startedAt: new Date(fence.startedAt), attempt: fence.attempt }));
        break;
      }
      case "fair": {
        const job = await fairQueue.dequeue();
        results.push(job ? job.payload.group : "none");
        break;
      }
      default:
        throw new Error(`unknown task ${task}`);
    }
  }
  return results;
}
