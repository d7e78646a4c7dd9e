/** The 0.12 contenders, each behind one `run(n)`: the library, the library through Prisma, the floor. */
import { openDatabase } from "../../src/database/open-database.js";
import { createPrismaWorkflowPersistence } from "../../src/prisma/v0.12.js";
import { createKyselyWorkflowPersistence } from "../../src/v0.12.js";
import { benchPrismaClient } from "../support/bench-prisma.js";
import type { BenchDatabase } from "../support/bench-database.js";
import { captureStatements } from "../support/capture-statements.js";
import { openStatementReplayer } from "../support/statement-replay.js";
import type { LifecycleRunner } from "../lifecycle/lifecycle-runners.js";
import { contractWork, type ContractWorkload } from "./contract-workloads.js";

export const CONTRACT_CONTENDERS = ["library", "library via Prisma", "floor"] as const;
export type ContractContender = (typeof CONTRACT_CONTENDERS)[number];

export async function openContractRunner(
  contender: ContractContender,
  workload: ContractWorkload,
  database: Pick<BenchDatabase, "databaseType" | "url">,
): Promise<LifecycleRunner> {
  switch (contender) {
    case "library": {
      const db = openDatabase(database.url, { postgres: { max: 1 } });
      return { run: contractWork(workload, createKyselyWorkflowPersistence(db)), close: () => db.destroy() };
    }
    case "library via Prisma": {
      const prisma = await benchPrismaClient(database.databaseType, database.url);
      return { run: contractWork(workload, createPrismaWorkflowPersistence(prisma)), close: async () => {} };
    }
    case "floor": {
      // The library's statements for one unit, sent bare (no transaction around them).
      const statements = await captureStatements(database.url, (db) => contractWork(workload, createKyselyWorkflowPersistence(db))(0));
      const replayer = await openStatementReplayer(database.databaseType, database.url, statements);
      return { run: () => replayer.replay(), close: () => replayer.close() };
    }
  }
}
