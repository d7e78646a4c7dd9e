// One 1.0 step contender on one workload in a fresh process (no heap or JIT
// warmed by another). argv: <contender> <workload> <database json> <fixture json>
// <units> <first unit number>. Prints {"perSecond", "latencies"}.
import { closeBenchPrismaClients } from "../support/bench-prisma.js";
import { timeRuns } from "../support/time-runs.js";
import { openStepRunner, type StepContenderName } from "./step-runners.js";
import type { StepWorkload } from "./step-workloads.js";

const [contender, workload, database, fixture, units, first] = process.argv.slice(2) as [StepContenderName, StepWorkload, string, string, string, string];
const runner = await openStepRunner(contender, workload, JSON.parse(database), JSON.parse(fixture));
const result = await timeRuns(runner.run, Number(units), Number(first));
await runner.close();
await closeBenchPrismaClients();
process.stdout.write(`${JSON.stringify(result)}\n`);
