import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runNode } from "../support/spawn-child.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

// `npm test` builds first; these check the built package the way users load it,
// by its name through the exports map, from both module systems.
describe.skipIf(!existsSync(join(root, "dist/index.js")))("the built package", () => {
  const script = `
    const api = MODULE;
    const db = api.openDatabase(":memory:");
    const result = await api.migrateToLatest(db);
    await db.destroy();
    console.log(JSON.stringify({ keys: Object.keys(api).sort(), applied: result.applied }));`;

  it.each([
    ["ESM import", `const MODULE_ = await import("kysely-workflow-persistence");`, "--input-type=module"],
    ["CommonJS require", `const MODULE_ = require("kysely-workflow-persistence");`, "--input-type=commonjs"],
  ])("loads through %s and finds its migrations", async (_how, load, inputType) => {
    const body = inputType === "--input-type=commonjs"
      ? `(async () => { ${load} ${script.replace("MODULE", "MODULE_")} })().catch((e) => { console.error(e); process.exit(1); });`
      : `${load} ${script.replace("MODULE", "MODULE_")}`;
    const result = await runNode([inputType, "-e", body], { cwd: root });
    expect(result.stderr).toBe("");
    const output = JSON.parse(result.stdout);
    expect(output.applied).toEqual(["0001_init"]);
    expect(output.keys).toEqual(expect.arrayContaining(["openDatabase", "migrateToLatest", "ValidationError", "NotFoundError"]));
  });

  it.each([
    ["ESM import", `const api = await import("kysely-workflow-persistence/prisma"); console.log(JSON.stringify(Object.keys(api).sort()));`, "--input-type=module"],
    ["CommonJS require", `console.log(JSON.stringify(Object.keys(require("kysely-workflow-persistence/prisma")).sort()));`, "--input-type=commonjs"],
  ])("exposes the Prisma adapter as ./prisma through %s, importing nothing from @prisma/client", async (_how, body, inputType) => {
    const result = await runNode([inputType, "-e", body], { cwd: root });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual(
      expect.arrayContaining([
        // The engine's own Prisma module exports these names (0.1).
        "createPrismaWorkflowPersistence", "PrismaWorkflowPersistence", "createPrismaJobQueue", "PrismaJobQueue",
        "createPrismaAICallLogger", "PrismaAICallLogger", "createEnumHelper", "createPrismaKysely",
      ]),
    );
    // The application's own PrismaClient is passed in: the built code never loads @prisma/client.
    const built = readdirSync(join(root, "dist")).filter((file) => /\.(c?js)$/.test(file));
    for (const file of built) expect(readFileSync(join(root, "dist", file), "utf8")).not.toMatch(/@prisma\/client/);
  });

  it.each([
    ["ESM import", "--input-type=module", `const v = await import("kysely-workflow-persistence/v0.12"); const p = await import("kysely-workflow-persistence/prisma/v0.12");`],
    ["CommonJS require", "--input-type=commonjs", `const v = require("kysely-workflow-persistence/v0.12"); const p = require("kysely-workflow-persistence/prisma/v0.12");`],
  ])("exposes the 0.12 contract as ./v0.12 and ./prisma/v0.12 through %s, one StaleVersionError class for both", async (_how, inputType, load) => {
    const check = `
      const db = v.openDatabase(":memory:");
      const persistence = v.createKyselyWorkflowPersistence(db);
      const run = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {} }).catch((e) => e);
      const migrated = await v.migrateToLatest(db, { target: "0.12" });
      const created = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {} });
      const stale = await persistence.updateRun(created.id, { expectedVersion: 9 }).catch((e) => e);
      await db.destroy();
      console.log(JSON.stringify({
        beforeMigration: run instanceof Error, applied: migrated.applied, version: created.version,
        sameClass: stale instanceof v.StaleVersionError && v.StaleVersionError === p.StaleVersionError,
        prismaNames: ["createPrismaWorkflowPersistence", "PrismaWorkflowPersistence", "createPrismaJobQueue", "PrismaJobQueue", "createPrismaAICallLogger", "PrismaAICallLogger"].every((name) => typeof p[name] === "function"),
      }));`;
    const body = inputType === "--input-type=commonjs"
      ? `(async () => { ${load} ${check} })().catch((e) => { console.error(e); process.exit(1); });`
      : `${load} ${check}`;
    const result = await runNode([inputType, "-e", body], { cwd: root });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      beforeMigration: true, applied: ["0001_init", "0002_contract_0_12"], version: 1, sameClass: true, prismaNames: true,
    });
  });

  it.each([
    ["ESM import", "--input-type=module", `const v = await import("kysely-workflow-persistence/v1"); const p = await import("kysely-workflow-persistence/prisma/v1");`],
    ["CommonJS require", "--input-type=commonjs", `const v = require("kysely-workflow-persistence/v1"); const p = require("kysely-workflow-persistence/prisma/v1");`],
  ])("exposes the 1.0 contract as ./v1 and ./prisma/v1 through %s, with the engine's 1.0 Prisma names", async (_how, inputType, load) => {
    const check = `
      const db = v.openDatabase(":memory:");
      const migrated = await v.migrateToLatest(db, { target: "1.0" });
      const persistence = v.createKyselyWorkflowPersistence(db);
      const run = await persistence.createRun({ workflowId: "w", workflowName: "W", workflowType: "t", input: {}, definitionVersion: "v1" });
      const stage = await persistence.createStage({ workflowRunId: run.id, stageId: "s", stageName: "S", stageNumber: 1, executionGroup: 1 });
      const step = await v.createKyselyStepLedger(db).claim({ stageRecordId: stage.id, stepId: "a", seq: 1, kind: "run", status: "running", attempt: 1, leaseExpiresAt: null, deadlineAt: null });
      await db.destroy();
      console.log(JSON.stringify({
        applied: migrated.applied, definitionVersion: run.definitionVersion, created: step.created,
        sameClass: v.StaleVersionError === p.StaleVersionError, tiers: [v.LEASE_HEARTBEAT_LOST, p.LEASE_ABSOLUTE_CAP],
        prismaNames: ["createPrismaWorkflowPersistence", "createPrismaJobQueue", "createPrismaStepLedger", "createPrismaAICallLogger", "createPrismaBlobStore", "PrismaStepLedger"].every((name) => typeof p[name] === "function"),
      }));`;
    const body = inputType === "--input-type=commonjs"
      ? `(async () => { ${load} ${check} })().catch((e) => { console.error(e); process.exit(1); });`
      : `${load} ${check}`;
    const result = await runNode([inputType, "-e", body], { cwd: root });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      applied: ["0001_init", "0002_contract_0_12", "0003_contract_1_0"], definitionVersion: "v1", created: true, sameClass: true,
      tiers: ["LEASE_HEARTBEAT_LOST", "LEASE_ABSOLUTE_CAP"], prismaNames: true,
    });
  });
});
