import { SingleBar } from "cli-progress";
import { setTimeout as sleep } from "node:timers/promises";
import { createKyselyAICallLogger } from "../../ai-calls/kysely-ai-call-logger.js";
import { contractOfTables } from "../../database/database-contract.js";
import { migrateToLatest, type MigrateResult } from "../../database/migrations/migrate.js";
import { openDatabase } from "../../database/open-database.js";
import { createQueryContext, type QueryContext } from "../../database/query-context.js";
import { createKyselyWorkflowPersistence } from "../../persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue } from "../../queue/kysely-job-queue.js";
import { CliError, EXIT } from "../cli-errors.js";
import type { CliContext } from "../cli-context.js";
import { INTERRUPTED_EXIT_CODE, onInterrupt } from "../interrupt.js";
import { colourEnabled } from "../output.js";
import { DEMO_PIPELINE, DEMO_WORKFLOW } from "../demo/demo-pipeline.js";
import { cancelUnfinishedDemoRuns, demoFigures, type DemoFigures } from "../demo/demo-figures.js";
import { demoAiCost, renderDemoSummary, type DemoSummary, type SimulatedWaits } from "../demo/demo-summary.js";
import { runDemoWorker } from "../demo/demo-worker.js";
import { demoJobClaimer, demoRunPrefix } from "../demo/demo-claims.js";

/** What the demo simulates (see SimulatedWaits). */
const SIMULATED: SimulatedWaits = { workMsPerStage: 5, reviewDelayMs: 300 };

/** The demo's own database when neither --url nor DATABASE_URL names one: not the file examples and apps use. */
export const DEMO_URL = "sqlite:./kwp-demo.db";

export interface DemoOptions {
  workers: number;
  runs: number;
  /** Give up when none of this demo's runs finishes for this long. */
  stallTimeoutMs?: number;
}

/**
 * The main job: migrates, then takes `runs` document-pipeline workflows of its
 * own through the library with `workers` concurrent worker loops, and reports
 * on those runs only. It touches no other work: its runs' ids share a prefix
 * and its workers claim and resume only their jobs, so a database other
 * applications (or another demo) use is safe. Ctrl-C stops it cleanly: no new
 * work is claimed, the jobs in hand finish, its unfinished runs are cancelled,
 * and a partial summary is printed (exit 130); an error mid-way cancels them
 * the same way; a second Ctrl-C stops at once, saying what it left.
 */
export async function demoCommand(cli: CliContext, options: DemoOptions): Promise<void> {
  // Enough connections for every worker loop at once on PostgreSQL.
  const db = openDatabase(cli.url, { postgres: { max: options.workers + 2 }, ...cli.schemaOption() });
  const ctx = createQueryContext(db);
  const started = Date.now();
  const persistence = createKyselyWorkflowPersistence(db);
  const aiCalls = createKyselyAICallLogger(db, { flushIntervalMs: 200 });
  const runPrefix = demoRunPrefix();
  const workerIds = Array.from({ length: options.workers }, (_, i) => `demo-worker-${i + 1}`);
  const queues = workerIds.map((workerId) => createKyselyJobQueue(db, { workerId }));
  const colour = colourEnabled(cli.output.json);
  const bar = !cli.output.json && process.stdout.isTTY
    ? new SingleBar({ format: " runs {bar} {value}/{total} | jobs {jobs} | {rate} jobs/s | retries {retries} | resumed {resumed}", hideCursor: true })
    : undefined;
  const controller = new AbortController();
  const runIds: string[] = [];
  let figures: DemoFigures = { runsCompleted: 0, runsFinished: 0, jobsCompleted: 0, retries: 0, resumed: 0 };
  const interruption = onInterrupt(
    () => controller.abort(),
    () => {
      // A second Ctrl-C: no clean-up, but the terminal back and a word on what is left.
      bar?.stop();
      const left = runIds.length - figures.runsFinished;
      process.stderr.write(
        `\nstopped at once: ${left} of this demo's ${runIds.length} run(s) left unfinished (ids start with ${runPrefix}); ` +
          `\`${cli.commandPrefix()} runs\` lists them, and \`${cli.commandPrefix()} release-stale\` returns their jobs once their locks are stale\n`,
      );
    },
  );
  try {
    await refuseOtherContracts(cli, ctx);
    const migration = await migrateToLatest(db);
    const applied = appliedMigrations(migration);
    cli.output.note(`migrated ${cli.label}${applied.length ? ` (applied ${applied.join(", ")})` : ""}`);
    for (const notice of migration.notices) cli.output.note(`note: ${notice}`);

    for (let i = 0; i < options.runs && !controller.signal.aborted; i++) {
      const id = `${runPrefix}${String(i + 1).padStart(String(options.runs).length, "0")}`;
      const run = await persistence.createRun({ ...DEMO_WORKFLOW, id, input: { document: `report-${i + 1}.pdf` }, priority: 5 });
      runIds.push(run.id);
    }
    cli.output.note(`running ${options.runs} workflow(s) of ${DEMO_PIPELINE.length} stages with ${options.workers} worker(s)…`);

    bar?.start(options.runs, 0, { jobs: 0, rate: "0", retries: 0, resumed: 0 });
    let stopPolling = false;
    let stalled = false;
    // The database, not this process, knows how far this demo's runs are.
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
      const deps = { persistence, aiCalls, unclaimed, isDone, runPrefix, reviewDelayMs: SIMULATED.reviewDelayMs, workMs: SIMULATED.workMsPerStage };
      await Promise.all(
        queues.map((queue, i) => runDemoWorker({ ...deps, queue, claim: demoJobClaimer(db, runPrefix, workerIds[i]!) }, controller.signal)),
      );
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
      simulated: SIMULATED,
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
  } catch (error) {
    // As Ctrl-C does: nothing of this demo stays PENDING or RUNNING.
    const cancelled = runIds.length ? await cancelUnfinishedDemoRuns(ctx, runIds).catch(() => undefined) : 0;
    bar?.stop();
    if (cancelled) process.stderr.write(`the demo failed; cancelled its ${cancelled} unfinished run(s)\n`);
    throw error;
  } finally {
    interruption.dispose();
    bar?.stop();
    controller.abort();
    await aiCalls.close();
    await Promise.all(queues.map((queue) => queue.close()));
    await db.destroy();
  }
}

/** The demo speaks the engine's 0.1 contract: on a database of another, it says so instead of offering to migrate it. */
async function refuseOtherContracts(cli: CliContext, ctx: QueryContext): Promise<void> {
  const contract = contractOfTables(await ctx.dialect.listTables(ctx.db));
  if (contract !== undefined && contract !== "0.1") {
    throw new CliError(
      `kwp demo runs the engine's 0.1 contract only, and ${cli.label} holds the ${contract} schema; nothing was changed. ` +
        `Run the demo on a database of its own (without --url it uses ${DEMO_URL})`,
      EXIT.usage,
    );
  }
}

/** Every migration the demo's migrate call applied, the opt-in ones included. */
function appliedMigrations(result: MigrateResult): string[] {
  return [...result.applied, ...result.optionalApplied.map((name) => (name.startsWith("optional/") ? name : `optional/${name}`))];
}
