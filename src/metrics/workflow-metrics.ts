import { sql, type Kysely } from "kysely";
import { contractOfTables } from "../database/database-contract.js";
import { publicApi } from "../database/public-api.js";
import { createQueryContext, type QueryContextOptions } from "../database/query-context.js";
import { checkKysely, metricsOptions, parseOptions } from "../validation/factory-options.js";
import { CONSOLE_STATUSES } from "../console/console-types.js";
import { consoleFeatures } from "../console/console-features.js";
import { getModelCosts } from "../console/model-costs.js";
import { consoleTotalsOf, totalsRows, type ConsoleTotals } from "../console/console-totals.js";
import { prometheusText, type MetricFamily } from "./prometheus-text.js";
import { CONTRACT_0_1 } from "../contracts/contract-0.1.js";

export interface WorkflowMetricsOptions extends QueryContextOptions {
  /** A RUNNING job whose lease is older than this counts as stale (default 300 s, the CLI's threshold). */
  staleLeaseSeconds?: number;
}

/** What `collect` reads, as numbers, for an application that feeds its own registry. */
export interface WorkflowMetricsSnapshot {
  families: MetricFamily[];
}

export interface WorkflowMetrics {
  /** Reads the database (a handful of grouped queries) and returns every family. */
  snapshot(): Promise<WorkflowMetricsSnapshot>;
  /** The same, in Prometheus' text format, for a `/metrics` response. */
  collect(): Promise<string>;
}

/**
 * Workflow metrics from the database, after Prometheus' conventions (a
 * `kwp_` prefix, base units, `_total` on counters): runs and jobs by
 * status, the oldest PENDING job's age, leases past the stale threshold,
 * the outbox backlog and dead letters (0.12 and later), AI calls, tokens
 * and cost by model. Every figure is read when collected: nothing runs in
 * the background. `kwp ui` serves it at `/metrics`; an application serves
 * `collect()` itself, or feeds `snapshot()` to its own registry.
 *
 * @example
 * ```ts
 * import { createWorkflowMetrics, openDatabase } from "kysely-workflow-persistence";
 *
 * const metrics = createWorkflowMetrics(openDatabase(process.env.DATABASE_URL!));
 * const body = await metrics.collect(); // text/plain; version=0.0.4
 * ```
 */
export function createWorkflowMetrics(db: Kysely<any>, options: WorkflowMetricsOptions = {}): WorkflowMetrics {
  checkKysely("createWorkflowMetrics", db);
  const { staleLeaseSeconds = 300, ...contextOptions } = parseOptions("createWorkflowMetrics", metricsOptions, options);
  const ctx = createQueryContext(db, contextOptions, CONTRACT_0_1);
  const { dialect } = ctx;
  const count = (value: unknown) => Number(value ?? 0);

  const samplesByStatus = (rows: ReadonlyArray<{ status: unknown; n: unknown }>) =>
    CONSOLE_STATUSES.map((status) => ({ labels: { status }, value: count(rows.find((row) => row.status === status)?.n) }));
  const byStatus = async (table: "workflow_runs" | "job_queue") =>
    samplesByStatus(await ctx.db.selectFrom(table).select(["status", sql<number | string>`count(*)`.as("n")]).groupBy("status").execute());
  // Runs by status from the per-day totals where the database keeps them (a few rows a day, not every run).
  const runsByStatus = async (totals: ConsoleTotals | undefined) => {
    if (!totals) return byStatus("workflow_runs");
    const rows = await ctx.db
      .selectFrom(totalsRows(totals.runs, ["status", "runs"]).as("t"))
      .select([sql<string>`${sql.ref("status")}`.as("status"), sql<number | string>`sum(${sql.ref("runs")})`.as("n")])
      .groupBy(sql.ref("status"))
      .execute();
    return samplesByStatus(rows);
  };

  const snapshot = async (): Promise<WorkflowMetricsSnapshot> => {
    const tables = await dialect.listTables(ctx.db);
    const contract = contractOfTables(tables) ?? "0.1";
    const totals = consoleTotalsOf(tables);
    const runs = await runsByStatus(totals);
    const jobs = await byStatus("job_queue");
    const ages = await ctx.db
      .selectFrom("job_queue")
      .select([
        sql`min(case when ${sql.ref("status")} = ${dialect.enumValue("Status", "PENDING")} then ${sql.ref("createdAt")} end)`.as("oldestPending"),
        sql<number | string>`sum(case when ${sql.ref("status")} = ${dialect.enumValue("Status", "RUNNING")} and ${sql.ref("lockedAt")} < ${dialect.plusSeconds(dialect.now(), -staleLeaseSeconds)} then 1 else 0 end)`.as("stale"),
      ])
      .executeTakeFirst();
    const oldestPending = ages?.oldestPending == null ? null : dialect.readDate(ages.oldestPending);
    const families: MetricFamily[] = [
      { name: "kwp_workflow_runs", help: "Workflow runs by status.", type: "gauge", samples: runs },
      { name: "kwp_jobs", help: "Jobs in the queue by status.", type: "gauge", samples: jobs },
      {
        name: "kwp_oldest_pending_job_age_seconds",
        help: "Age of the oldest PENDING job (0 when none waits).",
        type: "gauge",
        samples: [{ value: oldestPending ? Math.max(0, (Date.now() - oldestPending.getTime()) / 1000) : 0 }],
      },
      {
        name: "kwp_stale_leases",
        help: `RUNNING jobs whose lease is older than ${staleLeaseSeconds} s (a worker that stopped without releasing them).`,
        type: "gauge",
        samples: [{ value: count(ages?.stale) }],
      },
    ];
    if (contract !== "0.1") {
      const outbox = await ctx.db
        .selectFrom("outbox_events" as any)
        .select([
          sql<number | string>`sum(case when ${sql.ref("publishedAt")} is null and ${sql.ref("dlqAt")} is null then 1 else 0 end)`.as("backlog"),
          sql<number | string>`sum(case when ${sql.ref("dlqAt")} is not null then 1 else 0 end)`.as("dead"),
        ])
        .executeTakeFirst();
      families.push(
        { name: "kwp_outbox_backlog_events", help: "Outbox events not yet published (dead letters apart).", type: "gauge", samples: [{ value: count(outbox?.backlog) }] },
        { name: "kwp_outbox_dead_letters", help: "Outbox events moved to the dead letters.", type: "gauge", samples: [{ value: count(outbox?.dead) }] },
      );
    }
    // The console's per-model sums (one GROUP BY), by name for a stable exposition.
    const models = (await getModelCosts({ db: ctx.db, dialect, features: consoleFeatures(contract), totals })).sort((a, b) => (a.modelKey < b.modelKey ? -1 : a.modelKey > b.modelKey ? 1 : 0));
    families.push(
      { name: "kwp_ai_calls_total", help: "AI calls recorded, by model.", type: "counter", samples: models.map((m) => ({ labels: { model: m.modelKey }, value: m.calls })) },
      {
        name: "kwp_ai_tokens_total",
        help: "AI tokens recorded, by model and direction.",
        type: "counter",
        samples: models.flatMap((m) => [
          { labels: { model: m.modelKey, direction: "input" }, value: m.inputTokens },
          { labels: { model: m.modelKey, direction: "output" }, value: m.outputTokens },
        ]),
      },
      { name: "kwp_ai_cost_total", help: "AI cost recorded (the ledger's currency), by model.", type: "counter", samples: models.map((m) => ({ labels: { model: m.modelKey }, value: m.cost })) },
    );
    return { families };
  };

  return publicApi({ snapshot, collect: async () => prometheusText((await snapshot()).families) }, ctx, { component: "metrics" });
}
