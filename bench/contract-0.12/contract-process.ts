// One 0.12 contender on one workload in a fresh process (no heap or JIT warmed
// by another). argv: <contender> <workload> <database json> <units> <first unit number>.
// Prints {"perSecond", "latencies"}.
import { closeBenchPrismaClients } from "../support/bench-prisma.js";
import { timeRuns } from "../support/time-runs.js";
import { openContractRunner, type ContractContender } from "./contract-runners.js";
import type { ContractWorkload } from "./contract-workloads.js";

const [contender, workload, database, units, first] = process.argv.slice(2) as [ContractContender, ContractWorkload, string, string, string];
const runner = await openContractRunner(contender, workload, JSON.parse(database));
const result = await timeRuns(runner.run, Number(units), Number(first));
await runner.close();
await closeBenchPrismaClients();
process.stdout.write(`${JSON.stringify(result)}\n`);
