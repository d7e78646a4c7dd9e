/**
 * What OpenTelemetry costs the library (issue 32): each workload under each
 * of the four modes (telemetry-modes.ts), every measurement in a fresh
 * process, the modes' order rotating between repeats. Reported as rates and
 * as ratios to "no OpenTelemetry" in the same run.
 */
import { join } from "node:path";
import type { BenchDatabase } from "../support/bench-database.js";
import type { BenchOptions } from "../support/options.js";
import { throughput, type Results } from "../support/results.js";
import { runNode } from "../support/run-node.js";
import { TELEMETRY_MODES, type TelemetryMode } from "./telemetry-modes.js";
import { TELEMETRY_WORKLOADS } from "./telemetry-workloads.js";

export async function telemetrySuite(database: BenchDatabase, options: BenchOptions, results: Results): Promise<void> {
  let first = 1_000_000;
  for (const workload of TELEMETRY_WORKLOADS) {
    const units = workload === TELEMETRY_WORKLOADS[0] ? options.telemetry.lifecycles : options.telemetry.jobs;
    const rates = new Map<TelemetryMode, number[]>(TELEMETRY_MODES.map((mode) => [mode, []]));
    const latencies = new Map<TelemetryMode, number[]>(TELEMETRY_MODES.map((mode) => [mode, []]));
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (let i = 0; i < TELEMETRY_MODES.length; i++) {
        const mode = TELEMETRY_MODES[(i + repeat) % TELEMETRY_MODES.length]!;
        const target = JSON.stringify({ databaseType: database.databaseType, url: database.url });
        const outcome = await runNode(["--import", "tsx", join(import.meta.dirname, "telemetry-process.ts"), mode, workload, target, String(units), String(first)]);
        if (outcome.code !== 0) throw new Error(`telemetry ${mode} / ${workload} failed: ${outcome.stderr}`);
        first += units + 1;
        const result = JSON.parse(outcome.stdout) as { perSecond: number; latencies: number[]; spans: number };
        // The recording mode must have recorded: a figure without spans measured nothing.
        if (mode === "SDK recording, batch processor" && result.spans === 0) throw new Error(`telemetry ${workload}: the recording mode exported no span`);
        rates.get(mode)!.push(result.perSecond);
        for (const latency of result.latencies) latencies.get(mode)!.push(latency);
      }
    }
    for (const mode of TELEMETRY_MODES) {
      results.add(throughput({ dialect: database.databaseType, suite: "telemetry", workload, contender: mode, unit: workload === TELEMETRY_WORKLOADS[0] ? "runs/s" : "jobs/s" }, rates.get(mode)!, latencies.get(mode)!));
    }
  }
}
