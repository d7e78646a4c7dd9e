import { createKyselyJobQueue } from "../../queue/kysely-job-queue.js";
import { pruneFinished } from "../admin-queries.js";
import type { CliContext } from "../cli-context.js";
import { confirm } from "../confirm.js";
import { parseDuration } from "../duration.js";

export async function releaseStaleCommand(cli: CliContext, options: { olderThan: string }): Promise<void> {
  const thresholdMs = parseDuration(options.olderThan, "--older-than");
  const released = await createKyselyJobQueue(cli.db, { listen: false, workerId: "kwp-cli" }).releaseStaleJobs(thresholdMs);
  cli.output.result({ released }, () => `released ${released} stale job(s) locked for more than ${options.olderThan}`);
}

export interface PruneOptions {
  completedBefore: string;
  dryRun?: boolean;
  yes?: boolean;
}

/**
 * Counts first and shows what will go; deletes only when confirmed (a
 * terminal asks, `--yes` confirms, elsewhere it refuses) and never on --dry-run.
 */
export async function pruneCommand(cli: CliContext, options: PruneOptions): Promise<void> {
  const age = parseDuration(options.completedBefore, "--completed-before");
  const cutoff = new Date(Date.now() - age);
  const ctx = cli.queryContext();
  const planned = await pruneFinished(ctx, cutoff, true);
  const what =
    `${planned.runs} finished run(s) (with their stages, logs and artifacts) and ${planned.jobs} finished job(s) ` +
    `completed before ${cutoff.toISOString()}`;
  if (options.dryRun) {
    cli.output.result({ dryRun: true, deleted: false, cutoff, ...planned }, () => `would delete ${what}`);
    return;
  }
  if (planned.runs === 0 && planned.jobs === 0) {
    cli.output.result({ dryRun: false, deleted: true, cutoff, ...planned }, () => `nothing to delete: no finished work completed before ${cutoff.toISOString()}`);
    return;
  }
  process.stderr.write(`kwp prune will delete ${what} from ${cli.label}.\n`);
  if (!(await confirm("Delete them?", options.yes === true, "or --dry-run to only count"))) {
    cli.output.result({ dryRun: false, deleted: false, cutoff, runs: 0, jobs: 0 }, () => "nothing deleted");
    process.exitCode = 1;
    return;
  }
  const counts = await pruneFinished(ctx, cutoff, false);
  cli.output.result({ dryRun: false, deleted: true, cutoff, ...counts }, () =>
    `deleted ${counts.runs} finished run(s) (with their stages, logs and artifacts) and ${counts.jobs} finished job(s) ` +
      `completed before ${cutoff.toISOString()}`,
  );
}
