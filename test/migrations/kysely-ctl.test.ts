import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { dialectSupportFor } from "../../src/dialects/detect-database-type.js";
import { runNode } from "../support/spawn-child.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const kyselyCtl = (args: string[], databaseUrl: string) =>
  runNode([join(root, "node_modules/kysely-ctl/dist/bin.mjs"), ...args, "--no-update-check"], {
    cwd: root,
    // consola (kysely-ctl's logger) goes quiet under a test runner's environment.
    env: { DATABASE_URL: databaseUrl, NO_COLOR: "1", NODE_ENV: "production", TEST: "", VITEST: "" },
  });

describe("kysely-ctl with kysely.config.ts", () => {
  it("applies the same SQL files, and migrateToLatest then sees them as applied", async () => {
    const folder = mkdtempSync(join(tmpdir(), "kwp-ctl-"));
    const url = `sqlite:${join(folder, "ctl.db")}`;
    try {
      const latest = await kyselyCtl(["migrate:latest"], url);
      expect(latest.code).toBe(0);
      expect(latest.stdout + latest.stderr).toContain("0001_init");
      const list = await kyselyCtl(["migrate:list"], url);
      // consola formats differently on a terminal, in CI and elsewhere; "✓" marks applied.
      expect(list.stdout + list.stderr).toMatch(/✓\W*0001_init/);

      const db = openDatabase(url);
      try {
        expect(await dialectSupportFor("sqlite").listTables(db)).toContain("workflow_runs");
        const result = await migrateToLatest(db);
        expect(result.applied).toEqual([]);
        expect(result.adopted).toEqual([]);
      } finally {
        await db.destroy();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
