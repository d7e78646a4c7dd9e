import { createKyselyJobQueue } from "../../queue/kysely-job-queue.js";
import { pruneFinished } from "../admin-queries.js";
import type { CliContext } from "../cli-context.js";
import { parseDuration } from "../duration.js";

export async function releaseStaleCommand(cli: CliContext, options: { olderThan: string }): Promise<void> {
  const thresholdMs = parseDuration(options.olderThan, "--older-than");
  const released = await createKyselyJobQueue(cli.db, { listen: false, workerId: "kwp-cli" }).releaseStaleJobs(thresholdMs);
  cli.output.result({ released }, () => `released ${released} stale job(s) locked for more than ${options.olderThan}`);
}

export async function pruneCommand(cli: CliContext, options: { completedBefore: string; dryRun?: boolean }): Promise<void> {
  const age = parseDuration(options.completedBefore, "--completed-before");
  const cutoff = new Date(Date.now() - age);
  const counts = await pruneFinished(cli.queryContext(), cutoff, options.dryRun === true);
  const verb = options.dryRun ? "would delete" : "deleted";
  cli.output.result({ dryRun: options.dryRun === true, cutoff, ...counts }, () =>
    `${verb} ${counts.runs} finished run(s) (with their stages, logs and artifacts) and ${counts.jobs} finished job(s) ` +
      `completed before ${cutoff.toISOString()}`,
  );
}
