// The persistence reads a dashboard or the engine's polling does most, at a
// growing number of runs, with the plan each one uses (issue "Speed": growth
// rows for reads). Standalone: `npx tsx bench/growth/dashboard-reads.ts
// <postgresql|sqlite> [runs,…]` (default 10000,100000). Seeds in SQL: 3 stages
// and 1 artifact per run; 90% of runs COMPLETED, 5% RUNNING, 3% PENDING, 2%
// FAILED; 1% of stages SUSPENDED with a poll time. Prints p50 / p99 per read.
import { sql, type Kysely } from "kysely";
import { createBenchDatabase } from "../support/bench-database.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import type { Database } from "../../src/database/database.js";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";
import { percentile } from "../support/measure.js";

const databaseType = (process.argv[2] ?? "postgresql") as DatabaseType;
const sizes = (process.argv[3] ?? "10000,100000").split(",").map(Number);
const SAMPLES = 50;

const STATUS = `case when g % 100 < 90 then 'COMPLETED' when g % 100 < 95 then 'RUNNING' when g % 100 < 98 then 'PENDING' else 'FAILED' end`;

async function seed(db: Kysely<Database>, from: number, to: number): Promise<void> {
  if (to <= from) return;
  if (databaseType === "postgresql") {
    const status = sql.raw(STATUS);
    await sql`insert into workflow_runs (id, "createdAt", "updatedAt", "workflowId", "workflowName", "workflowType", status, input)
      select 'run-' || g, timestamp '2024-01-01' + g * interval '1 second', timestamp '2024-01-01' + g * interval '1 second',
             'wf', 'Workflow', 'type-a', (${status})::"Status", '{}'::jsonb
      from generate_series(${from}::int, ${to - 1}::int) as g`.execute(db);
    await sql`insert into workflow_stages (id, "updatedAt", "workflowRunId", "stageId", "stageName", "stageNumber", "executionGroup", status, "nextPollAt")
      select 'stage-' || g || '-' || s, now(), 'run-' || g, 's' || s, 'Stage', s, s,
             (case when (g * 3 + s) % 100 = 0 then 'SUSPENDED' else 'COMPLETED' end)::"Status",
             case when (g * 3 + s) % 100 = 0 then timestamp '2024-01-01' + g * interval '1 second' end
      from generate_series(${from}::int, ${to - 1}::int) as g, generate_series(1, 3) as s`.execute(db);
    await sql`insert into workflow_artifacts (id, "updatedAt", "workflowRunId", key, type, data, size)
      select 'artifact-' || g, now(), 'run-' || g, 'output.json', 'STAGE_OUTPUT', '{"ok":true}'::jsonb, 11
      from generate_series(${from}::int, ${to - 1}::int) as g`.execute(db);
    await sql`analyze`.execute(db);
  } else {
    const status = sql.raw(STATUS.replaceAll("g %", "n %"));
    const series = sql`with recursive g(n) as (select cast(${from} as integer) union all select n + 1 from g where n < ${to - 1})`;
    const at = sql`strftime('%Y-%m-%dT%H:%M:%f+00:00', '2024-01-01', '+' || n || ' seconds')`;
    await sql`${series} insert into workflow_runs (id, "createdAt", "updatedAt", "workflowId", "workflowName", "workflowType", status, input)
      select 'run-' || n, ${at}, ${at}, 'wf', 'Workflow', 'type-a', ${status}, '{}' from g`.execute(db);
    await sql`${series}, s(k) as (select 1 union all select 2 union all select 3)
      insert into workflow_stages (id, "updatedAt", "workflowRunId", "stageId", "stageName", "stageNumber", "executionGroup", status, "nextPollAt")
      select 'stage-' || n || '-' || k, ${at}, 'run-' || n, 's' || k, 'Stage', k, k,
             case when (n * 3 + k) % 100 = 0 then 'SUSPENDED' else 'COMPLETED' end,
             case when (n * 3 + k) % 100 = 0 then ${at} end
      from g, s`.execute(db);
    await sql`${series} insert into workflow_artifacts (id, "updatedAt", "workflowRunId", key, type, data, size)
      select 'artifact-' || n, ${at}, 'run-' || n, 'output.json', 'STAGE_OUTPUT', '{"ok":true}', 11 from g`.execute(db);
    await sql`analyze`.execute(db);
  }
}

async function plan(db: Kysely<Database>, query: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  const explain = databaseType === "postgresql" ? "explain (costs off) " : "explain query plan ";
  const { rows } = await db.executeQuery<Record<string, unknown>>({ ...query, sql: explain + query.sql, query: sql``.toOperationNode() as never, queryId: { queryId: "p" } } as never);
  return rows.map((row) => String(row["QUERY PLAN"] ?? row.detail)).join(" / ").replace(/\s+/g, " ");
}

const database = await createBenchDatabase(databaseType);
const db = openDatabase(database.url, { postgres: { max: 1 } });
try {
  const persistence = createKyselyWorkflowPersistence(db);
  let seeded = 0;
  for (const size of sizes) {
    await seed(db, seeded, size);
    seeded = size;
    const reads: Array<[string, () => Promise<unknown[]>, { sql: string; parameters: readonly unknown[] }]> = [
      ["getRunsByStatus(RUNNING)", () => persistence.getRunsByStatus("RUNNING"),
        db.selectFrom("workflow_runs").selectAll().where("status", "=", sql`'RUNNING'` as never).orderBy("createdAt").orderBy("id").compile()],
      ["getSuspendedStages(now)", () => persistence.getSuspendedStages(new Date()),
        db.selectFrom("workflow_stages").selectAll().where("status", "=", sql`'SUSPENDED'` as never).where("nextPollAt", "<=", sql`'2030-01-01'` as never).orderBy("nextPollAt").compile()],
      ["getStagesByRun(one run)", () => persistence.getStagesByRun(`run-${size >> 1}`),
        db.selectFrom("workflow_stages").selectAll().where("workflowRunId", "=", `run-${size >> 1}`).orderBy("executionGroup").orderBy("stageNumber").compile()],
      ["listArtifacts(one run)", () => persistence.listArtifacts(`run-${size >> 1}`),
        db.selectFrom("workflow_artifacts").selectAll().where("workflowRunId", "=", `run-${size >> 1}`).orderBy("createdAt").orderBy("key").compile()],
    ];
    for (const [name, read, query] of reads) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < SAMPLES; i++) {
        const t = performance.now();
        rows = (await read()).length;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`${databaseType} ${size.toLocaleString("en-US").padStart(9)} runs  ${name.padEnd(26)} ${String(rows).padStart(6)} rows  p50 ${percentile(times, 50).toFixed(2).padStart(8)} ms  p99 ${percentile(times, 99).toFixed(2).padStart(8)} ms  plan: ${await plan(db, query)}`);
    }
  }
} finally {
  await db.destroy();
  await database.drop();
}
