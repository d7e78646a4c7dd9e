/**
 * The console read port at 10k, 100k and 1M runs: the latency (p50, p95) of
 * each read the console makes, through the library's reader on a 1.0
 * database, with the plan of every statement it sends named in the report.
 * The target: every read under 50 ms at 1M runs.
 */
import type { LogEvent } from "kysely";
import { createKyselyConsoleReadPort, type KyselyConsoleReadPort } from "../../src/console/kysely-console-read-port.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { openDatabase } from "../../src/database/open-database.js";
import type { BenchDatabase } from "../support/bench-database.js";
import type { CapturedStatement } from "../support/capture-statements.js";
import { percentile } from "../support/measure.js";
import type { BenchOptions } from "../support/options.js";
import type { Results } from "../support/results.js";
import { inspectorPages } from "./inspector-pages.js";
import { describePlans } from "./read-plans.js";
import { newestRunAt, seedConsoleRuns } from "./seed-console-runs.js";

const DAY = 86_400_000;

export const CONSOLE_WORKLOAD_PREFIX = "console read: ";

/** Each read the console makes, as the engine console calls it. `rows`: how many runs are seeded. */
const READS: Record<string, (reader: KyselyConsoleReadPort, rows: number, deepCursor: string) => Promise<unknown>> = {
  "runs, first page": (r) => r.listRuns({ limit: 50 }),
  "runs, a page deep in the list": (r, _rows, cursor) => r.listRuns({ limit: 50, cursor }),
  "runs by status (FAILED)": (r) => r.listRuns({ filters: { status: ["FAILED"] }, limit: 50 }),
  "runs by workflow": (r) => r.listRuns({ filters: { workflowId: "wf-7" }, limit: 50 }),
  "runs by status and definition version": (r) => r.listRuns({ filters: { status: ["RUNNING"], workflowId: "wf-7", definitionVersion: "v1" }, limit: 50 }),
  "run detail": (r, rows) => r.getRunDetail(`run-${Math.floor(rows / 200) * 100}`),
  "run events after a sequence": (r, rows) => r.listRunEvents(`run-${Math.floor(rows / 200) * 100}`, 1),
  "queue health": (r) => r.getQueueHealth(),
  workers: (r) => r.listWorkers(),
  "suspended stages": (r) => r.listSuspendedStages(50),
  "dead letters": (r) => r.listDeadLetters(50),
  "costs by workflow, last 24 h": (r, rows) => r.getCosts({ by: "workflow", from: new Date(newestRunAt(rows).getTime() - DAY), to: newestRunAt(rows) }),
  "costs by day, last 7 days": (r, rows) => r.getCosts({ by: "day", from: new Date(newestRunAt(rows).getTime() - 7 * DAY), to: newestRunAt(rows) }),
};

export async function consoleSuite(database: BenchDatabase, options: BenchOptions, results: Results): Promise<void> {
  let capturing: CapturedStatement[] | undefined;
  const db = openDatabase(database.url, {
    log: (event: LogEvent) => {
      if (capturing && event.level === "query") capturing.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  try {
    await migrateToLatest(db, { target: "1.0" });
    const reader = createKyselyConsoleReadPort(db);
    let seeded = 0;
    for (const rows of options.console.runs) {
      await seedConsoleRuns(db, database.databaseType, seeded, rows);
      seeded = rows;
      // A cursor half-way down the list, as page N of a long scroll leaves it.
      let deep = (await reader.listRuns({ limit: 200 })).nextCursor!;
      for (let page = 1; page < Math.min(50, rows / 400); page++) deep = (await reader.listRuns({ limit: 200, cursor: deep })).nextCursor!;
      for (const [name, read] of Object.entries(READS)) {
        capturing = [];
        await read(reader, rows, deep);
        const statements = capturing;
        capturing = undefined;
        const plan = await describePlans(db, database.databaseType, statements);
        const latencies: number[] = [];
        const started = performance.now();
        while (latencies.length < options.console.samples && (latencies.length < 5 || performance.now() - started < options.console.budgetMs)) {
          const t = performance.now();
          await read(reader, rows, deep);
          latencies.push(performance.now() - t);
        }
        results.add({
          dialect: database.databaseType,
          suite: "console",
          workload: `${CONSOLE_WORKLOAD_PREFIX}${name}`,
          contender: "library",
          rows,
          p50Ms: percentile(latencies, 50),
          p95Ms: percentile(latencies, 95),
          p99Ms: percentile(latencies, 99),
          samples: latencies.length,
          note: plan,
        });
      }
      await inspectorPages(db, database.databaseType, rows, options, results);
    }
  } finally {
    await db.destroy();
  }
}
