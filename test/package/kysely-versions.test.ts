import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerProject, repositoryRoot as root, type ConsumerProject } from "../support/consumer-project.js";
import { runNode } from "../support/spawn-child.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";

// kysely is a peer dependency: the application's copy is used. The suite runs
// on the repository's own (0.28); here the built package runs on 0.29 in an
// application that has only it, through both module systems: migrations, a
// run's life, the kernel's queue call inside withTransaction, and a rollback.

const SCENARIO = `
  const url = process.argv[process.argv.length - 1];
  const db = api.openDatabase(url);
  try {
    await api.migrateToLatest(db, { target: "0.12" });
    const persistence = api.createKyselyWorkflowPersistence(db);
    const queue = api.createKyselyJobQueue(db, { workerId: "w" });
    const run = await persistence.withTransaction(async (tx) => {
      const created = await tx.createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: { n: 1 } });
      await queue.enqueue({ workflowRunId: created.id, workflowId: "wf", stageId: "s1" });
      return created;
    });
    await persistence.withTransaction(async () => {
      await queue.enqueue({ workflowRunId: run.id, workflowId: "wf", stageId: "rolled-back" });
      throw new Error("roll back");
    }).catch(() => {});
    const job = await queue.dequeue();
    await queue.complete(job.jobId);
    await persistence.updateRun(run.id, { status: "COMPLETED", expectedVersion: 1 });
    const stats = await queue.getQueueStats();
    console.log(JSON.stringify({ kysely: kyselyVersion, status: (await persistence.getRun(run.id)).status, stats }));
  } finally {
    await db.destroy();
  }`;

describe.skipIf(!existsSync(join(root, "dist/index.js")))("the built package on kysely 0.29", () => {
  let consumer: ConsumerProject;
  const version = JSON.parse(readFileSync(join(root, "node_modules/kysely-0.29/package.json"), "utf8")).version as string;
  beforeAll(() => {
    const drivers = ["pg", "better-sqlite3", "zod", "uuid"];
    consumer = consumerProject("kysely-0.29", ["kysely", ...drivers], { kysely: "kysely-0.29" });
  });
  afterAll(() => consumer.remove());

  describe.each(DATABASE_TYPES)("on %s", (databaseType) => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase[databaseType]("kysely-0-29");
    });
    afterAll(() => database.dispose());

    it.each([
      ["ESM", "--input-type=module", `const api = await import("kysely-workflow-persistence/v0.12");`],
      ["CommonJS", "--input-type=commonjs", `const api = require("kysely-workflow-persistence/v0.12");`],
    ])("runs through %s", async (how, inputType, load) => {
      const body = `${load}
        const kyselyVersion = JSON.parse(require("node:fs").readFileSync("node_modules/kysely/package.json", "utf8")).version;
        ${SCENARIO}`;
      const script = inputType === "--input-type=commonjs" ? `(async () => { ${body} })()` : `import { createRequire } from "node:module"; const require = createRequire(process.cwd() + "/"); ${body}`;
      const result = await runNode([inputType, "-e", script, "--", database.url], { cwd: consumer.folder });
      expect(result.stderr, how).toBe("");
      const outcome = JSON.parse(result.stdout.trim().split("\n").pop()!);
      expect(outcome.kysely).toBe(version);
      expect(outcome.status).toBe("COMPLETED");
      // One job per test run: the rolled-back one never existed.
      expect(outcome.stats.PENDING).toBe(0);
    });
  });
});
