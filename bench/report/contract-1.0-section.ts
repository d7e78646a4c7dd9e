/**
 * The 1.0 section of latest.md: the step ledger and the durable-step
 * lifecycle against the floor; the 1.0 claims against the plain claim, and
 * the outbox claim against one claimant, all from the same run.
 */
import { CLAIM_WORKLOADS, outboxWorkload } from "../contract-1.0/claim-workloads.js";
import { STEP_WORKLOADS } from "../contract-1.0/step-workloads.js";
import { markdownTable } from "../support/measure.js";
import type { Measurement } from "../support/results.js";

const rate = (value: number | undefined) => (value === undefined ? "—" : Math.round(value).toLocaleString("en-US"));
const ms = (value: number | undefined) => (value === undefined ? "—" : value < 10 ? value.toFixed(2) : value.toFixed(0));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "—" : `${(a / b).toFixed(2)}×`);
const cell = (m: Measurement | undefined) => (m === undefined ? "—" : `${rate(m.perSecond)}<br><sub>${ms(m.p50Ms)} / ${ms(m.p99Ms)}</sub>`);

export function contract10Section(measurements: Measurement[]): string[] {
  const rows = measurements.filter((m) => m.suite === "contract-1.0");
  if (!rows.length) return [];
  const by = (workload: string, contender: string) => rows.find((m) => m.workload === workload && m.contender === contender);
  const steps = Object.values(STEP_WORKLOADS).map((workload) => {
    const [library, prisma, floor] = ["library", "library via Prisma", "floor"].map((c) => by(workload, c));
    return [workload, cell(library), cell(prisma), cell(floor), ratio(library?.perSecond, floor?.perSecond), ratio(prisma?.perSecond, library?.perSecond)];
  });
  const claimRows = [
    ...Object.values(CLAIM_WORKLOADS).map((workload) => [workload, CLAIM_WORKLOADS.plain] as const),
    ...unique(rows.map((m) => m.workload).filter((w) => w.startsWith("outbox claim"))).map((workload) => [workload, outboxWorkload(1)] as const),
  ];
  const claims = claimRows.map(([workload, base]) => {
    const [library, prisma] = ["library", "library via Prisma"].map((c) => by(workload, c));
    return [workload, cell(library), cell(prisma), ratio(library?.perSecond, by(base, "library")?.perSecond), ratio(prisma?.perSecond, library?.perSecond)];
  });
  return [
    "### The engine's 1.0 workloads: steps (calls or runs per second, one caller; p50 / p99 per unit, ms)",
    "",
    markdownTable(["workload", "library", "library via Prisma", "floor", "library / floor", "via Prisma / library"], steps),
    "",
    "### The engine's 1.0 claims (jobs or events per second; p50 / p99 per claim, ms)",
    "",
    markdownTable(["workload", "library", "library via Prisma", "library / plain (or 1 claimant)", "via Prisma / library"], claims),
    "",
  ];
}

const unique = <T>(values: T[]) => [...new Set(values)];
