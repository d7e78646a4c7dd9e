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
});
