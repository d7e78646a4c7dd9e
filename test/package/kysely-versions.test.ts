import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot as root } from "../support/consumer-project.js";
import { nodeRuntime, packedTarball, type NodeRuntime } from "../support/node-runtimes.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";

// kysely is a peer dependency: the application's copy is used. The suite runs
// on the repository's own (0.28); here the packed package runs on kysely 0.29
// in an application that has only it, on Node 22 (kysely 0.29's own
// `engines`), through both module systems: migrations, a run's life, the
// kernel's queue call inside withTransaction, and a rollback.

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

describe.skipIf(!existsSync(join(root, "dist/index.js")))("the packed package on kysely 0.29 (Node 22)", () => {
  let node: NodeRuntime;
  let app: string;
  let version: string;
  beforeAll(async () => {
    node = await nodeRuntime(22);
    app = mkdtempSync(join(tmpdir(), "kwp-kysely-0.29-"));
    const install = await node.run("npm", ["install", packedTarball(), "kysely@^0.29", "pg", "better-sqlite3", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: app });
    expect(install.code, install.stderr).toBe(0);
    version = JSON.parse(readFileSync(join(app, "node_modules/kysely/package.json"), "utf8")).version;
    expect(version.startsWith("0.29.")).toBe(true);
  }, 300_000);
  afterAll(() => rmSync(app, { recursive: true, force: true }));

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
      const result = await node.run("node", [inputType, "-e", script, "--", database.url], { cwd: app });
      expect(result.stderr, how).toBe("");
      const outcome = JSON.parse(result.stdout.trim().split("\n").pop()!);
      expect(outcome.kysely).toBe(version);
      expect(outcome.status).toBe("COMPLETED");
      // One job per test run: the rolled-back one never existed.
      expect(outcome.stats.PENDING).toBe(0);
    });
  });
});
