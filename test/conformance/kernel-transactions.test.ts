import { describe, expect, it } from "vitest";
import { TransactionScopeError } from "../../src/errors.js";
import type { ContractVersion } from "../../src/database/migrations/contract-versions.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyWorkflowPersistence012 } from "../../src/persistence/kysely-workflow-persistence-0.12.js";
import { createKyselyJobQueue012 } from "../../src/queue/kysely-job-queue-0.12.js";
import { BACKENDS, KYSELY_BACKENDS, runInput, sleep, useBackend, type BackendFixture } from "./backends.js";

// The engine's kernel runs its commands inside `persistence.withTransaction`
// and, inside the callback, calls the job queue it was given at start-up (made
// from the same handle, before the transaction). Each test below is one of
// the kernel's commands as it calls us; the queue calls must join the
// transaction: no hang on SQLite, and nothing left behind by a rollback.

/** What both contracts' persistence offers for a transaction (0.1: transaction, 0.12: withTransaction too). */
type Transactional = { transaction<T>(work: (tx: any) => Promise<T>): Promise<T> };

class RolledBack extends Error {}

/** Runs `work` in the persistence's transaction and rolls it back by throwing. */
async function rolledBack(fixture: BackendFixture, work: (tx: any) => Promise<unknown>): Promise<void> {
  const persistence = fixture.persistence as unknown as Transactional & { withTransaction?: Transactional["transaction"] };
  const begin = (persistence.withTransaction ?? persistence.transaction).bind(persistence);
  await expect(
    begin(async (tx) => {
      await work(tx);
      throw new RolledBack();
    }),
  ).rejects.toBeInstanceOf(RolledBack);
}


describe.each(BACKENDS)("the kernel's transactions on $name", (backend) => {
  describe.each(["0.1", "0.12", "1.0"] as ContractVersion[])("contract %s", (contract) => {
    const fixture = useBackend(backend, contract);
    const is012 = contract !== "0.1";
    // 0.12 jobs name their workflow; 0.1's schema refuses the field.
    const job = (workflowRunId: string, stageId: string) => ({ workflowRunId, stageId, payload: { stageId }, ...(is012 ? { workflowId: "wf" } : {}) });
    const begin = <T>(work: (tx: any) => Promise<T>) => (fixture.persistence as unknown as Transactional).transaction(work);

    it("run.create: createRun and enqueue commit together, and roll back together", async () => {
      const queue = fixture.jobQueue({ workerId: "kernel" });
      const committed = await begin(async (tx) => {
        const run = await tx.createRun(runInput());
        await queue.enqueue(job(run.id, "s1"));
        return run.id;
      });
      await rolledBack(fixture, async (tx) => {
        const run = await tx.createRun(runInput({ id: "rolled-back" }));
        await queue.enqueue(job(run.id, "s1"));
      });
      expect((await fixture.counts()).workflow_runs).toBe(1);
      const claimed = await queue.dequeue();
      expect(claimed?.workflowRunId).toBe(committed);
      expect(await queue.dequeue()).toBeNull();
    });

    it("run.claimPending / run.transition: enqueueParallel joins, reads see the transaction's jobs, a rollback leaves none", async () => {
      const queue = fixture.jobQueue({ workerId: "kernel" });
      const run = await fixture.persistence.createRun(runInput());
      await rolledBack(fixture, async (tx) => {
        await tx.claimPendingRun(run.id);
        const ids = await queue.enqueueParallel([job(run.id, "a"), job(run.id, "b")]);
        expect(ids).toHaveLength(2);
        expect(await queue.getQueueStats()).toMatchObject({ PENDING: 2 });
        if (is012) expect((await (queue as any).getJobsByWorkflowRun(run.id)).map((j: any) => j.stageId).sort()).toEqual(["a", "b"]);
      });
      expect((await fixture.counts()).job_queue).toBe(0);
      expect((await fixture.persistence.getRun(run.id))?.status).toBe("PENDING");
    });

    it("run.transition: fail inside a transaction that rolls back leaves the job held by its worker", async () => {
      const queue = fixture.jobQueue({ workerId: "kernel" });
      await queue.enqueue(job("run-1", "s1"));
      const held = (await queue.dequeue())!;
      await rolledBack(fixture, async () => {
        await queue.fail(held.jobId, "boom", false);
        expect((await queue.getQueueStats()).FAILED).toBe(1);
      });
      const stats = await queue.getQueueStats();
      expect(stats).toMatchObject({ RUNNING: 1, FAILED: 0 });
      await queue.complete(held.jobId); // still this worker's
    });

    it("lease.reapStale: releaseStaleJobs inside a transaction that rolls back releases nothing", async () => {
      const queue = fixture.jobQueue({ workerId: "kernel" });
      await queue.enqueue(job("run-1", "s1"));
      const held = (await queue.dequeue())!;
      await sleep(20);
      await rolledBack(fixture, async () => {
        expect(await queue.releaseStaleJobs(1)).toBe(1);
      });
      expect(await queue.getQueueStats()).toMatchObject({ RUNNING: 1, PENDING: 0 });
      await queue.complete(held.jobId);
    });

    it.runIf(is012)("run.cancel: cancelByRun inside a transaction that rolls back cancels nothing", async () => {
      const queue = fixture.jobQueue({ workerId: "kernel" }) as any;
      await queue.enqueueParallel([job("run-1", "a"), job("run-1", "b")]);
      await rolledBack(fixture, async (tx) => {
        await tx.createRun(runInput({ id: "run-x" }));
        expect(await queue.cancelByRun("run-1")).toBe(2);
      });
      expect(await queue.getQueueStats()).toMatchObject({ PENDING: 2, CANCELLED: 0 });
    });

    it("refuses waitForJobs inside the transaction instead of waiting on it", async () => {
      const queue = fixture.jobQueue({ workerId: "kernel", listen: false });
      await begin(async () => {
        await expect(queue.waitForJobs(10_000)).rejects.toBeInstanceOf(TransactionScopeError);
      });
      await queue.waitForJobs(1); // outside, as before
    });

    it("a nested transaction that throws leaves the outer one's work and undoes its own", async () => {
      const queue = fixture.jobQueue({ workerId: "kernel" });
      await begin(async (tx) => {
        await queue.enqueue(job("run-1", "kept"));
        await expect(
          tx.transaction(async () => {
            await queue.enqueue(job("run-1", "undone"));
            throw new RolledBack();
          }),
        ).rejects.toBeInstanceOf(RolledBack);
      });
      expect((await queue.dequeue())?.stageId).toBe("kept");
      expect(await queue.dequeue()).toBeNull();
    });

    it("the AI-call ledger: logBatchResults joins, logCall is recorded whatever the transaction decides, flush refuses to wait on it", async () => {
      const logger = fixture.aiCallLogger({ onError: () => {} });
      const call = (topic: string) => ({ topic, callType: "text", modelKey: "m", modelId: "m", prompt: "p", response: "r", inputTokens: 1, outputTokens: 1, cost: 0.5 });
      await rolledBack(fixture, async () => {
        logger.logCall(call("kept.1"));
        await logger.logBatchResults("batch-1", [call("undone.1")]);
        expect(await logger.isRecorded("batch-1")).toBe(true);
        await expect(logger.flush()).rejects.toBeInstanceOf(TransactionScopeError);
      });
      await logger.flush();
      expect(await logger.isRecorded("batch-1")).toBe(false);
      expect((await logger.getStats("kept.")).totalCalls).toBe(1);
    });
  });
});

describe.each(KYSELY_BACKENDS)("a queue from another handle than the transaction's, on $name", (backend) => {
  const fixture = useBackend(backend, "0.12");

  it(
    backend.databaseType === "sqlite"
      ? "is refused at once inside the transaction (it would wait for the lock the transaction holds)"
      : "runs beside the transaction, on its own connection: it stays when the transaction rolls back",
    async () => {
      const other = openDatabase(fixture.database.url);
      try {
        const queue = createKyselyJobQueue012(other, { workerId: "other-handle" });
        const persistence = createKyselyWorkflowPersistence012(fixture.db);
        const enqueueBeside = () => queue.enqueue({ workflowRunId: "run-1", workflowId: "wf", stageId: "s1" });
        if (backend.databaseType === "sqlite") {
          await persistence.withTransaction(async (tx) => {
            await tx.createRun(runInput());
            await expect(enqueueBeside()).rejects.toBeInstanceOf(TransactionScopeError);
          });
          expect(await fixture.counts()).toMatchObject({ workflow_runs: 1, job_queue: 0 });
          await enqueueBeside(); // outside the transaction, as before
        } else {
          await expect(
            persistence.withTransaction(async () => {
              await enqueueBeside();
              throw new RolledBack();
            }),
          ).rejects.toBeInstanceOf(RolledBack);
        }
        expect((await fixture.counts()).job_queue).toBe(1);
      } finally {
        await other.destroy();
      }
    },
  );
});
