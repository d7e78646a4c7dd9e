import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerProject, repositoryRoot as root, type ConsumerProject } from "../support/consumer-project.js";
import { runNode } from "../support/spawn-child.js";

// pg and better-sqlite3 are optional peer dependencies: an application with
// neither installed loads the package, and opening a database says what to install.
describe.skipIf(!existsSync(join(root, "dist/index.js")))("the built package without database drivers", () => {
  let consumer: ConsumerProject;
  beforeAll(() => {
    consumer = consumerProject("no-drivers", ["kysely", "zod", "uuid", "commander", "cli-table3", "cli-progress"]);
  });
  afterAll(() => consumer.remove());

  it.each([
    ["ESM", "--input-type=module", `const api = await import("kysely-workflow-persistence");`],
    ["CommonJS", "--input-type=commonjs", `const api = require("kysely-workflow-persistence");`],
  ])("loads through %s and names the driver to install", async (_how, inputType, load) => {
    const script = `${load}
      const tryOpen = (url) => { try { api.openDatabase(url); return "opened"; } catch (e) { return e.name + ": " + e.message; } };
      console.log(JSON.stringify({ sqlite: tryOpen("sqlite:x.db"), postgres: tryOpen("postgres://localhost/x") }));`;
    const body = inputType === "--input-type=commonjs" ? `(async () => { ${script} })()` : script;
    const result = await runNode([inputType, "-e", body], { cwd: consumer.folder });
    expect(result.stderr).toBe("");
    const outcome = JSON.parse(result.stdout);
    expect(outcome.sqlite).toMatch(/^ConfigurationError: .*needs the "better-sqlite3" package, which is not installed: npm install better-sqlite3/);
    expect(outcome.postgres).toMatch(/^ConfigurationError: .*needs the "pg" package, which is not installed: npm install pg/);
  });

  it("tells a PostgreSQL user who forgot --url that the default is SQLite, not to install better-sqlite3", async () => {
    const cli = join(consumer.folder, "node_modules/kysely-workflow-persistence/dist/cli.js");
    const result = await runNode([cli, "runs"], { cwd: consumer.folder, env: { DATABASE_URL: "" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no --url or DATABASE_URL was given, so the default sqlite:\.\/workflow\.db was opened/);
    expect(result.stderr).toMatch(/For PostgreSQL give --url postgres:\/\/user@host\/db or set DATABASE_URL/);
  });
});
