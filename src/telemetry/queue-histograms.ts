import type { Attributes, Histogram, MeterProvider } from "@opentelemetry/api";
import type { DialectSupport } from "../dialects/dialect-support.js";
import { INSTRUMENTATION_SCOPE, openTelemetry } from "./open-telemetry.js";

/**
 * Two histograms of the queue, recorded by the process that claims and
 * settles jobs (a worker), into the global meter provider:
 *
 * - `kwp.job.claim_latency` (s): from the job's enqueue (its createdAt) to
 *   the claim that handed it out (its startedAt), both read from the
 *   database's clock in the claim's own RETURNING, so no two clocks are
 *   compared. A job claimed again (a retry, a resumed or released job) counts
 *   from its enqueue too: `kwp.job.first_claim` tells first claims apart.
 * - `kwp.job.duration` (s): from a claim returning to this process to the
 *   call that settled the job returning (complete, completeMany,
 *   completeAndDequeue, fail, suspend, defer), on this process's monotonic
 *   clock, with `kwp.job.outcome`. A job settled by another process than the
 *   one that claimed it (a restart in between), or superseded, is not recorded.
 *
 * Attributes: the messaging conventions' system and destination, and the
 * job's `kwp.stage.id` (the stage's id in its workflow definition: bounded by
 * the definitions, never a run's id).
 *
 * Without `@opentelemetry/api`, or with it but no meter provider registered
 * (the API's no-op meter), nothing is computed or kept.
 */
export interface QueueHistograms {
  claimLatency: Histogram;
  jobDuration: Histogram;
}

/** Seconds: sub-millisecond claims on an idle queue up to an hour's backlog or job. */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

let made: { provider: MeterProvider; histograms: QueueHistograms | undefined } | undefined;

/** The histograms of the meter provider registered now, or undefined when there is none. */
export function queueHistograms(): QueueHistograms | undefined {
  const otel = openTelemetry();
  if (!otel) return undefined;
  const provider = otel.metrics.getMeterProvider();
  if (made?.provider === provider) return made.histograms;
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  const histograms =
    meter === otel.createNoopMeter()
      ? undefined
      : {
          claimLatency: meter.createHistogram("kwp.job.claim_latency", {
            unit: "s",
            description: "Time from a job's enqueue to the claim that handed it out (the database's clock).",
            advice: { explicitBucketBoundaries: BUCKETS },
          }),
          jobDuration: meter.createHistogram("kwp.job.duration", {
            unit: "s",
            description: "Time a job was held by the process that claimed it, until the call that settled it.",
            advice: { explicitBucketBoundaries: BUCKETS },
          }),
        };
  made = { provider, histograms };
  return histograms;
}

/** A claimed job kept until settled: when this process got it, and its attributes. */
interface Held {
  at: number;
  stageId: string;
}

/** Jobs this process claimed and has not settled; the oldest are forgotten beyond this many. */
const MAX_HELD = 100_000;
const held = new Map<string, Held>();

const QUEUE_ATTRIBUTES = { "messaging.system": "kysely_workflow_persistence", "messaging.destination.name": "job_queue" } as const;

/** Records the claim latency of each claimed row and starts its duration (claim statements return createdAt and startedAt). */
export function recordClaims(dialect: DialectSupport, rows: ReadonlyArray<Record<string, unknown>>): void {
  if (rows.length === 0) return;
  const histograms = queueHistograms();
  if (!histograms) return;
  // The claim has been written: nothing here may turn it into an error (its jobs would be held by nobody who knows).
  try {
    recordClaimRows(histograms, dialect, rows);
  } catch {
    // A metric lost, never a claim.
  }
}

function recordClaimRows(histograms: QueueHistograms, dialect: DialectSupport, rows: ReadonlyArray<Record<string, unknown>>): void {
  const at = performance.now();
  for (const row of rows) {
    const stageId = String(row.stageId);
    const waited = dialect.readDate(row.startedAt).getTime() - dialect.readDate(row.createdAt).getTime();
    histograms.claimLatency.record(Math.max(0, waited) / 1000, {
      ...QUEUE_ATTRIBUTES,
      "kwp.stage.id": stageId,
      "kwp.job.first_claim": Number(row.attempt) <= 1,
    });
    const id = String(row.id);
    held.delete(id);
    if (held.size >= MAX_HELD) held.delete(held.keys().next().value!);
    held.set(id, { at, stageId });
  }
}

/** What each settling call of the queue does to its jobs. */
const OUTCOMES: Record<string, string> = {
  complete: "completed",
  completeMany: "completed",
  completeAndDequeue: "completed",
  fail: "failed",
  suspend: "suspended",
  defer: "deferred",
};

/**
 * The queue call `method` with its job durations recorded when it succeeds
 * (the call itself when it settles nothing or nothing is being measured).
 */
export function withJobDurations<T>(method: string, args: readonly unknown[], run: () => Promise<T>): () => Promise<T> {
  const outcome = OUTCOMES[method];
  if (outcome === undefined || held.size === 0) return run;
  const ids = Array.isArray(args[0]) ? (args[0] as unknown[]) : [args[0]];
  return () =>
    run().then((result) => {
      try {
        recordSettled(outcome, ids, result);
      } catch {
        // The call succeeded: a metric lost, never the call.
      }
      return result;
    });
}

function recordSettled(outcome: string, ids: readonly unknown[], result: unknown): void {
  // 1.0's fenced acknowledgements answer "superseded" when the job was no longer this claim's.
  const histograms = result !== "superseded" ? queueHistograms() : undefined;
  const now = performance.now();
  for (const id of ids) {
    if (typeof id !== "string") continue;
    const job = held.get(id);
    if (job === undefined) continue;
    held.delete(id);
    const attributes: Attributes = { ...QUEUE_ATTRIBUTES, "kwp.stage.id": job.stageId, "kwp.job.outcome": outcome };
    histograms?.jobDuration.record((now - job.at) / 1000, attributes);
  }
}
