/**
 * The engine's 0.12 workloads, each one unit of work on a 0.12 persistence:
 * - outbox: a command's transaction appends 4 events for its run; the
 *   publisher then fetches the unpublished batch and marks it published;
 * - dispatch: an idempotent command: acquire the key, create the run and its
 *   event in one transaction, complete the key; then the same command
 *   delivered again is answered from the stored result;
 * - the 0.1 lifecycle (10 stages in 3 groups), run on the 0.12 contract
 *   (versions bumped by every write).
 */
import { newId } from "../../src/database/ids.js";
import type { WorkflowPersistence } from "../../src/v0.12.js";
import type { WorkflowPersistence as WorkflowPersistence01 } from "../../src/interfaces/workflow-persistence.js";
import { libraryLifecycle } from "../lifecycle/lifecycle-steps.js";

export const CONTRACT_WORKLOADS = {
  outbox: "outbox: append 4 events in a transaction, fetch and mark them",
  dispatch: "idempotent command dispatch, then its replay",
  lifecycle: "run with 10 stages in 3 groups (0.12 contract)",
} as const;
export type ContractWorkload = keyof typeof CONTRACT_WORKLOADS;
/** What one unit of each workload counts as. */
export const EVENTS_PER_CYCLE = 4;

export function contractWork(workload: ContractWorkload, persistence: WorkflowPersistence): (n: number) => Promise<void> {
  switch (workload) {
    case "outbox":
      return (n) => outboxCycle(persistence, n);
    case "dispatch":
      return (n) => dispatchCommand(persistence, n);
    case "lifecycle":
      return (n) => libraryLifecycle(persistence as unknown as WorkflowPersistence01, n);
  }
}

async function outboxCycle(persistence: WorkflowPersistence, n: number): Promise<void> {
  const runId = newId(); // an id the floor's replay maps to a fresh one
  const occurredAt = new Date();
  await persistence.withTransaction((tx) =>
    tx.appendOutboxEvents(
      Array.from({ length: EVENTS_PER_CYCLE }, (_, i) => ({
        workflowRunId: runId,
        eventType: i === 0 ? "run:created" : "stage:completed",
        payload: { n, i },
        causationId: runId,
        occurredAt,
      })),
    ),
  );
  const batch = await persistence.getUnpublishedOutboxEvents();
  await persistence.markOutboxEventsPublished(batch.map((event) => event.id));
}

async function dispatchCommand(persistence: WorkflowPersistence, n: number): Promise<void> {
  const key = newId();
  const first = await persistence.acquireIdempotencyKey(key, "run.create");
  if (first.status !== "acquired") throw new Error(`command ${n}: ${first.status}`);
  const runId = await persistence.withTransaction(async (tx) => {
    const run = await tx.createRun({ workflowId: "bench", workflowName: "Bench", workflowType: "bench-workflow", input: { n } });
    await tx.appendOutboxEvents([{ workflowRunId: run.id, eventType: "run:created", payload: { n }, causationId: key, occurredAt: new Date() }]);
    return run.id;
  });
  await persistence.completeIdempotencyKey(key, "run.create", { runId });
  const again = await persistence.acquireIdempotencyKey(key, "run.create");
  if (again.status !== "replay") throw new Error(`command ${n} delivered again: ${again.status}`);
}
