import type { AICallLogger, BlobStore, JobQueue, StepLedger, WorkflowPersistenceWithLegacy } from "../../src/v1.js";
import { useBackend, type Backend, type BackendFixture, type QueueOptions } from "../conformance/backends.js";

export { BACKENDS, KYSELY_BACKENDS, runInput, stageInput, sleep } from "../conformance/backends.js";

/** A backend fixture on a database migrated to the 1.0 contract, with the v1 factories. */
export interface Fixture10 extends Omit<BackendFixture, "persistence" | "jobQueue" | "aiCallLogger" | "blobStore" | "stepLedger"> {
  readonly persistence: WorkflowPersistenceWithLegacy;
  jobQueue(options?: QueueOptions): JobQueue;
  aiCallLogger(options?: Parameters<BackendFixture["aiCallLogger"]>[0]): AICallLogger;
  blobStore(options?: { maxBlobBytes?: number }): BlobStore;
  stepLedger(): StepLedger;
}

export function useBackend10(backend: Backend, extras: { blobStore?: boolean } = {}): Fixture10 {
  return useBackend(backend, "1.0", extras) as unknown as Fixture10;
}

/** A run and one of its stages, for the tables that reference them. */
export async function runWithStage(fixture: Fixture10, stageId = "s1") {
  const run = await fixture.persistence.createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
  const stage = await fixture.persistence.createStage({ workflowRunId: run.id, stageId, stageName: stageId, stageNumber: 1, executionGroup: 1 });
  return { run, stage };
}
