/** latest.md: the machine and versions, the headline ratios, then one section per dialect. */
import { telemetrySection } from "./telemetry-section.js";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";
import { GROWTH_WORKLOAD } from "../growth/growth-suite.js";
import { STATS_WORKLOAD } from "../ai-calls/stats-suite.js";
import { markdownTable } from "../support/measure.js";
import type { MachineDescription } from "../support/machine.js";
import type { BenchOptions } from "../support/options.js";
import type { Measurement } from "../support/results.js";
import { headlines } from "./headlines.js";
import { contract10Section } from "./contract-1.0-section.js";
import { consoleSection } from "./console-section.js";

export interface BenchReport {
  startedAt: string;
  seconds: number;
  quick: boolean;
  repeats: number;
  machine: MachineDescription;
  measurements: Measurement[];
}

const DIALECT_TITLE: Record<DatabaseType, string> = { postgresql: "PostgreSQL", sqlite: "SQLite" };
const rate = (value: number | undefined) => (value === undefined ? "—" : Math.round(value).toLocaleString("en-US"));
const ms = (value: number | undefined) => (value === undefined ? "—" : value < 10 ? value.toFixed(2) : value.toFixed(0));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "—" : `${(a / b).toFixed(2)}×`);
const unique = <T>(values: T[]) => [...new Set(values)];

export function markdownReport(report: BenchReport, options: BenchOptions): string {
  const { machine } = report;
  const lines = [
    `# Benchmark results${report.quick ? " (--quick smoke run: counts too small to quote)" : ""}`,
    "",
    `Measured ${report.startedAt.slice(0, 10)} on ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB; ` +
      `Node ${machine.node}, PostgreSQL ${machine.postgresql} (same machine), SQLite ${machine.sqlite}; commit ${machine.commit}; ` +
      `${Object.entries(machine.packages).map(([name, version]) => `${name} ${version}`).join(", ")}. ` +
      `Median of ${report.repeats} run${report.repeats > 1 ? "s" : ""} per figure; the whole run took ${Math.round(report.seconds)} s. ` +
      "Raw figures: `latest.json`; growth curves: `growth.svg`. How each contender is built: `bench/README.md`.",
    "",
    "## Headlines",
    "",
    ...headlines(report.measurements).map((line) => `- ${line}`),
    "",
  ];
  for (const dialect of options.dialects) {
    const of = report.measurements.filter((m) => m.dialect === dialect);
    if (!of.length) continue;
    lines.push(`## ${DIALECT_TITLE[dialect]}`, "");
    lines.push(...throughputSection(of, "queue", "Queue (jobs/s; p50 / p99 of one call or claim+complete cycle, ms)"));
    lines.push(...throughputSection(of, "lifecycle", "Workflow lifecycle (runs/s, one runner; p50 / p99 per run, ms)"));
    lines.push(...growthSection(of));
    lines.push(...throughputSection(of, "stats", "AI-call ledger: logCall (calls/s, until every call is stored)"));
    lines.push(...statsSection(of));
    lines.push(...throughputSection(of, "contract", "The engine's 0.12 workloads (events, commands or runs per second, one caller; p50 / p99 per unit, ms)"));
    lines.push(...contract10Section(of));
    lines.push(...consoleSection(of));
    lines.push(...telemetrySection(of));
  }
  return `${lines.join("\n")}\n`;
}

function throughputSection(measurements: Measurement[], suite: Measurement["suite"], title: string): string[] {
  const rows = measurements.filter((m) => m.suite === suite && m.perSecond !== undefined);
  if (!rows.length) return [];
  const contenders = unique(rows.map((m) => m.contender));
  const cell = (m: Measurement | undefined) =>
    m === undefined ? "—" : m.p50Ms === undefined ? rate(m.perSecond) : `${rate(m.perSecond)}<br><sub>${ms(m.p50Ms)} / ${ms(m.p99Ms)}</sub>`;
  const table = unique(rows.map((m) => m.workload)).map((workload) => {
    const by = (c: string) => rows.find((m) => m.workload === workload && m.contender === c);
    const library = by("library")?.perSecond;
    return [workload, ...contenders.map((c) => cell(by(c))), ratio(library, by("floor")?.perSecond), ratio(library, by("spec's Prisma")?.perSecond)];
  });
  return [`### ${title}`, "", markdownTable(["workload", ...contenders, "library / floor", "library / spec's Prisma"], table), ""];
}

function growthSection(measurements: Measurement[]): string[] {
  const rows = measurements.filter((m) => m.workload === GROWTH_WORKLOAD);
  if (!rows.length) return [];
  const contenders = unique(rows.map((m) => m.contender));
  const table = unique(rows.map((m) => m.rows!)).map((size) => [
    size.toLocaleString("en-US"),
    ...contenders.map((c) => {
      const m = rows.find((r) => r.rows === size && r.contender === c);
      return m ? `${ms(m.p50Ms)} / ${ms(m.p99Ms)} <sub>(n=${m.samples})</sub>` : "—";
    }),
  ]);
  return ["### Growth: one dequeue with N PENDING jobs in the table (p50 / p99, ms)", "", markdownTable(["PENDING jobs", ...contenders], table), ""];
}

function statsSection(measurements: Measurement[]): string[] {
  const rows = measurements.filter((m) => m.workload === STATS_WORKLOAD);
  if (!rows.length) return [];
  const contenders = unique(rows.map((m) => m.contender));
  const table = unique(rows.map((m) => m.rows!)).map((size) => {
    const by = (c: string) => rows.find((r) => r.rows === size && r.contender === c);
    return [
      size.toLocaleString("en-US"),
      ...contenders.map((c) => {
        const m = by(c);
        return m ? `${ms(m.ms)} ms / ${Math.round(m.peakRssMb!)} MB` : "—";
      }),
      ratio(by("library")?.ms, by("floor")?.ms),
      ratio(by("spec's Prisma")?.ms, by("library")?.ms),
    ];
  });
  return [
    "### AI-call ledger: getStats(\"workflow.\") (time / peak process memory)",
    "",
    markdownTable(["ai_calls rows", ...contenders, "library time / floor", "spec's Prisma time / library"], table),
    "",
  ];
}
