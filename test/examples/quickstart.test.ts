import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runNode } from "../support/spawn-child.js";
import { createPostgresDatabase } from "../support/test-databases.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const example = join(root, "examples/quickstart.ts");
const runExample = (databaseUrl: string) =>
  runNode(["--import", "tsx", example], { cwd: root, env: { DATABASE_URL: databaseUrl } });

describe("the README example (examples/quickstart.ts)", () => {
  it("is shown in the README exactly as the file is", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const shown = /<!-- example:examples\/quickstart\.ts -->\n```ts\n([\s\S]*?)```\n<!-- \/example -->/.exec(readme)?.[1];
    expect(shown).toBe(readFileSync(example, "utf8"));
  });

  it("runs on SQLite", async () => {
    const folder = mkdtempSync(join(tmpdir(), "kwp-example-"));
    try {
      const result = await runExample(`sqlite:${join(folder, "w.db")}`);
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(/run \S+ \(claimed: true\) is COMPLETED/);
      expect(result.stdout).toContain("pages: 12");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("runs on PostgreSQL", async () => {
    const database = await createPostgresDatabase("example");
    try {
      const result = await runExample(database.url);
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(/run \S+ \(claimed: true\) is COMPLETED/);
    } finally {
      await database.dispose();
    }
  });
});
