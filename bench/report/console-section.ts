/** The console section of latest.md: p95 of each read and of each inspector page per table size, then the reads' plans at the largest size. */
import { CONSOLE_WORKLOAD_PREFIX } from "../console/console-suite.js";
import { INSPECTOR_WORKLOAD_PREFIX } from "../console/inspector-pages.js";
import { markdownTable } from "../support/measure.js";
import type { Measurement } from "../support/results.js";

const ms = (value: number | undefined) => (value === undefined ? "—" : value < 10 ? value.toFixed(2) : value.toFixed(0));

function latencyTable(rows: Measurement[], sizes: number[], prefix: string, heading: string, first: string): string[] {
  const workloads = [...new Set(rows.map((m) => m.workload))].filter((w) => w.startsWith(prefix));
  if (!workloads.length) return [];
  const table = workloads.map((workload) => [
    workload.slice(prefix.length),
    ...sizes.map((size) => {
      const m = rows.find((r) => r.workload === workload && r.rows === size);
      return m ? `${ms(m.p95Ms)} <sub>(p50 ${ms(m.p50Ms)})</sub>` : "—";
    }),
  ]);
  return [heading, "", markdownTable([first, ...sizes.map((s) => `${s.toLocaleString("en-US")} runs`)], table), ""];
}

export function consoleSection(measurements: Measurement[]): string[] {
  const rows = measurements.filter((m) => m.suite === "console");
  if (!rows.length) return [];
  const sizes = [...new Set(rows.map((m) => m.rows!))].sort((a, b) => a - b);
  const largest = sizes[sizes.length - 1]!;
  const reads = [...new Set(rows.map((m) => m.workload))].filter((w) => w.startsWith(CONSOLE_WORKLOAD_PREFIX));
  const plans = reads.map((read) => [read.slice(CONSOLE_WORKLOAD_PREFIX.length), rows.find((r) => r.workload === read && r.rows === largest)?.note ?? "—"]);
  return [
    ...latencyTable(rows, sizes, CONSOLE_WORKLOAD_PREFIX, "### The console read port: p95 per read, ms (p50 in brackets), by runs in the table", "read"),
    ...latencyTable(rows, sizes, INSPECTOR_WORKLOAD_PREFIX, "### kwp ui: server time per page over loopback HTTP, p95 ms (p50 in brackets), by runs in the table", "page"),
    `Plans of the reads at ${largest.toLocaleString("en-US")} runs:`,
    "",
    markdownTable(["read", "plan of each statement"], plans.map(([read, plan]) => [read!, plan!.replace(/\|/g, "\\|")])),
    "",
  ];
}
