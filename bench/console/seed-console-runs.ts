import { sql, type Kysely } from "kysely";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";

/**
 * Adds runs numbered from `from` (inclusive) to `to` (exclusive), in the
 * database itself and in the library's storage format: three runs share each
 * creation time (keyset ties), 23 s apart (1M runs span 89 days), 80% COMPLETED, 10% FAILED, 5% RUNNING, 5%
 * PENDING, over 19 workflows and 3 definition versions (each independent of
 * the others), with costs. Every
 * 100th run gets 3 stages, 10 logs and 4 outbox events (one a dead letter
 * for every 1000th), every 50th a job (RUNNING with a worker for every 200th),
 * every 500th a SUSPENDED stage, every 5th an AI call. Then refreshes statistics.
 */
/** Seconds between one creation time and the next. */
export const SECONDS_APART = 23;

/** When the newest of `rows` seeded runs was created. */
export const newestRunAt = (rows: number) => new Date(Date.UTC(2026, 0, 1) + Math.floor((rows - 1) / 3) * SECONDS_APART * 1000);

export async function seedConsoleRuns(db: Kysely<any>, databaseType: DatabaseType, from: number, to: number): Promise<void> {
  if (to <= from) return;
  const pg = databaseType === "postgresql";
  // Each dialect's "n-th second after 2026-01-01" and series of numbers.
  const at = (n: string) => (pg ? `timestamp '2026-01-01' + (${n}) * interval '1 second'` : `strftime('%Y-%m-%dT%H:%M:%f+00:00', '2026-01-01', '+' || (${n}) || ' seconds')`);
  const created = `(n / 3) * ${SECONDS_APART}`;
  const series = (lo: number, hi: number, step = 1) =>
    pg
      ? `(select g as n from generate_series(${lo}, ${hi - 1}, ${step}) as g)`
      : `(with recursive s(n) as (select ${Math.ceil(lo / step) * step} union all select n + ${step} from s where n + ${step} < ${hi}) select n from s)`;
  const status = `case when n % 20 < 16 then 'COMPLETED' when n % 20 < 18 then 'FAILED' when n % 20 = 18 then 'RUNNING' else 'PENDING' end`;
  const json = (text: string) => (pg ? `'${text}'::jsonb` : `'${text}'`);
  const run = (n: string) => `'run-' || ${n}`;
  const statements = [
    `insert into workflow_runs (id, "createdAt", "updatedAt", "workflowId", "workflowName", "workflowType", status, input, "totalCost", "totalTokens", "definitionVersion")
     select ${run("n")}, ${at(created)}, ${at(created)}, 'wf-' || (n % 19), 'Workflow ' || (n % 19), 'bench', ${status}${pg ? '::"Status"' : ""}, ${json("{}")},
            (n % 7) * 0.01, n % 1000, 'v' || (n % 3)
     from ${series(from, to)} as s`,
    `insert into workflow_stages (id, "createdAt", "updatedAt", "workflowRunId", "stageId", "stageName", "stageNumber", "executionGroup", status)
     select 'stage-' || n || '-' || k, ${at(created)}, ${at(created)}, ${run("n")}, 'stage-' || k, 'Stage ' || k, k, k, 'COMPLETED'
     from ${series(from, to, 100)} as s, (select 1 as k union all select 2 union all select 3) as ks`,
    `insert into workflow_stages (id, "createdAt", "updatedAt", "workflowRunId", "stageId", "stageName", "stageNumber", "executionGroup", status, "nextPollAt")
     select 'wait-' || n, ${at(created)}, ${at(created)}, ${run("n")}, 'wait', 'Wait', 9, 9, 'SUSPENDED', ${at("n")}
     from ${series(from, to, 500)} as s`,
    `insert into workflow_logs (id, "createdAt", "workflowRunId", level, message)
     select 'log-' || n || '-' || k, ${at(`${created} + k`)}, ${run("n")}, 'INFO', 'line ' || k
     from ${series(from, to, 100)} as s, (select 1 as k union all select 2 union all select 3 union all select 4 union all select 5 union all select 6 union all select 7 union all select 8 union all select 9 union all select 10) as ks`,
    `insert into outbox_events (id, "createdAt", "workflowRunId", sequence, "eventType", payload, "causationId", "occurredAt", "publishedAt", "dlqAt")
     select 'event-' || n || '-' || k, ${at(created)}, ${run("n")}, k, 'stage:completed', ${json("{}")}, ${run("n")}, ${at(created)}, ${at(`${created} + 1`)},
            case when k = 4 and n % 1000 = 0 then ${at(`${created} + 2`)} end
     from ${series(from, to, 100)} as s, (select 1 as k union all select 2 union all select 3 union all select 4) as ks`,
    `insert into job_queue (id, "createdAt", "updatedAt", "workflowRunId", "stageId", status, "workerId", "lockedAt", payload)
     select 'job-' || n, ${at(created)}, ${at(created)}, ${run("n")}, 'stage-1',
            case when n % 200 = 0 then 'RUNNING' else 'COMPLETED' end${pg ? '::"Status"' : ""},
            case when n % 200 = 0 then 'worker-' || (n % 7) end, case when n % 200 = 0 then ${at(created)} end, ${json("{}")}
     from ${series(from, to, 50)} as s`,
    // Every 5th run made an AI call (200,000 at 1M runs) on one of three models, under the run's topic.
    `insert into ai_calls (id, "createdAt", topic, "callType", "modelKey", "modelId", prompt, response, "inputTokens", "outputTokens", cost)
     select 'call-' || n, ${at(created)}, 'workflow.' || ${run("n")} || '.stage.stage-1', 'text', 'model-' || (n % 3), 'vendor/model-' || (n % 3), 'p', 'r', 100 + n % 50, 20 + n % 10, (n % 3 + 1) * 0.0001
     from ${series(from, to, 5)} as s`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
  await sql.raw("analyze").execute(db);
}
