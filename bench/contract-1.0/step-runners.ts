/** The 1.0 step contenders, each behind one `run(n)`: the library, the library through Prisma, the floor. */
import { openDatabase } from "../../src/database/open-database.js";
import { createPrismaStepLedger, createPrismaWorkflowPersistence } from "../../src/prisma/v1.js";
import { createKyselyStepLedger, createKyselyWorkflowPersistence } from "../../src/v1.js";
import { benchPrismaClient } from "../support/bench-prisma.js";
import type { BenchDatabase } from "../support/bench-database.js";
import { captureStatements } from "../support/capture-statements.js";
import { openStatementReplayer } from "../support/statement-replay.js";
import type { LifecycleRunner } from "../lifecycle/lifecycle-runners.js";
import { stepWork, type StepFixture, type StepWorkload } from "./step-workloads.js";

/**
 * The unit number the floor's statements are captured with; its replay puts
 * each unit's own number there (a step's result `{ n }`), so that it rewrites
 * the step with new content every time, as the library does.
 */
const CAPTURED_UNIT = -7_777_777;

export const STEP_CONTENDERS = ["library", "library via Prisma", "floor"] as const;
export type StepContenderName = (typeof STEP_CONTENDERS)[number];

export async function openStepRunner(
  contender: StepContenderName,
  workload: StepWorkload,
  database: Pick<BenchDatabase, "databaseType" | "url">,
  fixture: StepFixture,
): Promise<LifecycleRunner> {
  switch (contender) {
    case "library": {
      const db = openDatabase(database.url, { postgres: { max: 1 } });
      const work = stepWork(workload, { persistence: createKyselyWorkflowPersistence(db), ledger: createKyselyStepLedger(db) }, fixture);
      return { run: work, close: () => db.destroy() };
    }
    case "library via Prisma": {
      const prisma = await benchPrismaClient(database.databaseType, database.url);
      const work = stepWork(workload, { persistence: createPrismaWorkflowPersistence(prisma), ledger: createPrismaStepLedger(prisma) }, fixture);
      return { run: work, close: async () => {} };
    }
    case "floor": {
      // The library's statements for one unit (after one unrecorded unit on the
      // same handle), sent bare; the fixture's rows keep their ids, each unit
      // writes its own number where the captured one wrote CAPTURED_UNIT.
      const unit = (db: Parameters<typeof createKyselyStepLedger>[0]) =>
        stepWork(workload, { persistence: createKyselyWorkflowPersistence(db), ledger: createKyselyStepLedger(db) }, fixture);
      let warmed: ((n: number) => Promise<void>) | undefined;
      const statements = await captureStatements(
        database.url,
        () => warmed!(CAPTURED_UNIT),
        async (db) => {
          warmed = unit(db);
          await warmed(-2);
        },
      );
      const keep = new Set([fixture.runId, fixture.claimStageId, fixture.listStageId, fixture.stepId]);
      const replayer = await openStatementReplayer(database.databaseType, database.url, statements, keep, CAPTURED_UNIT);
      return { run: (n) => replayer.replay(n), close: () => replayer.close() };
    }
  }
}
