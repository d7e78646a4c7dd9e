// The engine console's read port and Prometheus metrics over your own
// database: what `kwp ui` shows, for a dashboard or a /metrics route of yours.
import {
  createKyselyConsoleReadPort, createKyselyWorkflowPersistence, createWorkflowMetrics, migrateToLatest, openDatabase,
} from "kysely-workflow-persistence";

const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db");
try {
  await migrateToLatest(db);
  const reader = createKyselyConsoleReadPort(db, { contract: "0.1" }); // capabilities follow the contract (default 1.0)
  const persistence = createKyselyWorkflowPersistence(db);
  for (const name of ["invoice", "invoice", "refund"]) {
    await persistence.createRun({ workflowId: name, workflowName: name, workflowType: "billing", input: {} });
  }
  const first = await reader.listRuns({ filters: { workflowId: "invoice" }, limit: 1 });
  const second = await reader.listRuns({ filters: { workflowId: "invoice" }, limit: 1, cursor: first.nextCursor! });
  console.log(`pages: ${first.runs.length} + ${second.runs.length}, then ${second.nextCursor === null ? "the end" : "more"}`);
  console.log(`queue: ${JSON.stringify((await reader.getQueueHealth()).countsByStatus.PENDING)} pending; steps shown: ${reader.capabilities.steps}`);
  const metrics = await createWorkflowMetrics(db).collect();
  console.log(metrics.split("\n").find((line) => line.startsWith('kwp_workflow_runs{status="PENDING"}')));
} finally {
  await db.destroy();
}
