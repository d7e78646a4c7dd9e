// Child process: a worker loop's usual end on PostgreSQL. Several queues wait
// for jobs on one handle (LISTEN), then the handle is destroyed without any
// queue.close(); the process must then end by itself.
import { openDatabase } from "../../../src/database/open-database.js";
import { createKyselyJobQueue } from "../../../src/queue/kysely-job-queue.js";

const [url] = process.argv.slice(2);
const db = openDatabase(url!);
const queues = Array.from({ length: 3 }, (_, i) => createKyselyJobQueue(db, { workerId: `w${i}` }));
await Promise.all(queues.map((queue) => queue.waitForJobs(50)));
await db.destroy();
console.log("destroyed");
