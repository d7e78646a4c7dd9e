// Child process: a queue worker.
//   drain <url> <startAt> [batch] [chained|separate]
//                                  — claim and complete jobs until none is left
//                                    (chained: one job at a time, each
//                                    completeAndDequeue claiming the next);
//                                    prints the completed job ids as JSON.
//   hold <url> <count>             — claim <count> jobs, print their ids, then
//                                    hang holding them until killed.
import { openDatabase } from "../../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../../src/queue/kysely-job-queue.js";

const [mode, url, arg, batchArg, acknowledgement] = process.argv.slice(2);
const db = openDatabase(url!);
const queue = createKyselyJobQueue(db, { listen: false });

if (mode === "hold") {
  const held = await queue.dequeueBatch(Number(arg));
  process.stdout.write(JSON.stringify(held.map((job) => job.jobId)) + "\n");
  setInterval(() => {}, 60_000); // keep holding until SIGKILL
} else {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(arg) - Date.now())));
  const batch = Number(batchArg ?? 1);
  const chained = acknowledgement === "chained";
  const claim = async () => (batch > 1 ? queue.dequeueBatch(batch) : [await queue.dequeue()].filter((job) => job !== null));
  const completed: string[] = [];
  let jobs = await claim();
  while (jobs.length > 0) {
    const ids = jobs.map((job) => job.jobId);
    if (chained) {
      jobs = [await queue.completeAndDequeue(ids[0]!)].filter((job) => job !== null);
    } else {
      await queue.completeMany(ids);
      jobs = await claim();
    }
    completed.push(...ids);
  }
  process.stdout.write(JSON.stringify(completed));
  await db.destroy();
}
