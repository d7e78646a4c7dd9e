import { NotFoundError } from "../../errors.js";
import { createKyselyAICallLogger } from "../../ai-calls/kysely-ai-call-logger.js";
import { createKyselyWorkflowPersistence } from "../../persistence/kysely-workflow-persistence.js";
import { getQueueStats } from "../../queue/queue-maintenance.js";
import { STATUSES, type Status } from "../../types.js";
import { lastLogs, listRuns, queueHealth } from "../admin-queries.js";
import { createKyselyWorkflowPersistence012 } from "../../persistence/kysely-workflow-persistence-0.12.js";
import { idempotencySummary, outboxBacklog } from "../contract-0.12-queries.js";
import { annotationsTable, outboxLines, versionedStagesTable } from "./contract-0.12-views.js";
import { CliError, EXIT } from "../cli-errors.js";
import type { CliContext } from "../cli-context.js";
import { formatCost, formatDate, table } from "../output.js";

export async function runsCommand(cli: CliContext, options: { status?: string; limit: number }): Promise<void> {
  const status = options.status?.toUpperCase();
  if (status !== undefined && !STATUSES.includes(status as Status)) {
    throw new CliError(`--status: "${options.status}" is not one of ${STATUSES.join(", ")}`, EXIT.usage);
  }
  const runs = await listRuns(await cli.contractQueryContext(), { status: status as Status | undefined, limit: options.limit });
  // 0.12 runs carry a version: shown where the database has one.
  const versioned = (await cli.contract()) === "0.12";
  cli.output.result(runs, () =>
    runs.length === 0
      ? "no runs"
      : table(
          ["id", "workflow", "status", "priority", "created", "duration", "cost", "tokens", ...(versioned ? ["version"] : [])],
          runs.map((r) => [
            r.id, r.workflowType, r.status, r.priority, formatDate(r.createdAt), r.duration == null ? "" : `${r.duration} ms`,
            formatCost(r.totalCost), r.totalTokens, ...(versioned ? [(r as { version?: number }).version] : []),
          ]),
        ),
  );
}

export async function runCommand(cli: CliContext, id: string): Promise<void> {
  const v012 = (await cli.contract()) === "0.12";
  const persistence = v012 ? createKyselyWorkflowPersistence012(cli.db) : createKyselyWorkflowPersistence(cli.db);
  const run = await persistence.getRun(id);
  if (!run) throw new NotFoundError("run", "workflow run", id);
  const stages = await persistence.getStagesByRun(id);
  const artifacts = await persistence.listArtifacts(id);
  const logs = await lastLogs(cli.queryContext(), id, 10);
  const annotations = v012 ? (await createKyselyWorkflowPersistence012(cli.db).listAnnotations(id)).slice(-20) : undefined;
  const stageIds = new Map(stages.map((stage) => [stage.id, stage.stageId]));
  const detail = { run, stages, artifacts: artifacts.map(({ data: _data, ...rest }) => rest), logs, ...(annotations ? { annotations } : {}) };
  cli.output.result(detail, () =>
    [
      `run ${run.id}: ${run.workflowName} (${run.workflowType}), ${run.status}, priority ${run.priority}` +
        (v012 ? `, version ${(run as { version?: number }).version}` : ""),
      [
        `created ${formatDate(run.createdAt)}`,
        run.startedAt ? `started ${formatDate(run.startedAt)}` : "not started",
        ...(run.completedAt ? [`completed ${formatDate(run.completedAt)}`] : []),
        `cost ${formatCost(run.totalCost)}`,
        `${run.totalTokens} tokens`,
      ].join(", "),
      "",
      "stages:",
      v012 ? versionedStagesTable(stages) : table(
        ["group", "#", "stage", "status", "started", "completed", "error"],
        stages.map((s) => [s.executionGroup, s.stageNumber, s.stageId, s.status, formatDate(s.startedAt), formatDate(s.completedAt), s.errorMessage]),
      ),
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
  const contract012 = (await cli.contract()) === "0.12"
    ? { outbox: await outboxBacklog(cli.queryContext()), idempotencyKeys: await idempotencySummary(cli.queryContext(), 600_000) }
    : {};
  cli.output.result({ counts, ...health, ...contract012 }, () =>
    [
      table(["status", "jobs"], STATUSES.map((status) => [status, counts[status]])),
      `oldest pending job: ${health.oldestPendingCreatedAt ? formatDate(health.oldestPendingCreatedAt) : "none"}`,
      `RUNNING with a lock older than 5 minutes (stale): ${health.staleRunning}`,
      ...(contract012.outbox ? outboxLines(contract012.outbox, contract012.idempotencyKeys) : []),
    ].join("\n"),
  );
}

export async function statsCommand(cli: CliContext, topicPrefix: string): Promise<void> {
  const logger = createKyselyAICallLogger(cli.db);
  const stats = await logger.getStats(topicPrefix);
  await logger.close();
  cli.output.result(stats, () =>
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
