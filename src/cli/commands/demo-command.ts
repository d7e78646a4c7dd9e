import { SingleBar } from "cli-progress";
import { setTimeout as sleep } from "node:timers/promises";
import { contractOfTables } from "../../database/database-contract.js";
import { checkContractVersion, type ContractVersion } from "../../database/migrations/contract-versions.js";
import { migrateToLatest, type MigrateResult } from "../../database/migrations/migrate.js";
import { openDatabase } from "../../database/open-database.js";
import { createQueryContext, type QueryContext } from "../../database/query-context.js";
import { CliError, EXIT } from "../cli-errors.js";
import type { CliContext } from "../cli-context.js";
import { INTERRUPTED_EXIT_CODE, onInterrupt } from "../interrupt.js";
import { colourEnabled } from "../output.js";
import { counted } from "../../format/readable-values.js";
import { DEMO_PIPELINE } from "../demo/demo-pipeline.js";
import { cancelUnfinishedDemoRuns, demoFigures, type DemoFigures } from "../demo/demo-figures.js";
import { demoFigures10 } from "../demo/demo-figures-1.0.js";
import { demoAiCost, renderDemoSummary, type DemoSummary, type SimulatedWaits } from "../demo/demo-summary.js";
import { demoRunPrefix } from "../demo/demo-claims.js";
import { demoSession } from "../demo/demo-session.js";
import { CONTRACT_0_1 } from "../../contracts/contract-0.1.js";

/** What the demo simulates (see SimulatedWaits). */
const SIMULATED: SimulatedWaits = { workMsPerStage: 5, reviewDelayMs: 300 };

/** The demo's own database when neither --url nor DATABASE_URL names one: not the file examples and apps use. */
export const DEMO_URL = "sqlite:./kwp-demo.db";

export interface DemoOptions {
  workers: number;
  runs: number;
  /** The engine contract it speaks: "1.0" (the default), "0.12" or "0.1". */
  contract?: string;
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
  const contract = demoContract(options.contract);
  // Enough connections for every worker loop at once on PostgreSQL.
  const db = openDatabase(cli.url, { postgres: { max: options.workers + 2 }, ...cli.schemaOption() });
  const ctx = createQueryContext(db, {}, CONTRACT_0_1);
  const started = Date.now();
  const runPrefix = demoRunPrefix();
  const session = demoSession(db, contract, { workers: options.workers, runPrefix, workMs: SIMULATED.workMsPerStage, reviewDelayMs: SIMULATED.reviewDelayMs });
  const { aiCalls } = session;
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
        `\nstopped at once: ${left} of this demo's ${counted(runIds.length, "run")} left unfinished (ids start with ${runPrefix}); ` +
          `\`${cli.commandPrefix()} runs\` lists them, and \`${cli.commandPrefix()} release-stale\` returns their jobs once their locks are stale\n`,
      );
    },
  );
  try {
    await refuseOtherContracts(cli, ctx, contract);
    const migration = await migrateToLatest(db, { target: contract });
    const applied = appliedMigrations(migration);
    cli.output.note(`migrated ${cli.label}${applied.length ? ` (applied ${applied.join(", ")})` : ""}`);
    for (const notice of migration.notices) cli.output.note(`note: ${notice}`);

    for (let i = 0; i < options.runs && !controller.signal.aborted; i++) {
      const id = `${runPrefix}${String(i + 1).padStart(String(options.runs).length, "0")}`;
      await session.createRun(id, i);
      runIds.push(id);
    }
    cli.output.note(`running ${counted(options.runs, "workflow")} of ${DEMO_PIPELINE.length} stages with ${counted(options.workers, "worker")}, engine contract ${contract}…`);

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
      await session.work({ unclaimed: [...runIds], isDone: () => figures.runsFinished >= runIds.length }, controller.signal);
    } finally {
      stopPolling = true;
      await progress;
      bar?.stop(); // shows the cursor again
    }

    const interrupted = interruption.signal !== undefined;
    // The run left waiting on purpose goes too, but is not one of the demo's `runs`.
    const runsCancelled = interrupted ? await cancelUnfinishedDemoRuns(ctx, runIds) : 0;
    if (interrupted) await cancelUnfinishedDemoRuns(ctx, session.waitingRunIds);
    figures = await demoFigures(ctx, runIds);
    if (stalled && !interrupted) {
      throw new CliError(`demo stalled: ${figures.runsCompleted} of ${runIds.length} runs completed, no progress for a minute`);
    }
    const seconds = (Date.now() - started) / 1000;
    const aiCost = await demoAiCost(aiCalls, runIds);
    const summary: DemoSummary = {
      database: cli.label,
      contract,
      ...(contract === "1.0" ? { contract10: { ...(await demoFigures10(ctx, runIds)), fairnessCap: session.fairnessCap! } } : {}),
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
      ...(!interrupted && session.waitingRunIds.length ? { waitingForReview: [...session.waitingRunIds] } : {}),
    };
    cli.output.result(summary, () => renderDemoSummary(summary, cli.commandPrefix(), colour));
    if (interrupted) process.exitCode = INTERRUPTED_EXIT_CODE;
  } catch (error) {
    // As Ctrl-C does: nothing of this demo stays PENDING or RUNNING.
    const cancelled = runIds.length ? await cancelUnfinishedDemoRuns(ctx, runIds).catch(() => undefined) : 0;
    await cancelUnfinishedDemoRuns(ctx, session.waitingRunIds).catch(() => undefined);
    bar?.stop();
    if (cancelled) process.stderr.write(`the demo failed; cancelled its ${counted(cancelled, "unfinished run")}\n`);
    throw error;
  } finally {
    interruption.dispose();
    bar?.stop();
    controller.abort();
    await session.close();
    await db.destroy();
  }
}

function demoContract(option: string | undefined): ContractVersion {
  try {
    return checkContractVersion(option ?? "1.0");
  } catch {
    throw new CliError(`--contract: "${option}" is not one of 1.0, 0.12, 0.1`, EXIT.usage);
  }
}

/**
 * The demo speaks one contract; on a database that holds another it says so
 * (and which --contract would run there) instead of migrating someone's
 * database to another contract.
 */
async function refuseOtherContracts(cli: CliContext, ctx: QueryContext, wanted: ContractVersion): Promise<void> {
  const held = contractOfTables(await ctx.dialect.listTables(ctx.db));
  if (held !== undefined && held !== wanted) {
    throw new CliError(
      `kwp demo --contract ${wanted} needs a database at the engine's ${wanted} contract (or an empty one), and ${cli.label} holds the ${held} schema; nothing was changed. ` +
        `Run \`kwp demo --contract ${held}\` there, or the demo on a database of its own (without --url it uses ${DEMO_URL})`,
      EXIT.usage,
    );
  }
}

/** Every migration the demo's migrate call applied, the opt-in ones included. */
function appliedMigrations(result: MigrateResult): string[] {
  return [...result.applied, ...result.optionalApplied.map((name) => (name.startsWith("optional/") ? name : `optional/${name}`))];
}
