// One lifecycle contender in a fresh process, so that no contender runs on a
// heap or JIT warmed by another. argv: <contender> <database json> <runs> <first run number>.
// Prints {"perSecond", "latencies"}.
import { closeBenchPrismaClients } from "../support/bench-prisma.js";
import { openLifecycleRunner, type LifecycleContender } from "./lifecycle-runners.js";
import { timeRuns } from "../support/time-runs.js";

const [contender, database, runs, first] = process.argv.slice(2) as [LifecycleContender, string, string, string];
const runner = await openLifecycleRunner(contender, JSON.parse(database));
const result = await timeRuns(runner.run, Number(runs), Number(first));
await runner.close();
await closeBenchPrismaClients();
process.stdout.write(`${JSON.stringify(result)}\n`);
