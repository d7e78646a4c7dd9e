import { ConfigurationError } from "../errors.js";
import { openTelemetry } from "../telemetry/open-telemetry.js";
import { TRACER_NAME } from "../telemetry/call-spans.js";
import type { WorkflowMetrics } from "./workflow-metrics.js";

/** Each Prometheus family of createWorkflowMetrics as an OpenTelemetry instrument. */
const INSTRUMENTS: Record<string, { name: string; kind: "gauge" | "counter"; unit: string; description: string }> = {
  kwp_workflow_runs: { name: "kwp.workflow_runs", kind: "gauge", unit: "{run}", description: "Workflow runs by status." },
  kwp_jobs: { name: "kwp.jobs", kind: "gauge", unit: "{job}", description: "Jobs in the queue by status." },
  kwp_oldest_pending_job_age_seconds: { name: "kwp.jobs.oldest_pending.age", kind: "gauge", unit: "s", description: "Age of the oldest PENDING job (0 when none waits)." },
  kwp_stale_leases: { name: "kwp.jobs.stale_leases", kind: "gauge", unit: "{job}", description: "RUNNING jobs whose lease is older than the stale threshold." },
  kwp_outbox_backlog_events: { name: "kwp.outbox.backlog", kind: "gauge", unit: "{event}", description: "Outbox events not yet published (dead letters apart)." },
  kwp_outbox_dead_letters: { name: "kwp.outbox.dead_letters", kind: "gauge", unit: "{event}", description: "Outbox events moved to the dead letters." },
  kwp_ai_calls_total: { name: "kwp.ai.calls", kind: "counter", unit: "{call}", description: "AI calls recorded, by model." },
  kwp_ai_tokens_total: { name: "kwp.ai.tokens", kind: "counter", unit: "{token}", description: "AI tokens recorded, by model and direction." },
  kwp_ai_cost_total: { name: "kwp.ai.cost", kind: "counter", unit: "1", description: "AI cost recorded, in the ledger's currency, by model." },
};

/** Prometheus label → OpenTelemetry attribute (the GenAI conventions' names for the model and the token type). */
const ATTRIBUTES: Record<string, string> = { status: "kwp.status", model: "gen_ai.request.model", direction: "gen_ai.token.type" };

export interface ObservedWorkflowMetrics {
  /** Stops observing (the instruments stay registered with the meter, reporting nothing more). */
  stop(): void;
}

/**
 * What this uses of an OpenTelemetry `Meter` (any `@opentelemetry/api` Meter
 * fits): named here so that the package's types do not need the API installed.
 */
export interface MeterLike {
  /** Makes an observable gauge (runs, jobs, ages, backlogs). */
  createObservableGauge(name: string, options?: { unit?: string; description?: string }): object;
  /** Makes an observable monotonic counter (the AI ledger's totals). */
  createObservableCounter(name: string, options?: { unit?: string; description?: string }): object;
  /** Registers the one callback that reports every instrument at a collection. */
  addBatchObservableCallback(callback: (result: BatchResult) => void | Promise<void>, observables: object[]): void;
  /** Unregisters it (`stop()`). */
  removeBatchObservableCallback(callback: (result: BatchResult) => void | Promise<void>, observables: object[]): void;
}

/** What a batch callback reports through. */
export interface BatchResult {
  /** Reports one value of one instrument, with its attributes. */
  observe(observable: object, value: number, attributes?: Record<string, string>): void;
}

export interface ObserveWorkflowMetricsOptions {
  /** The meter to register the instruments with; default the global meter provider's `kysely-workflow-persistence` meter. */
  meter?: MeterLike;
}

/**
 * The families of `createWorkflowMetrics` as OpenTelemetry observable
 * instruments (gauges, and monotonic counters for the AI ledger's totals),
 * read by one batch callback: each collection of the meter's reader runs one
 * `snapshot()`, the same bounded reads `/metrics` runs (the console totals'
 * rows where the database keeps them), never one per instrument.
 *
 * ```ts
 * const metrics = createWorkflowMetrics(db);
 * observeWorkflowMetrics(metrics); // with the Node SDK's metric reader registered
 * ```
 */
export function observeWorkflowMetrics(metrics: WorkflowMetrics, options: ObserveWorkflowMetricsOptions = {}): ObservedWorkflowMetrics {
  const otel = openTelemetry();
  if (!otel && options.meter === undefined) {
    throw new ConfigurationError('observeWorkflowMetrics needs the "@opentelemetry/api" package, which is not installed: npm install @opentelemetry/api');
  }
  const meter: MeterLike = options.meter ?? (otel!.metrics.getMeter(TRACER_NAME) as unknown as MeterLike);
  const instruments = new Map<string, object>();
  for (const [family, spec] of Object.entries(INSTRUMENTS)) {
    const settings = { unit: spec.unit, description: spec.description };
    instruments.set(family, spec.kind === "gauge" ? meter.createObservableGauge(spec.name, settings) : meter.createObservableCounter(spec.name, settings));
  }
  const observe = async (result: BatchResult) => {
    const { families } = await metrics.snapshot();
    for (const family of families) {
      const instrument = instruments.get(family.name);
      if (instrument === undefined) continue;
      for (const sample of family.samples) result.observe(instrument, sample.value, attributesOf(sample.labels));
    }
  };
  meter.addBatchObservableCallback(observe, [...instruments.values()]);
  return { stop: () => meter.removeBatchObservableCallback(observe, [...instruments.values()]) };
}

function attributesOf(labels: Record<string, string> | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [label, value] of Object.entries(labels ?? {})) attributes[ATTRIBUTES[label] ?? `kwp.${label}`] = value;
  return attributes;
}

/** The Prometheus families that have an instrument (a test checks every family of a snapshot has one). */
export const OBSERVED_FAMILIES: readonly string[] = Object.keys(INSTRUMENTS);
