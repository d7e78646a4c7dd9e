/**
 * `kwp ui`'s pages at the console suite's sizes: the server time of each page
 * (request sent to the last byte of the answer, over loopback HTTP, one at a
 * time) and of /metrics, p50 and p95, through the inspector's own server and
 * reader, as a browser asks for them (the token's cookie). The target: every
 * page's p95 under 150 ms and /metrics under 100 ms at 1M runs.
 */
import { request } from "node:http";
import type { Kysely } from "kysely";
import { createKyselyConsoleReadPort } from "../../src/console/kysely-console-read-port.js";
import { createWorkflowMetrics } from "../../src/metrics/workflow-metrics.js";
import { startUiServer } from "../../src/ui/ui-server.js";
import { percentile } from "../support/measure.js";
import type { BenchOptions } from "../support/options.js";
import type { Results } from "../support/results.js";

export const INSPECTOR_WORKLOAD_PREFIX = "inspector page: ";

/** Each page as a reader opens it; `rows` is how many runs are seeded. */
const PAGES: Record<string, (rows: number) => string> = {
  "/runs": () => "/runs",
  "/runs?status=FAILED": () => "/runs?status=FAILED",
  "/runs?workflowId=wf-7": () => "/runs?workflowId=wf-7",
  "/runs?id=run- (an id prefix every run shares)": () => "/runs?id=run-",
  "/runs/:id (a run with stages, logs, events, AI calls)": (rows) => `/runs/run-${Math.floor(rows / 200) * 100}`,
  "/queue": () => "/queue",
  "/suspended": () => "/suspended",
  "/dead-letters": () => "/dead-letters",
  "/costs (30 days)": () => "/costs",
  "/costs?days=365": () => "/costs?days=365",
  "/metrics": () => "/metrics",
};

function fetchPage(port: number, path: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { Cookie: cookie, Host: `127.0.0.1:${port}` } }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve(res.statusCode) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
    });
    req.once("error", reject);
    req.end();
  });
}

export async function inspectorPages(db: Kysely<any>, databaseType: "postgresql" | "sqlite", rows: number, options: BenchOptions, results: Results): Promise<void> {
  const token = "bench-token-bench-token-bench";
  const ui = await startUiServer({ reader: createKyselyConsoleReadPort(db), metrics: createWorkflowMetrics(db), token, label: "bench", host: "127.0.0.1", port: 0 });
  const port = Number(new URL(ui.url).port);
  const cookie = `kwp_ui_token_${port}=${token}`;
  try {
    for (const [name, path] of Object.entries(PAGES)) {
      await fetchPage(port, path(rows), cookie);
      const latencies: number[] = [];
      const started = performance.now();
      while (latencies.length < options.console.samples && (latencies.length < 5 || performance.now() - started < options.console.budgetMs)) {
        const t = performance.now();
        await fetchPage(port, path(rows), cookie);
        latencies.push(performance.now() - t);
      }
      results.add({
        dialect: databaseType,
        suite: "console",
        workload: `${INSPECTOR_WORKLOAD_PREFIX}${name}`,
        contender: "library",
        rows,
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        p99Ms: percentile(latencies, 99),
        samples: latencies.length,
      });
    }
  } finally {
    await ui.close();
  }
}
