// Child process: a queue worker that prints each job id on its own line right
// after complete() has returned, so a parent that kills it at any moment still
// sees every completion it made. argv: <url>
import { openDatabase } from "../../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../../src/queue/kysely-job-queue.js";

const db = openDatabase(process.argv[2]!, { postgres: { max: 1 } });
const queue = createKyselyJobQueue(db, { listen: false });
let idle = 0;
while (idle < 20) {
  const job = await queue.dequeue();
  if (!job) {
    idle++;
    await new Promise((resolve) => setTimeout(resolve, 25));
    continue;
  }
  idle = 0;
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
  await queue.complete(job.jobId);
  process.stdout.write(`${job.jobId}\n`);
}
await db.destroy();
