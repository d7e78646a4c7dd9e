// For applications that use Prisma: the engine's Prisma factories, from this
// library, over the application's own PrismaClient (compiled by the tests; it
// needs your generated client and driver adapter to run). Written as in an
// application, against the package name.
import { PrismaClient } from "@prisma/client";
import {
  createPrismaAICallLogger,
  createPrismaJobQueue,
  createPrismaWorkflowPersistence,
  PrismaWorkflowPersistence,
} from "kysely-workflow-persistence/prisma";

const prisma = new PrismaClient(); // your adapter or datasource, as usual
const persistence = createPrismaWorkflowPersistence(prisma); // provider read from the client
const jobQueue = createPrismaJobQueue(prisma, { workerId: "worker-1" }); // or createPrismaJobQueue(prisma, "worker-1")
const aiCallLogger = createPrismaAICallLogger(prisma);
const sameThing = new PrismaWorkflowPersistence(prisma); // the engine's class form

// Inside your own interactive transaction, the library's writes commit with yours.
export async function startWorkflow(input: { orderId: string }): Promise<string> {
  return prisma.$transaction(async (tx) => {
    const run = await createPrismaWorkflowPersistence(tx).createRun({ workflowId: "fulfil", workflowName: "Fulfil", workflowType: "orders", input });
    await createPrismaJobQueue(tx).enqueue({ workflowRunId: run.id, stageId: "charge" });
    return run.id;
  });
}
export { persistence, jobQueue, aiCallLogger, sameThing };
