import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot as root } from "../support/consumer-project.js";
import { runNode } from "../support/spawn-child.js";
import { createPostgresDatabase } from "../support/test-databases.js";

// The examples as a user gets them: packed (`npm pack`), installed with
// `--omit=dev` into an application, and run from there on both databases. They
// import the package by name, never a path of this repository.

/** What each runnable example prints when it worked (the Prisma one needs a generated client: the consumer type test compiles it). */
const EXPECTED: Record<string, RegExp> = {
  "quickstart.ts": /^run \S+ is completed$/m,
  "worker-loop.ts": /completed 3 jobs/,
  "complete-and-dequeue.ts": /chained 3 jobs/,
  "enqueue-in-transaction.ts": /rolled back: order \S+ refused\njobs pending: 1/,
  "kernel-transaction.ts": /rolled back: refused refused\nrun \S+ has 1 job; 1 pending in all/,
  "ai-call-logger.ts": /2 calls, 1814 tokens, \$0\.00036/,
  "contract-0.12.ts": /stale: expected 1, the run is at 2\n#1 run:created\nreplayed: replay, run at version 2/,
  "annotations-and-queue-0.12.ts": /annotations: route="fast-lane" by planner\nclaimed classify of workflow triage\ncancelled 1 waiting job\(s\)\njobs: classify:RUNNING, reply:CANCELLED/,
  "contract-1.0.ts": /job acknowledged; steps: download=completed; cost 0\.0021 \(reported\)\nruns of v2: RUNNING:1/,
  "console-read-port.ts": /pages: 1 \+ 1, then the end\nqueue: 0 pending; steps shown: false\nkwp_workflow_runs\{status="PENDING"\} 3/,
  "blob-store.ts": /stored: runs\/r-1\/extract\/output.json, runs\/r-1\/summarize\/output.json[\s\S]*after delete: false/,
};
const NOT_RUN = ["prisma-drop-in.ts"];

describe.skipIf(!existsSync(join(root, "dist/index.js")))("the examples, run from the packed package", () => {
  let app: string;
  let installed: string;
  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), "kwp-examples-"));
    // dist/ is already built (npm test builds first); --ignore-scripts: prepack would build it again.
    const tarball = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", app], { cwd: root, encoding: "utf8" }).trim().split("\n").pop()!;
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "an-application", private: true, type: "module" }));
    // Its dependencies as npm installs them (from its cache when it has them); the peers are the application's to install.
    execFileSync("npm", ["install", join(app, tarball), "--omit=dev", "--omit=peer", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], {
      cwd: app,
      stdio: "pipe",
    });
    for (const peer of ["kysely", "pg", "better-sqlite3"]) symlinkSync(join(root, "node_modules", peer), join(app, "node_modules", peer));
    installed = join(app, "node_modules/kysely-workflow-persistence");
  }, 120_000);
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it("ships every example, each importing packages only, never a path", () => {
    const shipped = readdirSync(join(installed, "examples")).sort();
    expect(shipped).toEqual(readdirSync(join(root, "examples")).sort());
    expect(shipped.sort()).toEqual([...Object.keys(EXPECTED), ...NOT_RUN].sort());
    for (const file of shipped) {
      const code = readFileSync(join(installed, "examples", file), "utf8").replace(/^\s*\/\/.*$/gm, ""); // comments aside
      const imports = [...code.matchAll(/\bfrom\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1] ?? m[2]);
      expect(imports.length, file).toBeGreaterThan(0);
      for (const specifier of imports) expect(specifier, `${file} imports ${specifier}`).toMatch(/^(kysely-workflow-persistence(\/.*)?|@prisma\/client)$/);
    }
    expect(existsSync(join(installed, "src")), "the package ships no src/").toBe(false);
  });

  /** The example, compiled to JavaScript once (as an application's build would), run with node in the application. */
  async function run(file: string, databaseUrl: string) {
    const compiled = join(app, file.replace(/\.ts$/, ".mjs"));
    if (!existsSync(compiled)) {
      const source = readFileSync(join(installed, "examples", file), "utf8");
      writeFileSync(compiled, transformSync(source, { loader: "ts", format: "esm", target: "node20" }).code);
    }
    const cwd = join(app, `run-${Math.random().toString(36).slice(2)}`);
    mkdirSync(cwd);
    return runNode([compiled], { cwd, env: { DATABASE_URL: databaseUrl } });
  }

  describe.each(Object.entries(EXPECTED))("%s", (file, expected) => {
    it("runs on SQLite", { timeout: 60_000 }, async () => {
      const result = await run(file, `sqlite:${join(app, `${file}.db`)}`);
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(expected);
    });

    it("runs on PostgreSQL", { timeout: 60_000 }, async () => {
      const database = await createPostgresDatabase("example");
      try {
        const result = await run(file, database.url);
        expect(result.stderr).toBe("");
        expect(result.stdout).toMatch(expected);
      } finally {
        await database.dispose();
      }
    });
  });
});
