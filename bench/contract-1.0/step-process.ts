// One 1.0 step contender on one workload in a fresh process (no heap or JIT
// warmed by another). argv: <contender> <workload> <database json> <fixture json>
// <units> <first unit number> <warm-up units>. Prints {"perSecond", "latencies"}.
import { closeBenchPrismaClients } from "../support/bench-prisma.js";
import { timeRuns } from "../support/time-runs.js";
import { openStepRunner, type StepContenderName } from "./step-runners.js";
import type { StepWorkload } from "./step-workloads.js";

const [contender, workload, database, fixture, units, first, warmups] = process.argv.slice(2) as [StepContenderName, StepWorkload, string, string, string, string, string];
const runner = await openStepRunner(contender, workload, JSON.parse(database), JSON.parse(fixture));
const result = await timeRuns(runner.run, Number(units), Number(first), Number(warmups));
await runner.close();
await closeBenchPrismaClients();
process.stdout.write(`${JSON.stringify(result)}\n`);
