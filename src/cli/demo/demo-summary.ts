import type { AICallLogger, AIModelStats } from "../../types.js";
import { formatCost } from "../../format/readable-values.js";
import { emphasis, table } from "../output.js";
import type { DemoFigures } from "./demo-figures.js";

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
}

/** AI-call totals over the demo's own runs, from getStats (per run: the topic prefix is the run's). */
export async function demoAiCost(aiCalls: AICallLogger, runIds: readonly string[]): Promise<DemoSummary["aiCost"]> {
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
    ...(summary.runIds.length > 0
      ? [
          `look around with \`${lookAround} <command>\`: runs · run ${summary.runIds[0]} · jobs · stats workflow.`,
          `or in a browser: \`${lookAround} ui\` (a local inspector on 127.0.0.1; Ctrl-C stops it)`,
        ]
      : []),
  ].join("\n");
}
