import type { JobQueue, WorkflowPersistence } from "../../src/v0.12.js";
import { useBackend, type Backend, type BackendFixture, type QueueOptions } from "../conformance/backends.js";

export { BACKENDS, KYSELY_BACKENDS, runInput, stageInput, sleep } from "../conformance/backends.js";

/** A backend fixture on a database migrated to the 0.12 contract, with the 0.12 factories. */
export interface Fixture012 extends Omit<BackendFixture, "persistence" | "jobQueue"> {
  readonly persistence: WorkflowPersistence;
  jobQueue(options?: QueueOptions): JobQueue;
}

export function useBackend012(backend: Backend): Fixture012 {
  return useBackend(backend, "0.12") as unknown as Fixture012;
}
