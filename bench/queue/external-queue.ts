import type { Acknowledgement } from "./drain.js";

/**
 * A job queue users already know (PostgreSQL only), measured on the same
 * server and database as the library, with no-op jobs. Each runs its own
 * workers, so it is driven through its own API rather than QueueOperations.
 */
export interface ExternalQueue {
  name: string;
  /** Installs its schema (idempotent). */
  setup(): Promise<void>;
  /** Enqueues `calls` jobs one per call, pushing each call's time (ms). */
  enqueueSingle(calls: number, latencies: number[]): Promise<void>;
  /** Enqueues `calls` × 100 jobs, 100 per call. */
  enqueueBatches(calls: number, latencies: number[]): Promise<void>;
  /** Puts `jobs` runnable jobs in its table and analyses it (not timed). */
  fill(jobs: number): Promise<void>;
  /**
   * Processes the queue to empty with `workers` concurrent no-op jobs and returns
   * the elapsed ms. With a `batchSize` it uses its documented batching settings
   * (a queue whose batching has its own size keeps it).
   */
  drain(workers: number, batchSize: number | null, jobs: number, latencies: number[], acknowledgement: Acknowledgement): Promise<number>;
  /** Empties its tables and vacuums them, so no repeat inherits another's dead rows. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export const NOOP_TASK = "kwp_bench_noop";
