import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNode } from "../support/spawn-child.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

// pg and better-sqlite3 are optional peer dependencies: an application with
// neither installed loads the package, and opening a database says what to install.
describe.skipIf(!existsSync(join(root, "dist/index.js")))("the built package without database drivers", () => {
  let project: string;
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "kwp-no-drivers-"));
    const installed = join(project, "node_modules/kysely-workflow-persistence");
    mkdirSync(installed, { recursive: true });
    for (const entry of ["package.json", "dist", "migrations"]) cpSync(join(root, entry), join(installed, entry), { recursive: true });
    for (const dependency of ["kysely", "zod", "uuid"]) symlinkSync(join(root, "node_modules", dependency), join(project, "node_modules", dependency));
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it.each([
    ["ESM", "--input-type=module", `const api = await import("kysely-workflow-persistence");`],
    ["CommonJS", "--input-type=commonjs", `const api = require("kysely-workflow-persistence");`],
  ])("loads through %s and names the driver to install", async (_how, inputType, load) => {
    const script = `${load}
      const tryOpen = (url) => { try { api.openDatabase(url); return "opened"; } catch (e) { return e.name + ": " + e.message; } };
      console.log(JSON.stringify({ sqlite: tryOpen("sqlite:x.db"), postgres: tryOpen("postgres://localhost/x") }));`;
    const body = inputType === "--input-type=commonjs" ? `(async () => { ${script} })()` : script;
    const result = await runNode([inputType, "-e", body], { cwd: project });
    expect(result.stderr).toBe("");
    const outcome = JSON.parse(result.stdout);
    expect(outcome.sqlite).toMatch(/^ConfigurationError: .*needs the "better-sqlite3" package, which is not installed: npm install better-sqlite3/);
    expect(outcome.postgres).toMatch(/^ConfigurationError: .*needs the "pg" package, which is not installed: npm install pg/);
  });
});
