import { SingleBar } from "cli-progress";
import { createKyselyAICallLogger } from "../../ai-calls/kysely-ai-call-logger.js";
import { migrateToLatest } from "../../database/migrations/migrate.js";
import { openDatabase } from "../../database/open-database.js";
import { createKyselyWorkflowPersistence } from "../../persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue } from "../../queue/kysely-job-queue.js";
import type { AIModelStats } from "../../types.js";
import { CliError } from "../cli-errors.js";
import type { CliContext } from "../cli-context.js";
import { formatCost, table } from "../output.js";
import { DEMO_PIPELINE, DEMO_WORKFLOW } from "../demo/demo-pipeline.js";
import { runDemoWorker, type DemoCounters } from "../demo/demo-worker.js";

export interface DemoOptions {
  workers: number;
  runs: number;
  /** Give up when no run completes for this long. */
  stallTimeoutMs?: number;
}

/**
 * The main job: migrates, then takes `runs` document-pipeline workflows through
 * the library with `workers` concurrent worker loops, and reports what happened.
 */
export async function demoCommand(cli: CliContext, options: DemoOptions): Promise<void> {
  // Enough connections for every worker loop at once on PostgreSQL.
  const db = openDatabase(cli.url, { postgres: { max: options.workers + 2 } });
  const started = Date.now();
  const counters: DemoCounters = { runsStarted: 0, runsCompleted: 0, jobsCompleted: 0, retries: 0, suspended: 0, resumed: 0, aiCalls: 0 };
  const persistence = createKyselyWorkflowPersistence(db);
  const aiCalls = createKyselyAICallLogger(db, { flushIntervalMs: 200 });
  const queues = Array.from({ length: options.workers }, (_, i) => createKyselyJobQueue(db, { workerId: `demo-worker-${i + 1}` }));
  const bar = !cli.output.json && process.stdout.isTTY
    ? new SingleBar({ format: " runs {bar} {value}/{total} | jobs {jobs} | {rate} jobs/s | retries {retries} | resumed {resumed}", hideCursor: true })
    : undefined;
  const controller = new AbortController();
  try {
    const migration = await migrateToLatest(db);
    cli.output.note(`migrated ${cli.label}${migration.applied.length ? ` (applied ${migration.applied.join(", ")})` : ""}`);
    for (const notice of migration.notices) cli.output.note(`note: ${notice}`);

    const runIds: string[] = [];
    for (let i = 0; i < options.runs; i++) {
      const run = await persistence.createRun({ ...DEMO_WORKFLOW, input: { document: `report-${i + 1}.pdf` }, priority: 5 });
      runIds.push(run.id);
    }
    cli.output.note(`running ${options.runs} workflow(s) of ${DEMO_PIPELINE.length} stages with ${options.workers} worker(s)…`);

    bar?.start(options.runs, 0, { jobs: 0, rate: "0", retries: 0, resumed: 0 });
    let lastProgress = { at: Date.now(), runs: 0 };
    const progress = setInterval(() => {
      const seconds = (Date.now() - started) / 1000;
      bar?.update(counters.runsCompleted, { jobs: counters.jobsCompleted, rate: (counters.jobsCompleted / seconds).toFixed(0), retries: counters.retries, resumed: counters.resumed });
      if (counters.runsCompleted !== lastProgress.runs) lastProgress = { at: Date.now(), runs: counters.runsCompleted };
      else if (Date.now() - lastProgress.at > (options.stallTimeoutMs ?? 60_000)) controller.abort();
    }, 100);
    try {
      const deps = { persistence, aiCalls, counters, totalRuns: options.runs, reviewDelayMs: 300, workMs: 5 };
      await Promise.all(queues.map((queue) => runDemoWorker({ ...deps, queue }, controller.signal)));
    } finally {
      clearInterval(progress);
      bar?.update(counters.runsCompleted, { jobs: counters.jobsCompleted, retries: counters.retries, resumed: counters.resumed });
      bar?.stop();
    }
    if (counters.runsCompleted < options.runs) {
      throw new CliError(`demo stalled: ${counters.runsCompleted} of ${options.runs} runs completed, no progress for a minute`);
    }

    const seconds = (Date.now() - started) / 1000;
    const perModel: Record<string, AIModelStats> = {};
    let totalCost = 0;
    for (const runId of runIds) {
      const stats = await aiCalls.getStats(`workflow.${runId}.`);
      totalCost += stats.totalCost;
      for (const [model, m] of Object.entries(stats.perModel)) {
        const sum = (perModel[model] ??= { calls: 0, inputTokens: 0, outputTokens: 0, cost: 0 });
        sum.calls += m.calls;
        sum.inputTokens += m.inputTokens;
        sum.outputTokens += m.outputTokens;
        sum.cost += m.cost;
      }
    }
    const summary = {
      database: cli.label,
      runsCompleted: counters.runsCompleted,
      jobsCompleted: counters.jobsCompleted,
      seconds: Number(seconds.toFixed(2)),
      jobsPerSecond: Number((counters.jobsCompleted / seconds).toFixed(1)),
      retries: counters.retries,
      suspendedAndResumed: counters.resumed,
      aiCalls: counters.aiCalls,
      aiCost: { total: totalCost, perModel },
      runIds,
    };
    cli.output.result(summary, () =>
      [
        "",
        `done in ${summary.seconds} s on ${summary.database}`,
        table(
          ["runs completed", "jobs completed", "jobs/s", "retries", "suspended → resumed", "AI calls"],
          [[summary.runsCompleted, summary.jobsCompleted, summary.jobsPerSecond, summary.retries, summary.suspendedAndResumed, summary.aiCalls]],
        ),
        "AI cost per model (from getStats):",
        table(
          ["model", "calls", "input tokens", "output tokens", "cost"],
          [
            ...Object.entries(perModel).sort(([a], [b]) => a.localeCompare(b)).map(([model, m]) => [model, m.calls, m.inputTokens, m.outputTokens, formatCost(m.cost)]),
            ["total", summary.aiCalls, "", "", formatCost(totalCost)],
          ],
        ),
        `look around: kwp runs · kwp run ${runIds[0]} · kwp jobs · kwp stats workflow.`,
      ].join("\n"),
    );
  } finally {
    controller.abort();
    await aiCalls.close();
    await Promise.all(queues.map((queue) => queue.close()));
    await db.destroy();
  }
}
