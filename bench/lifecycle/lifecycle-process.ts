// One lifecycle contender in a fresh process, so that no contender runs on a
// heap or JIT warmed by another. argv: <contender> <database json> <runs> <first run number>.
// Prints {"perSecond", "latencies"}.
import { closeBenchPrismaClients } from "../support/bench-prisma.js";
import { openLifecycleRunner, type LifecycleContender } from "./lifecycle-runners.js";

const [contender, database, runs, first] = process.argv.slice(2) as [LifecycleContender, string, string, string];
const runner = await openLifecycleRunner(contender, JSON.parse(database));
const result = await timeRuns(runner.run, Number(runs), Number(first));
await runner.close();
await closeBenchPrismaClients();
process.stdout.write(`${JSON.stringify(result)}\n`);

/** A warm-up run (connection, statement caches), then `runs` timed runs. */
export async function timeRuns(run: (n: number) => Promise<void>, runs: number, first: number) {
  await run(first);
  const latencies: number[] = [];
  const start = performance.now();
  for (let r = 1; r <= runs; r++) {
    const t = performance.now();
    await run(first + r);
    latencies.push(performance.now() - t);
  }
  return { perSecond: (runs / (performance.now() - start)) * 1000, latencies };
}
