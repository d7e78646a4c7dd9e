import { DEFAULT_STALE_THRESHOLD_MS, releaseStale } from "../../queue/queue-maintenance.js";
import { pruneFinished, staleJobs, type StaleJob } from "../admin-queries.js";
import type { CliContext } from "../cli-context.js";
import { CliError, EXIT } from "../cli-errors.js";
import { confirm } from "../confirm.js";
import { parseDuration } from "../duration.js";
import { counted } from "../../format/readable-values.js";
import { formatDate, table } from "../output.js";

export interface ReleaseStaleOptions {
  olderThan: string;
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
}

/** At most this many stale jobs are listed before asking; the counts cover all of them. */
const LISTED = 20;

/**
 * As careful as prune: refuses a threshold below the queue's own (a job
 * locked more recently may be in a live worker's hands), shows which jobs go
 * back to PENDING and which are given up with their stages and runs, and acts
 * only when confirmed (a terminal asks, `--yes` confirms, elsewhere it refuses).
 */
export async function releaseStaleCommand(cli: CliContext, options: ReleaseStaleOptions): Promise<void> {
  const thresholdMs = parseDuration(options.olderThan, "--older-than");
  if (thresholdMs < DEFAULT_STALE_THRESHOLD_MS && !options.force) {
    throw new CliError(
      `--older-than ${options.olderThan} is below the queue's own stale threshold (5m): a job locked more recently may ` +
        "still be in a live worker's hands, and releasing it runs it twice (or fails its stage and run). Pass --force to do it anyway",
      EXIT.usage,
    );
  }
  const ctx = await cli.verifiedQueryContext();
  const stale = await staleJobs(ctx, thresholdMs);
  const toFail = stale.filter((job) => job.attempt >= job.maxAttempts);
  const plan = { toRelease: stale.length - toFail.length, toFail: toFail.length };
  const what =
    `${counted(plan.toRelease, "stale job")} back to PENDING and ${plan.toFail} out of attempts to FAILED ` +
    `(with their stage and run, where still RUNNING), locked for more than ${options.olderThan}`;
  if (options.dryRun) {
    cli.output.result({ dryRun: true, ...plan, jobs: stale }, () => (stale.length ? `would return ${what}\n${staleTable(stale)}` : `nothing stale: ${what}`));
    return;
  }
  if (stale.length === 0) {
    cli.output.result({ dryRun: false, released: 0, failed: 0, stagesFailed: 0, runsFailed: 0 }, () => `nothing stale: no RUNNING job locked for more than ${options.olderThan}`);
    return;
  }
  process.stderr.write(`kwp release-stale will return ${what}, in ${cli.label}:\n${staleTable(stale)}\n`);
  if (!(await confirm("Release them?", options.yes === true, "or --dry-run to only look"))) {
    cli.output.result({ dryRun: false, released: 0, failed: 0, stagesFailed: 0, runsFailed: 0 }, () => "nothing released");
    process.exitCode = 1;
    return;
  }
  const done = await releaseStale(ctx, thresholdMs);
  cli.output.result({ dryRun: false, ...done }, () =>
    `released ${counted(done.released, "stale job")} to PENDING; FAILED ${counted(done.failed, "job")} out of attempts, ` +
      `${counted(done.stagesFailed, "stage")} and ${counted(done.runsFailed, "run")} with them`,
  );
}

function staleTable(jobs: readonly StaleJob[]): string {
  const rows = jobs.slice(0, LISTED).map((job) => [
    job.id, job.workflowRunId, job.stageId, job.workerId, formatDate(job.lockedAt), `${job.attempt}/${job.maxAttempts}`,
    job.attempt >= job.maxAttempts ? "FAILED (out of attempts)" : "PENDING",
  ]);
  const more = jobs.length > LISTED ? `\n… and ${jobs.length - LISTED} more` : "";
  return table(["job", "run", "stage", "worker", "locked since", "attempt", "becomes"], rows) + more;
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
  const ctx = await cli.verifiedQueryContext();
  const planned = await pruneFinished(ctx, cutoff, true);
  const what =
    `${counted(planned.runs, "finished run")} (with their stages, logs and artifacts) and ${counted(planned.jobs, "finished job")} ` +
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
    `deleted ${counted(counts.runs, "finished run")} (with their stages, logs and artifacts) and ${counted(counts.jobs, "finished job")} ` +
      `completed before ${cutoff.toISOString()}`,
  );
}
