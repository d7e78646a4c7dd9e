/** The lifecycle contenders, each behind one `run(n)`. */
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createPrismaWorkflowPersistence } from "../../src/prisma/index.js";
import { benchPrismaClient } from "../support/bench-prisma.js";
import type { BenchDatabase } from "../support/bench-database.js";
import { captureStatements } from "../support/capture-statements.js";
import { openStatementReplayer } from "../support/statement-replay.js";
import { libraryLifecycle } from "./lifecycle-steps.js";
import { specPrismaLifecycle } from "./spec-prisma-lifecycle.js";

export const LIFECYCLE_CONTENDERS = ["library", "library via Prisma", "spec's Prisma", "floor"] as const;
export type LifecycleContender = (typeof LIFECYCLE_CONTENDERS)[number];

export interface LifecycleRunner {
  run(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function openLifecycleRunner(contender: LifecycleContender, database: Pick<BenchDatabase, "databaseType" | "url">): Promise<LifecycleRunner> {
  switch (contender) {
    case "library": {
      const db = openDatabase(database.url, { postgres: { max: 1 } });
      const persistence = createKyselyWorkflowPersistence(db);
      return { run: (n) => libraryLifecycle(persistence, n), close: () => db.destroy() };
    }
    case "library via Prisma":
    case "spec's Prisma": {
      const prisma = await benchPrismaClient(database.databaseType, database.url);
      const persistence = createPrismaWorkflowPersistence(prisma);
      return {
        run: (n) => (contender === "spec's Prisma" ? specPrismaLifecycle(prisma, n) : libraryLifecycle(persistence, n)),
        close: async () => {},
      };
    }
    case "floor": {
      const statements = await captureStatements(database.url, (db) => libraryLifecycle(createKyselyWorkflowPersistence(db), 0));
      const replayer = await openStatementReplayer(database.databaseType, database.url, statements);
      return { run: () => replayer.replay(), close: () => replayer.close() };
    }
  }
}
