/** The console section of latest.md: p95 of each read per table size, then the plans at the largest size. */
import { CONSOLE_WORKLOAD_PREFIX } from "../console/console-suite.js";
import { markdownTable } from "../support/measure.js";
import type { Measurement } from "../support/results.js";

const ms = (value: number | undefined) => (value === undefined ? "—" : value < 10 ? value.toFixed(2) : value.toFixed(0));

export function consoleSection(measurements: Measurement[]): string[] {
  const rows = measurements.filter((m) => m.suite === "console");
  if (!rows.length) return [];
  const sizes = [...new Set(rows.map((m) => m.rows!))].sort((a, b) => a - b);
  const reads = [...new Set(rows.map((m) => m.workload))];
  const largest = sizes[sizes.length - 1]!;
  const table = reads.map((read) => [
    read.slice(CONSOLE_WORKLOAD_PREFIX.length),
    ...sizes.map((size) => {
      const m = rows.find((r) => r.workload === read && r.rows === size);
      return m ? `${ms(m.p95Ms)} <sub>(p50 ${ms(m.p50Ms)})</sub>` : "—";
    }),
  ]);
  const plans = reads.map((read) => [read.slice(CONSOLE_WORKLOAD_PREFIX.length), rows.find((r) => r.workload === read && r.rows === largest)?.note ?? "—"]);
  return [
    "### The console read port: p95 per read, ms (p50 in brackets), by runs in the table",
    "",
    markdownTable(["read", ...sizes.map((s) => `${s.toLocaleString("en-US")} runs`)], table),
    "",
    `Plans at ${largest.toLocaleString("en-US")} runs:`,
    "",
    markdownTable(["read", "plan of each statement"], plans.map(([read, plan]) => [read!, plan!.replace(/\|/g, "\\|")])),
    "",
  ];
}
