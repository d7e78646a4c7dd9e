// One telemetry mode and workload in a fresh process (no provider, heap or JIT
// shared between modes). argv: <mode> <workload> <database json> <units> <first>.
// Prints {"perSecond", "latencies", "spans"}.
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import { libraryLifecycle } from "../lifecycle/lifecycle-steps.js";
import { timeRuns } from "../support/time-runs.js";
import { wireTelemetry, type TelemetryMode } from "./telemetry-modes.js";
import { TELEMETRY_WORKLOADS, type TelemetryWorkload } from "./telemetry-workloads.js";

const [mode, workload, database, units, first] = process.argv.slice(2) as [TelemetryMode, TelemetryWorkload, string, string, string];
const telemetry = wireTelemetry(mode);
const db = openDatabase((JSON.parse(database) as { url: string }).url, { postgres: { max: 1 } });
const persistence = createKyselyWorkflowPersistence(db);
let run: (n: number) => Promise<void>;
if (workload === TELEMETRY_WORKLOADS[0]) {
  run = (n) => libraryLifecycle(persistence, n);
} else {
  // One job's way through the queue: enqueued, claimed, completed (the engine's calls per stage).
  const queue = createKyselyJobQueue(db, { listen: false });
  const created = await persistence.createRun({ workflowId: "telemetry", workflowName: "Telemetry", workflowType: "bench", input: {} });
  run = async (n) => {
    await queue.enqueue({ workflowRunId: created.id, stageId: `s-${n}` });
    const job = await queue.dequeue();
    await queue.complete(job!.jobId);
  };
}
const result = await timeRuns(run, Number(units), Number(first));
await db.destroy();
const spans = await telemetry.end();
process.stdout.write(`${JSON.stringify({ ...result, spans })}\n`);
