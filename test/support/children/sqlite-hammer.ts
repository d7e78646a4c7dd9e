// Child process: hammers one SQLite file with every kind of write for
// <seconds>, then prints {"operations": n, "errors": [messages]}.
import { openDatabase } from "../../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../../src/queue/kysely-job-queue.js";
import { createKyselyWorkflowPersistence } from "../../../src/persistence/kysely-workflow-persistence.js";

const [url, seconds, runId] = process.argv.slice(2);
const db = openDatabase(url!);
const persistence = createKyselyWorkflowPersistence(db);
const queue = createKyselyJobQueue(db, { listen: false });
const errors: string[] = [];
let operations = 0;
const until = Date.now() + Number(seconds) * 1000;
while (Date.now() < until) {
  try {
    switch (operations % 5) {
      case 0:
        await queue.enqueueParallel(Array.from({ length: 5 }, (_, i) => ({ workflowRunId: runId!, stageId: `s${i}` })));
        break;
      case 1: {
        const job = await queue.dequeue();
        if (job) await queue.complete(job.jobId);
        break;
      }
      case 2:
        await persistence.createLog({ workflowRunId: runId, level: "INFO", message: `op ${operations} from ${process.pid}` });
        break;
      case 3:
        await persistence.saveArtifact({ workflowRunId: runId!, key: `k-${process.pid}-${operations % 50}`, type: "ARTIFACT", data: { operations } });
        break;
      case 4:
        await persistence.transaction(async (tx) => {
          await tx.updateRun(runId!, { totalTokens: operations });
          await tx.createLog({ workflowRunId: runId, level: "DEBUG", message: "in a transaction" });
        });
        break;
    }
  } catch (error) {
    errors.push(`${(error as { code?: string }).code ?? ""} ${(error as Error).message}`);
  }
  operations++;
}
await db.destroy();
process.stdout.write(JSON.stringify({ operations, errors: errors.slice(0, 20), errorCount: errors.length }));
