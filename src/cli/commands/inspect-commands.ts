import { NotFoundError } from "../../errors.js";
import { createKyselyAICallLogger } from "../../ai-calls/kysely-ai-call-logger.js";
import { createKyselyWorkflowPersistence } from "../../persistence/kysely-workflow-persistence.js";
import { getQueueStats } from "../../queue/queue-maintenance.js";
import { STATUSES, type Status } from "../../types.js";
import { lastLogs, listRuns, queueHealth } from "../admin-queries.js";
import { createKyselyWorkflowPersistence012 } from "../../persistence/kysely-workflow-persistence-0.12.js";
import { idempotencySummary, outboxBacklog } from "../contract-0.12-queries.js";
import { annotationsTable, outboxLines, versionedStagesTable } from "./contract-0.12-views.js";
import { createKyselyWorkflowPersistence10 } from "../../persistence/kysely-workflow-persistence-1.0.js";
import { fairnessGroups, stepsOfRun } from "../contract-1.0-queries.js";
import { groupsTable, stepsTable } from "./contract-1.0-views.js";
import { CliError, EXIT } from "../cli-errors.js";
import type { CliContext } from "../cli-context.js";
import { elapsedMs, formatCost, formatDuration, roundCost } from "../../format/readable-values.js";
import { formatDate, table } from "../output.js";

export async function runsCommand(cli: CliContext, options: { status?: string; limit: number }): Promise<void> {
  const status = options.status?.toUpperCase();
  if (status !== undefined && !STATUSES.includes(status as Status)) {
    throw new CliError(`--status: "${options.status}" is not one of ${STATUSES.join(", ")}`, EXIT.usage);
  }
  const runs = await listRuns(await cli.contractQueryContext(), { status: status as Status | undefined, limit: options.limit });
  // 0.12 runs carry a version; 1.0 runs a definition version and a redrive count.
  const contract = await cli.contract();
  const versioned = contract !== "0.1";
  const pinned = contract === "1.0";
  const now = Date.now();
  cli.output.result(runs.map((r) => ({ ...r, totalCost: roundCost(r.totalCost) })), () =>
    runs.length === 0
      ? "no runs"
      : table(
          [
            "id", "workflow", "name", "status", "priority", "created", "duration", "cost", "tokens",
            ...(versioned ? ["version"] : []), ...(pinned ? ["definition", "redrives"] : []),
          ],
          runs.map((r) => {
            const fields = r as { version?: number; definitionVersion?: string | null; redriveCount?: number };
            return [
              r.id, r.workflowId, r.workflowName, r.status, r.priority, formatDate(r.createdAt), readableDuration(r, now),
              formatCost(r.totalCost), r.totalTokens, ...(versioned ? [fields.version] : []),
              ...(pinned ? [fields.definitionVersion ?? "(unpinned)", fields.redriveCount] : []),
            ];
          }),
        ),
  );
}

/** A run's duration for people: stored, else completed − started, else the time so far (marked) for a running one. */
function readableDuration(run: { status: string; duration: number | null; startedAt: Date | null; completedAt: Date | null }, now: number): string {
  const ms = elapsedMs(run, run.status === "RUNNING" ? now : undefined);
  if (ms === null) return "";
  return run.duration === null && !run.completedAt ? `${formatDuration(ms)} so far` : formatDuration(ms);
}

export async function runCommand(cli: CliContext, id: string): Promise<void> {
  const contract = await cli.contract();
  const v012 = contract !== "0.1";
  const v10 = contract === "1.0";
  const persistence = v10
    ? createKyselyWorkflowPersistence10(cli.db)
    : v012
      ? createKyselyWorkflowPersistence012(cli.db)
      : createKyselyWorkflowPersistence(cli.db);
  const run = await persistence.getRun(id);
  if (!run) throw new NotFoundError("run", "workflow run", id);
  const stages = await persistence.getStagesByRun(id);
  const artifacts = await persistence.listArtifacts(id);
  const logs = await lastLogs(cli.queryContext(), id, 10);
  const annotations = v012 ? (await (persistence as ReturnType<typeof createKyselyWorkflowPersistence012>).listAnnotations(id)).slice(-20) : undefined;
  const steps = v10 ? await stepsOfRun(cli.queryContext(), id) : undefined;
  const stageIds = new Map(stages.map((stage) => [stage.id, stage.stageId]));
  const detail = {
    run: { ...run, totalCost: roundCost(run.totalCost) }, stages, ...(steps ? { steps } : {}), artifacts: artifacts.map(({ data: _data, ...rest }) => rest), logs, ...(annotations ? { annotations } : {}),
  };
  const pinning = run as { version?: number; definitionVersion?: string | null; redriveCount?: number };
  cli.output.result(detail, () =>
    [
      `run ${run.id}: ${run.workflowName} (${run.workflowType}), ${run.status}, priority ${run.priority}` +
        (v012 ? `, version ${pinning.version}` : "") +
        (v10 ? `, definition ${pinning.definitionVersion ?? "(unpinned)"}, redriven ${pinning.redriveCount}×` : ""),
      [
        `created ${formatDate(run.createdAt)}`,
        run.startedAt ? `started ${formatDate(run.startedAt)}` : "not started",
        ...(run.completedAt ? [`completed ${formatDate(run.completedAt)}`] : []),
        ...(readableDuration(run, Date.now()) ? [`took ${readableDuration(run, Date.now())}`] : []),
        `cost ${formatCost(run.totalCost)}`,
        `${run.totalTokens} tokens`,
      ].join(", "),
      "",
      "stages:",
      v012 ? versionedStagesTable(stages) : table(
        ["group", "#", "stage", "status", "started", "completed", "error"],
        stages.map((s) => [s.executionGroup, s.stageNumber, s.stageId, s.status, formatDate(s.startedAt), formatDate(s.completedAt), s.errorMessage]),
      ),
      ...(steps ? ["steps:", stepsTable(steps, stageIds)] : []),
      "artifacts:",
      table(["key", "type", "bytes", "stage"], artifacts.map((a) => [a.key, a.type, a.size, a.workflowStageId ? stageIds.get(a.workflowStageId) : ""])),
      "last logs:",
      table(["at", "level", "stage", "message"], logs.map((l) => [formatDate(l.createdAt), l.level, l.workflowStageId ? stageIds.get(l.workflowStageId) : "", l.message])),
      ...(annotations ? ["last annotations:", annotationsTable(annotations)] : []),
    ].join("\n"),
  );
}

export async function jobsCommand(cli: CliContext): Promise<void> {
  const counts = await getQueueStats(cli.queryContext());
  const health = await queueHealth(cli.queryContext(), 300_000);
  // 0.12: the outbox's backlog and the idempotency keys (stale: in progress for over 10 minutes, the engine's default).
  const contract = await cli.contract();
  const contract012 = contract !== "0.1"
    ? { outbox: await outboxBacklog(cli.queryContext()), idempotencyKeys: await idempotencySummary(cli.queryContext(), 600_000) }
    : {};
  // 1.0: where the queued and running jobs are, per fairness group.
  const groups = contract === "1.0" ? await fairnessGroups(cli.queryContext(), 10) : undefined;
  cli.output.result({ counts, ...health, ...contract012, ...(groups ? { groups } : {}) }, () =>
    [
      table(["status", "jobs"], STATUSES.map((status) => [status, counts[status]])),
      `oldest pending job: ${health.oldestPendingCreatedAt ? formatDate(health.oldestPendingCreatedAt) : "none"}`,
      `RUNNING with a lock older than 5 minutes (stale): ${health.staleRunning}`,
      ...(contract012.outbox ? outboxLines(contract012.outbox, contract012.idempotencyKeys) : []),
      ...(groups && groups.length > 0 ? ["jobs per fairness group (busiest 10):", groupsTable(groups)] : []),
    ].join("\n"),
  );
}

export async function statsCommand(cli: CliContext, topicPrefix: string): Promise<void> {
  const logger = createKyselyAICallLogger(cli.db);
  const stats = await logger.getStats(topicPrefix);
  await logger.close();
  const rounded = {
    ...stats,
    totalCost: roundCost(stats.totalCost),
    perModel: Object.fromEntries(Object.entries(stats.perModel).map(([model, m]) => [model, { ...m, cost: roundCost(m.cost) }])),
  };
  cli.output.result(rounded, () =>
    table(
      ["model", "calls", "input tokens", "output tokens", "cost"],
      [
        ...Object.entries(stats.perModel)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([model, m]) => [model, m.calls, m.inputTokens, m.outputTokens, formatCost(m.cost)]),
        ["total", stats.totalCalls, stats.totalInputTokens, stats.totalOutputTokens, formatCost(stats.totalCost)],
      ],
    ),
  );
}
