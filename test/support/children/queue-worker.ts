// Child process: a queue worker.
//   drain <url> <startAt> [batch]  — claim and complete jobs until none is left;
//                                    prints the completed job ids as JSON.
//   hold <url> <count>             — claim <count> jobs, print their ids, then
//                                    hang holding them until killed.
import { openDatabase } from "../../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../../src/queue/kysely-job-queue.js";

const [mode, url, arg, batchArg] = process.argv.slice(2);
const db = openDatabase(url!);
const queue = createKyselyJobQueue(db, { listen: false });

if (mode === "hold") {
  const held = await queue.dequeueBatch(Number(arg));
  process.stdout.write(JSON.stringify(held.map((job) => job.jobId)) + "\n");
  setInterval(() => {}, 60_000); // keep holding until SIGKILL
} else {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(arg) - Date.now())));
  const batch = Number(batchArg ?? 1);
  const completed: string[] = [];
  for (;;) {
    const jobs = batch > 1 ? await queue.dequeueBatch(batch) : [await queue.dequeue()].filter((job) => job !== null);
    if (jobs.length === 0) break;
    const ids = jobs.map((job) => job!.jobId);
    await queue.completeMany(ids);
    completed.push(...ids);
  }
  process.stdout.write(JSON.stringify(completed));
  await db.destroy();
}
