import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runNode } from "../support/spawn-child.js";
import { KWP_BLOB_PRISMA_MODEL } from "../../src/blobs/blobs-table.js";
import { createPostgresDatabase } from "../support/test-databases.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const readme = readFileSync(join(root, "README.md"), "utf8");

/** Every `<!-- example:path -->` block of the README, with the code it shows. */
const shown = [...readme.matchAll(/<!-- example:(\S+) -->\n```ts\n([\s\S]*?)```\n<!-- \/example -->/g)].map((match) => ({
  path: match[1]!,
  code: match[2]!,
}));

/**
 * The examples that run as they are, and what each prints when it worked. The
 * Prisma example needs a generated client: the consumer type test compiles it
 * against the built package instead.
 */
const runnable: Record<string, RegExp> = {
  "examples/quickstart.ts": /run \S+ \(claimed: true\) is COMPLETED[\s\S]*pages: 12/,
  "examples/worker-loop.ts": /completed 3 jobs/,
  "examples/ai-call-logger.ts": /2 calls, 1814 tokens, \$0\.00036/,
  "examples/enqueue-in-transaction.ts": /rolled back: order \S+ refused\njobs pending: 1/,
  "examples/contract-0.12.ts": /stale: expected 1, the run is at 2\n#1 run:created\nreplayed: replay, run at version 2/,
};

const runExample = (path: string, databaseUrl: string) =>
  runNode(["--import", "tsx", join(root, path)], { cwd: root, env: { DATABASE_URL: databaseUrl } });

describe("the README's examples", () => {
  it("shows every example file exactly as it is, and every runnable one is run below", () => {
    expect(shown.map((example) => example.path).sort()).toEqual([...Object.keys(runnable), "examples/prisma-drop-in.ts"].sort());
    for (const example of shown) expect(example.code, example.path).toBe(readFileSync(join(root, example.path), "utf8"));
  });

  it("shows the blob store's Prisma model block exactly as the library exports it", () => {
    const block = KWP_BLOB_PRISMA_MODEL.trimEnd().split("\n").map((line) => (line ? `  ${line}` : line)).join("\n");
    expect(readme).toContain(`  \`\`\`prisma\n${block}\n  \`\`\``);
  });

  describe.each(Object.entries(runnable))("%s", (path, expected) => {
    it("runs on SQLite", { timeout: 60_000 }, async () => {
      const folder = mkdtempSync(join(tmpdir(), "kwp-example-"));
      try {
        const result = await runExample(path, `sqlite:${join(folder, "w.db")}`);
        expect(result.stderr).toBe("");
        expect(result.stdout).toMatch(expected);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it("runs on PostgreSQL", { timeout: 60_000 }, async () => {
      const database = await createPostgresDatabase("example");
      try {
        const result = await runExample(path, database.url);
        expect(result.stderr).toBe("");
        expect(result.stdout).toMatch(expected);
      } finally {
        await database.dispose();
      }
    });
  });
});
