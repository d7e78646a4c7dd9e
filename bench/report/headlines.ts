/** The few ratios a reader asks first, each computed from figures of the same run. */
import { GROWTH_WORKLOAD } from "../growth/growth-suite.js";
import { STATS_WORKLOAD } from "../ai-calls/stats-suite.js";
import { LIFECYCLE_WORKLOAD } from "../lifecycle/lifecycle-suite.js";
import type { Measurement } from "../support/results.js";
import { CHAINED_WORKLOAD } from "../queue/queue-suite.js";

export function headlines(measurements: Measurement[]): string[] {
  const find = (dialect: string, workload: string, contender: string, rows?: number) =>
    measurements.find((m) => m.dialect === dialect && m.workload === workload && m.contender === contender && (rows === undefined || m.rows === rows));
  const rate = (m: Measurement | undefined) => Math.round(m!.perSecond!).toLocaleString("en-US");
  const lines: string[] = [];
  const vs = (dialect: string, workload: string, other: string, label: string) => {
    const library = find(dialect, workload, "library");
    const them = find(dialect, workload, other);
    if (library?.perSecond && them?.perSecond) {
      lines.push(`${label}: library ${rate(library)} jobs/s vs ${other} ${rate(them)} (${(library.perSecond / them.perSecond).toFixed(2)}×).`);
    }
  };
  const workers = Math.max(0, ...measurements.map((m) => Number(/dequeue \+ complete, (\d+) worker/.exec(m.workload)?.[1] ?? 0)));
  const perJob = `dequeue + complete, ${workers} worker${workers > 1 ? "s" : ""}`;
  const batched = `batched (20 per claim), ${workers} worker${workers > 1 ? "s" : ""}`;
  const batched100 = `batched (100 per claim), ${workers} worker${workers > 1 ? "s" : ""}`;
  const overlapped = `dequeue + complete overlapped, ${workers} worker${workers > 1 ? "s" : ""}`;
  vs("postgresql", overlapped, "graphile-worker", `PostgreSQL, ${workers} workers, per job, completion overlapping the next claim (graphile-worker's way)`);
  const chained = `${CHAINED_WORKLOAD}, ${workers} worker${workers > 1 ? "s" : ""}`;
  vs("postgresql", chained, "graphile-worker", `PostgreSQL, ${workers} workers, per job, completeAndDequeue (graphile-worker its own way)`);
  vs("postgresql", overlapped, "pg-boss", `PostgreSQL, ${workers} workers, per job, overlapped`);
  vs("postgresql", perJob, "pg-boss", `PostgreSQL, ${workers} workers, per job`);
  vs("postgresql", perJob, "spec's Prisma", `PostgreSQL, ${workers} workers, per job`);
  vs("postgresql", batched, "pg-boss", `PostgreSQL, ${workers} workers, 20 per claim`);
  vs("postgresql", batched, "graphile-worker", `PostgreSQL, ${workers} workers, 20 per claim (graphile-worker: local queue of 500)`);
  vs("postgresql", batched100, "graphile-worker", `PostgreSQL, ${workers} workers, 100 per claim (graphile-worker: local queue of 500)`);
  vs("postgresql", batched100, "pg-boss", `PostgreSQL, ${workers} workers, 100 per claim`);
  vs("sqlite", perJob, "spec's Prisma", `SQLite, ${workers} worker processes, per job`);
  for (const dialect of ["postgresql", "sqlite"]) {
    const library = find(dialect, LIFECYCLE_WORKLOAD, "library");
    const spec = find(dialect, LIFECYCLE_WORKLOAD, "spec's Prisma");
    if (library?.perSecond && spec?.perSecond) {
      lines.push(`${dialect === "sqlite" ? "SQLite" : "PostgreSQL"} workflow lifecycle: ${library.perSecond.toFixed(0)} runs/s vs the spec's Prisma ${spec.perSecond.toFixed(0)} (${(library.perSecond / spec.perSecond).toFixed(1)}×).`);
    }
    const growth = measurements.filter((m) => m.dialect === dialect && m.workload === GROWTH_WORKLOAD);
    const largest = Math.max(0, ...growth.map((m) => m.rows!));
    const indexed = find(dialect, GROWTH_WORKLOAD, "library, opt-in claim index", largest);
    const plain = find(dialect, GROWTH_WORKLOAD, "library, spec indexes", largest);
    if (indexed && plain) {
      lines.push(`${dialect === "sqlite" ? "SQLite" : "PostgreSQL"} dequeue with ${largest.toLocaleString("en-US")} PENDING jobs: p50 ${indexed.p50Ms!.toFixed(2)} ms with the opt-in claim index, ${plain.p50Ms!.toFixed(1)} ms with the spec's indexes.`);
    }
    const stats = measurements.filter((m) => m.dialect === dialect && m.workload === STATS_WORKLOAD);
    const most = Math.max(0, ...stats.map((m) => m.rows!));
    const ours = find(dialect, STATS_WORKLOAD, "library", most);
    const theirs = find(dialect, STATS_WORKLOAD, "spec's Prisma", most);
    if (ours && theirs) {
      lines.push(`${dialect === "sqlite" ? "SQLite" : "PostgreSQL"} getStats over ${most.toLocaleString("en-US")} rows: ${ours.ms!.toFixed(0)} ms / ${Math.round(ours.peakRssMb!)} MB vs the spec's ${theirs.ms!.toFixed(0)} ms / ${Math.round(theirs.peakRssMb!)} MB.`);
    }
  }
  return lines;
}
