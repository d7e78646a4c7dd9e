/**
 * What one `npm run bench` measures: the suites, the dialects and how much.
 * `--quick` shrinks every count so the whole run is a smoke test (a few
 * minutes); its timings only show that the benchmark still works.
 */
import type { DatabaseType } from "../../src/dialects/dialect-support.js";

export const SUITES = ["queue", "lifecycle", "growth", "stats", "contract", "contract-1.0", "console", "telemetry"] as const;
export type Suite = (typeof SUITES)[number];

export interface BenchOptions {
  quick: boolean;
  suites: Suite[];
  dialects: DatabaseType[];
  /** Runs per measurement; the median is reported and contenders alternate who goes first. */
  repeats: number;
  queue: { enqueueCalls: number; enqueueBatchCalls: number; drainJobs: number; batchDrainJobs: number; workers: number[]; batchedWorkers: number[] };
  lifecycle: { runs: number; specRuns: number };
  growth: { pendingJobs: number[]; samples: number; budgetMs: number };
  stats: { rows: number[]; logCalls: number };
  /** Units per measurement of the engine's 0.12 workloads (contract-0.12/). */
  contract: { outbox: number; dispatch: number; lifecycle: number };
  /** The engine's 1.0 workloads (contract-1.0/): step calls and lifecycles per process, jobs per drain, outbox events and claimants. */
  contract10: { stepCalls: number; lifecycle: number; jobs: number; outboxEvents: number; outboxClaimants: number[] };
  /** The console read port (console/): runs seeded, samples per read and the time budget per read. */
  console: { runs: number[]; samples: number; budgetMs: number };
  /** OpenTelemetry's cost (telemetry/): lifecycles and jobs per process. */
  telemetry: { lifecycles: number; jobs: number };
  /** Whether the databases get the optional performance migrations (default true; --no-performance-indexes). */
  performanceIndexes: boolean;
  /** Where latest.md / latest.json / growth.svg go. */
  outputFolder: string;
}

const usage = `usage: npm run bench -- [--quick] [--only ${SUITES.join(",")}] [--dialects postgresql,sqlite] [--repeats N] [--no-performance-indexes] [--out DIR]`;

export function parseBenchOptions(argv: readonly string[], defaultOutput: string, quickOutput: string): BenchOptions {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}\n${usage}`);
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    if (name === "quick" || name === "help" || name === "no-performance-indexes") flags.set(name, true);
    else if (["only", "dialects", "repeats", "out"].includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value\n${usage}`);
      flags.set(name, value);
    } else throw new Error(`unknown option --${name}\n${usage}`);
  }
  if (flags.has("help")) {
    console.log(usage);
    process.exit(0);
  }
  const quick = flags.has("quick");
  const list = (name: string, all: readonly string[]) => {
    const value = flags.get(name);
    if (typeof value !== "string") return [...all];
    const chosen = value.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = chosen.filter((s) => !all.includes(s));
    if (unknown.length) throw new Error(`--${name}: unknown ${unknown.join(", ")} (one of ${all.join(", ")})`);
    return chosen;
  };
  const repeats = flags.has("repeats") ? Number(flags.get("repeats")) : quick ? 1 : 3;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error("--repeats must be a positive integer");
  const out = flags.get("out");
  return {
    quick,
    suites: list("only", SUITES) as Suite[],
    dialects: list("dialects", ["postgresql", "sqlite"]) as DatabaseType[],
    repeats,
    queue: quick
      ? { enqueueCalls: 200, enqueueBatchCalls: 10, drainJobs: 300, batchDrainJobs: 1_000, workers: [2], batchedWorkers: [2] }
      : { enqueueCalls: 3_000, enqueueBatchCalls: 150, drainJobs: 4_000, batchDrainJobs: 20_000, workers: [1, 4, 16], batchedWorkers: [1, 16] },
    lifecycle: quick ? { runs: 10, specRuns: 5 } : { runs: 300, specRuns: 100 },
    telemetry: quick ? { lifecycles: 5, jobs: 20 } : { lifecycles: 300, jobs: 2_000 },
    growth: quick
      ? { pendingJobs: [1_000, 10_000], samples: 20, budgetMs: 1_000 }
      : { pendingJobs: [1_000, 10_000, 100_000, 1_000_000], samples: 200, budgetMs: 15_000 },
    stats: quick ? { rows: [10_000], logCalls: 2_000 } : { rows: [10_000, 100_000, 1_000_000], logCalls: 20_000 },
    contract: quick ? { outbox: 20, dispatch: 20, lifecycle: 5 } : { outbox: 1_000, dispatch: 1_000, lifecycle: 200 },
    contract10: quick
      ? { stepCalls: 10, lifecycle: 2, jobs: 100, outboxEvents: 100, outboxClaimants: [1, 4] }
      : { stepCalls: 2_000, lifecycle: 100, jobs: 3_000, outboxEvents: 4_000, outboxClaimants: [1, 4, 16] },
    console: quick ? { runs: [1_000, 10_000], samples: 10, budgetMs: 500 } : { runs: [10_000, 100_000, 1_000_000], samples: 200, budgetMs: 10_000 },
    performanceIndexes: !flags.has("no-performance-indexes"),
    outputFolder: typeof out === "string" ? out : quick ? quickOutput : defaultOutput,
  };
}
