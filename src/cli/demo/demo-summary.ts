import type { AIModelStats } from "../../types.js";
import type { AICallLogger } from "../../interfaces/ai-call-logger.js";
import { formatCost } from "../../format/readable-values.js";
import { emphasis, table } from "../output.js";
import type { DemoFigures } from "./demo-figures.js";
import type { DemoFigures10 } from "./demo-figures-1.0.js";
import type { ContractVersion } from "../../database/migrations/contract-versions.js";
import { counted } from "../../format/readable-values.js";

/** The waits the demo simulates (no model is called, no person reviews): they set its pace, not the queue. */
export interface SimulatedWaits {
  /** Per stage, the work a model call would take. */
  workMsPerStage: number;
  /** How long the review stage stays suspended before it is resumed. */
  reviewDelayMs: number;
}

export interface DemoSummary extends DemoFigures {
  simulated: SimulatedWaits;
  database: string;
  /** The engine contract the demo spoke. */
  contract: ContractVersion;
  /** What the 1.0 contract adds, counted over the demo's runs. */
  contract10?: DemoFigures10 & { fairnessCap: number };
  runs: number;
  /** True when Ctrl-C (or SIGTERM) stopped the demo before its runs finished. */
  interrupted: boolean;
  /** Runs of this demo cancelled because it was interrupted. */
  runsCancelled: number;
  seconds: number;
  jobsPerSecond: number;
  suspendedAndResumed: number;
  aiCalls: number;
  aiCost: { total: number; inputTokens: number; outputTokens: number; perModel: Record<string, AIModelStats> };
  runIds: string[];
  /** Runs left waiting for a reviewer on purpose (1.0), apart from `runIds`. */
  waitingForReview?: string[];
}

/** AI-call totals over the demo's own runs, from getStats (per run: the topic prefix is the run's). */
export async function demoAiCost(aiCalls: Pick<AICallLogger, "getStats">, runIds: readonly string[]): Promise<DemoSummary["aiCost"]> {
  const cost: DemoSummary["aiCost"] = { total: 0, inputTokens: 0, outputTokens: 0, perModel: {} };
  for (const runId of runIds) {
    const stats = await aiCalls.getStats(`workflow.${runId}.`);
    cost.total += stats.totalCost;
    cost.inputTokens += stats.totalInputTokens;
    cost.outputTokens += stats.totalOutputTokens;
    for (const [model, m] of Object.entries(stats.perModel)) {
      const sum = (cost.perModel[model] ??= { calls: 0, inputTokens: 0, outputTokens: 0, cost: 0 });
      sum.calls += m.calls;
      sum.inputTokens += m.inputTokens;
      sum.outputTokens += m.outputTokens;
      sum.cost += m.cost;
    }
  }
  return cost;
}

/** The summary for a person. `lookAround` is the command line prefix that reaches the same database. */
export function renderDemoSummary(summary: DemoSummary, lookAround: string, colour: boolean): string {
  const { aiCost } = summary;
  const headline = summary.interrupted
    ? `interrupted after ${summary.seconds} s on ${summary.database}: ${summary.runsCompleted} of ${summary.runs} runs completed, ` +
      `${summary.runsCancelled} cancelled`
    : `done in ${summary.seconds} s on ${summary.database}`;
  return [
    "",
    emphasis(headline, colour),
    table(
      ["runs completed", "jobs completed", "jobs/s", "retries", "suspended → resumed", "AI calls"],
      [[`${summary.runsCompleted} of ${summary.runs}`, summary.jobsCompleted, summary.jobsPerSecond, summary.retries, summary.suspendedAndResumed, summary.aiCalls]],
      colour,
    ),
    `jobs/s is the demo's own pace: ${summary.simulated.workMsPerStage} ms of simulated work per stage and a ${summary.simulated.reviewDelayMs} ms review ` +
      "wait per run set it, not the queue (its throughput: `npm run bench`).",
    "AI cost per model (from getStats):",
    table(
      ["model", "calls", "input tokens", "output tokens", "cost"],
      [
        ...Object.entries(aiCost.perModel)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([model, m]) => [model, m.calls, m.inputTokens, m.outputTokens, formatCost(m.cost)]),
        ["total", summary.aiCalls, aiCost.inputTokens, aiCost.outputTokens, formatCost(aiCost.total)],
      ],
      colour,
    ),
    ...(summary.contract10 ? contract10Lines(summary.contract10) : []),
    ...(summary.waitingForReview?.length
      ? [`  and run ${summary.waitingForReview.join(", ")} waits for its reviewer (a day) on purpose: a suspended stage to look at`]
      : []),
    ...(summary.runIds.length > 0
      ? [
          `look around with \`${lookAround} <command>\`: runs · run ${summary.runIds[0]} · jobs · stats workflow.`,
          `or in a browser: \`${lookAround} ui\` (a local inspector on 127.0.0.1; Ctrl-C stops it)` +
            (summary.contract10
              ? `: in it, run ${summary.runIds[0]} (its timeline, durable steps with the replayed draft, annotations, the superseded acknowledgement in its logs, its events and a dead letter), ` +
                "Suspended (the waiting run), Dead letters, Costs (by workflow, day and model)"
              : ""),
        ]
      : []),
  ].join("\n");
}

/** The 1.0 contract's part of the summary: what the demo exercised, as counted. */
function contract10Lines(figures: DemoFigures10 & { fairnessCap: number }): string[] {
  const versions = Object.entries(figures.runsByVersion).sort(([a], [b]) => a.localeCompare(b)).map(([version, runs]) => `${version}: ${counted(runs, "run")}`);
  return [
    "what the engine's 1.0 contract added:",
    `  ${counted(figures.steps, "durable step")}, ${figures.stepsReplayed} replayed from the ledger by a retried stage (no second model call)`,
    `  ${counted(figures.acknowledgementsSuperseded, "fenced acknowledgement")} superseded by a rerun (its writes rolled back)`,
    `  definition versions served: ${versions.join(", ")}; tenants capped at ${figures.fairnessCap} RUNNING job${figures.fairnessCap === 1 ? "" : "s"} each`,
    `  ${counted(figures.annotations, "annotation")}; ${counted(figures.outboxPublished, "outbox event")} published, ${counted(figures.deadLetters, "dead letter")}; ${counted(figures.aiCallsReported, "AI call")} with a provider-reported cost`,
  ];
}
