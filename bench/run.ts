// `npm run bench`: every suite on both dialects, every contender on the same
// database in one run; writes bench/results/latest.{md,json} and growth.svg.
// `npm run bench -- --quick` is the smoke run (a few minutes; see options.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBenchDatabase } from "./support/bench-database.js";
import { describeMachine } from "./support/machine.js";
import { setBenchPerformanceIndexes } from "./support/bench-schema.js";
import { parseBenchOptions, type Suite } from "./support/options.js";
import { Results } from "./support/results.js";
import { closeBenchPrismaClients } from "./support/bench-prisma.js";
import { queueSuite } from "./queue/queue-suite.js";
import { lifecycleSuite } from "./lifecycle/lifecycle-suite.js";
import { growthSuite } from "./growth/growth-suite.js";
import { statsSuite } from "./ai-calls/stats-suite.js";
import { contractSuite } from "./contract-0.12/contract-suite.js";
import { contract10Suite } from "./contract-1.0/contract-1.0-suite.js";
import { consoleSuite } from "./console/console-suite.js";
import { telemetrySuite } from "./telemetry/telemetry-suite.js";
import { markdownReport } from "./report/markdown-report.js";
import { growthChart } from "./report/growth-chart.js";

const resultsFolder = join(import.meta.dirname, "results");
const options = parseBenchOptions(process.argv.slice(2), resultsFolder, join(resultsFolder, "quick"));
setBenchPerformanceIndexes(options.performanceIndexes);
const suites: Record<Suite, typeof queueSuite> = { queue: queueSuite, lifecycle: lifecycleSuite, growth: growthSuite, stats: statsSuite, contract: contractSuite, "contract-1.0": contract10Suite, console: consoleSuite, telemetry: telemetrySuite };
const results = new Results();
const scratch = mkdtempSync(join(tmpdir(), "kwp-bench-"));
const startedAt = new Date();
const machine = await describeMachine();

try {
  for (const dialect of options.dialects) {
    for (const suite of options.suites) {
      console.error(`${dialect} · ${suite}`);
      // A fresh database per suite, so no suite measures another's leftovers.
      const database = await createBenchDatabase(dialect);
      try {
        await suites[suite](database, options, results, scratch);
      } finally {
        await closeBenchPrismaClients();
        await database.drop();
      }
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const report = { startedAt: startedAt.toISOString(), seconds: (Date.now() - startedAt.getTime()) / 1000, quick: options.quick, repeats: options.repeats, machine, measurements: results.measurements };
mkdirSync(options.outputFolder, { recursive: true });
writeFileSync(join(options.outputFolder, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(options.outputFolder, "latest.md"), markdownReport(report, options));
writeFileSync(join(options.outputFolder, "growth.svg"), growthChart(results.measurements));
console.error(`wrote ${join(options.outputFolder, "latest.md")}, latest.json and growth.svg in ${report.seconds.toFixed(0)} s`);
