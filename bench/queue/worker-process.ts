// One benchmark worker in its own process. SQLite measurements always run
// here: concurrency between SQLite connections only exists between processes
// (connections of one process would only take turns).
// argv: <contender> <target json> <drain-one|drain-batch[-chained]|enqueue|enqueue-hundred> <calls, or batch size>
// Warms up on a scratch file (warm-up.ts), prints "ready" once connected,
// starts on a line from stdin, then prints
// {"completed", "finishedAt", "latencies"}.
import { createInterface } from "node:readline";
import { drain } from "./drain.js";
import { openQueueSession, type InProcessContender, type QueueTarget } from "./queue-contenders.js";
import { warmUp } from "./warm-up.js";

const [contender, target, mode, calls] = process.argv.slice(2) as [InProcessContender, string, string, string?];
await warmUp(contender, JSON.parse(target) as QueueTarget, mode, Number(calls));
const session = await openQueueSession(contender, JSON.parse(target) as QueueTarget, 1);
const queue = session.workers[0]!;
const latencies: number[] = [];
const lines = createInterface({ input: process.stdin });
const go = new Promise((resolve) => lines.once("line", resolve));
process.stdout.write("ready\n");
await go;
lines.close();
let completed = 0;
if (mode.startsWith("drain-")) {
  completed = await drain(queue, mode.startsWith("drain-batch") ? Number(calls) : null, latencies, mode.endsWith("-chained") ? "chained" : "awaited");
} else {
  for (let i = 0; i < Number(calls); i++) {
    const start = performance.now();
    await (mode === "enqueue-hundred" ? queue.enqueueHundred() : queue.enqueue());
    latencies.push(performance.now() - start);
    completed += mode === "enqueue-hundred" ? 100 : 1;
  }
}
const finishedAt = Date.now();
await session.close();
const { closeBenchPrismaClients } = await import("../support/bench-prisma.js");
await closeBenchPrismaClients();
process.stdout.write(`${JSON.stringify({ completed, finishedAt, latencies })}\n`);
