import type { DatabaseType } from "../../src/dialects/dialect-support.js";
import type { Suite } from "./options.js";
import { median, percentile } from "./measure.js";

/** One contender's figure for one workload, as written to latest.json. */
export interface Measurement {
  dialect: DatabaseType;
  suite: Suite;
  workload: string;
  contender: string;
  /** Throughput workloads: operations per second (jobs, runs or calls; see `unit`), the median of the repeats. */
  perSecond?: number;
  unit?: "jobs/s" | "runs/s" | "calls/s" | "events/s" | "commands/s";
  /** Per-operation latency over every sample of every repeat. */
  p50Ms?: number;
  /** The console suite's figure. */
  p95Ms?: number;
  p99Ms?: number;
  /** Single-call time (getStats), the median of the repeats. */
  ms?: number;
  /** Peak resident memory of the measuring process. */
  peakRssMb?: number;
  /** Table size the figure was taken at (growth and stats suites). */
  rows?: number;
  /** How many timed operations the latencies come from. */
  samples?: number;
  /** Every repeat's raw figure (per-second rates or ms). */
  repeats?: number[];
  note?: string;
}

export class Results {
  readonly measurements: Measurement[] = [];

  add(measurement: Measurement): void {
    this.measurements.push(measurement);
    const figure =
      measurement.perSecond !== undefined
        ? `${Math.round(measurement.perSecond).toLocaleString("en-US")} ${measurement.unit}`
        : `${measurement.ms?.toFixed(2) ?? measurement.p50Ms?.toFixed(3)} ms`;
    const extra = measurement.p99Ms !== undefined ? ` (p50 ${measurement.p50Ms!.toFixed(2)} ms, p99 ${measurement.p99Ms.toFixed(2)} ms)` : "";
    const rows = measurement.rows !== undefined ? ` @ ${measurement.rows.toLocaleString("en-US")} rows` : "";
    console.error(`  ${measurement.dialect} ${measurement.workload}${rows} · ${measurement.contender}: ${figure}${extra}`);
  }

  find(dialect: DatabaseType, workload: string, contender: string, rows?: number): Measurement | undefined {
    return this.measurements.find(
      (m) => m.dialect === dialect && m.workload === workload && m.contender === contender && (rows === undefined || m.rows === rows),
    );
  }
}

/** A throughput measurement from each repeat's rate and every timed operation's latency. */
export function throughput(
  base: Pick<Measurement, "dialect" | "suite" | "workload" | "contender" | "unit">,
  rates: number[],
  latencies: number[],
): Measurement {
  return {
    ...base,
    perSecond: median(rates),
    repeats: rates,
    ...(latencies.length ? { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), samples: latencies.length } : {}),
  };
}
