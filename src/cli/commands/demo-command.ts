import { SingleBar } from "cli-progress";
import { setTimeout as sleep } from "node:timers/promises";
import { createKyselyAICallLogger } from "../../ai-calls/kysely-ai-call-logger.js";
import { migrateToLatest } from "../../database/migrations/migrate.js";
import { openDatabase } from "../../database/open-database.js";
import { createQueryContext } from "../../database/query-context.js";
import { createKyselyWorkflowPersistence } from "../../persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue } from "../../queue/kysely-job-queue.js";
import { CliError } from "../cli-errors.js";
import type { CliContext } from "../cli-context.js";
import { INTERRUPTED_EXIT_CODE, onInterrupt } from "../interrupt.js";
import { colourEnabled } from "../output.js";
import { DEMO_PIPELINE, DEMO_WORKFLOW } from "../demo/demo-pipeline.js";
import { cancelUnfinishedDemoRuns, demoFigures, type DemoFigures } from "../demo/demo-figures.js";
import { demoAiCost, renderDemoSummary, type DemoSummary } from "../demo/demo-summary.js";
import { runDemoWorker } from "../demo/demo-worker.js";

export interface DemoOptions {
  workers: number;
  runs: number;
  /** Give up when none of this demo's runs finishes for this long. */
  stallTimeoutMs?: number;
}

/**
 * The main job: migrates, then takes `runs` document-pipeline workflows of its
 * own through the library with `workers` concurrent worker loops, and reports
 * on those runs only (several demos may share a database). Ctrl-C stops it
 * cleanly: no new work is claimed, the jobs in hand finish, its unfinished runs
 * are cancelled, and a partial summary is printed (exit 130).
 */
export async function demoCommand(cli: CliContext, options: DemoOptions): Promise<void> {
  // Enough connections for every worker loop at once on PostgreSQL.
  const db = openDatabase(cli.url, { postgres: { max: options.workers + 2 }, ...cli.schemaOption() });
  const ctx = createQueryContext(db);
  const started = Date.now();
  const persistence = createKyselyWorkflowPersistence(db);
  const aiCalls = createKyselyAICallLogger(db, { flushIntervalMs: 200 });
  const queues = Array.from({ length: options.workers }, (_, i) => createKyselyJobQueue(db, { workerId: `demo-worker-${i + 1}` }));
  const colour = colourEnabled(cli.output.json);
  const bar = !cli.output.json && process.stdout.isTTY
    ? new SingleBar({ format: " runs {bar} {value}/{total} | jobs {jobs} | {rate} jobs/s | retries {retries} | resumed {resumed}", hideCursor: true })
    : undefined;
  const controller = new AbortController();
  const interruption = onInterrupt(() => controller.abort());
  const runIds: string[] = [];
  let figures: DemoFigures = { runsCompleted: 0, runsFinished: 0, jobsCompleted: 0, retries: 0, resumed: 0 };
  try {
    const migration = await migrateToLatest(db);
    cli.output.note(`migrated ${cli.label}${migration.applied.length ? ` (applied ${migration.applied.join(", ")})` : ""}`);
    for (const notice of migration.notices) cli.output.note(`note: ${notice}`);

    for (let i = 0; i < options.runs && !controller.signal.aborted; i++) {
      const run = await persistence.createRun({ ...DEMO_WORKFLOW, input: { document: `report-${i + 1}.pdf` }, priority: 5 });
      runIds.push(run.id);
    }
    cli.output.note(`running ${options.runs} workflow(s) of ${DEMO_PIPELINE.length} stages with ${options.workers} worker(s)…`);

    bar?.start(options.runs, 0, { jobs: 0, rate: "0", retries: 0, resumed: 0 });
    let stopPolling = false;
    let stalled = false;
    // The database, not this process, knows how far this demo's runs are:
    // workers of another demo on the same database may be running them too.
    const progress = (async () => {
      let lastChange = { at: Date.now(), finished: -1 };
      while (!stopPolling) {
        figures = await demoFigures(ctx, runIds);
        const seconds = (Date.now() - started) / 1000;
        bar?.update(figures.runsFinished, { jobs: figures.jobsCompleted, rate: (figures.jobsCompleted / seconds).toFixed(0), retries: figures.retries, resumed: figures.resumed });
        if (figures.runsFinished !== lastChange.finished) lastChange = { at: Date.now(), finished: figures.runsFinished };
        else if (Date.now() - lastChange.at > (options.stallTimeoutMs ?? 60_000)) {
          stalled = true;
          controller.abort();
        }
        if (figures.runsFinished >= runIds.length) break;
        await sleep(100);
      }
    })();
    try {
      const unclaimed = [...runIds];
      const isDone = () => figures.runsFinished >= runIds.length;
      const deps = { persistence, aiCalls, unclaimed, isDone, reviewDelayMs: 300, workMs: 5 };
      await Promise.all(queues.map((queue) => runDemoWorker({ ...deps, queue }, controller.signal)));
    } finally {
      stopPolling = true;
      await progress;
      bar?.stop(); // shows the cursor again
    }

    const interrupted = interruption.signal !== undefined;
    const runsCancelled = interrupted ? await cancelUnfinishedDemoRuns(ctx, runIds) : 0;
    figures = await demoFigures(ctx, runIds);
    if (stalled && !interrupted) {
      throw new CliError(`demo stalled: ${figures.runsCompleted} of ${runIds.length} runs completed, no progress for a minute`);
    }
    const seconds = (Date.now() - started) / 1000;
    const aiCost = await demoAiCost(aiCalls, runIds);
    const summary: DemoSummary = {
      database: cli.label,
      runs: options.runs,
      interrupted,
      runsCancelled,
      ...figures,
      seconds: Number(seconds.toFixed(2)),
      jobsPerSecond: Number((figures.jobsCompleted / seconds).toFixed(1)),
      suspendedAndResumed: figures.resumed,
      aiCalls: Object.values(aiCost.perModel).reduce((sum, model) => sum + model.calls, 0),
      aiCost,
      runIds,
    };
    cli.output.result(summary, () => renderDemoSummary(summary, cli.commandPrefix(), colour));
    if (interrupted) process.exitCode = INTERRUPTED_EXIT_CODE;
  } finally {
    interruption.dispose();
    bar?.stop();
    controller.abort();
    await aiCalls.close();
    await Promise.all(queues.map((queue) => queue.close()));
    await db.destroy();
  }
}
