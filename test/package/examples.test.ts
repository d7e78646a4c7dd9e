import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot as root } from "../support/consumer-project.js";
import { nodeRuntime, packedTarball, type NodeRuntime } from "../support/node-runtimes.js";
import { createPostgresDatabase } from "../support/test-databases.js";

// The package as a user gets it, on Node 20, 22 and 24: an empty folder, the
// README's own install commands (`npm install <tarball> kysely`, then
// `npm install better-sqlite3` and `pg`, run by that Node's npm, so it picks
// the peers that Node's engines allow and writes a package.json without
// "type": "module"), the README's quickstart saved and run exactly as the
// README says, then every example on both databases. The examples import the
// package by name, never a path of this repository.

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
  "contract-1.0.ts": /job acknowledged; steps: download=completed; cost 0\.0021 \(reported\); leased: 0\nruns of v2: RUNNING:1/,
  "console-read-port.ts": /pages: 1 \+ 1, then the end\nqueue: 0 pending; steps shown: false\nkwp_workflow_runs\{status="PENDING"\} 3/,
  "exactly-once.ts": /settled: done; the same claim again: superseded\njob COMPLETED, invoices sent: 1/,
  "blob-store.ts": /stored: runs\/r-1\/extract\/output.json, runs\/r-1\/summarize\/output.json[\s\S]*after delete: false/,
};
const NOT_RUN = ["prisma-drop-in.ts"];
/** The peers npm picks on each Node: kysely 0.29 and better-sqlite3 13 declare Node 22. */
const PEERS: Record<number, { kysely: string; "better-sqlite3": string }> = {
  20: { kysely: "0.28", "better-sqlite3": "12" },
  22: { kysely: "0.29", "better-sqlite3": "13" },
  24: { kysely: "0.29", "better-sqlite3": "13" },
};

/** The README's quickstart block, as a reader copies it. */
function readmeQuickstart(): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  return /<!-- example:examples\/quickstart\.ts -->\n```ts\n([\s\S]*?)```/.exec(readme)![1]!;
}

describe.skipIf(!existsSync(join(root, "dist/index.js"))).each([20, 22, 24])("the packed package on Node %i, installed as the README says", (major) => {
  let node: NodeRuntime;
  let app: string;
  let installed: string;
  beforeAll(async () => {
    node = await nodeRuntime(major);
    app = mkdtempSync(join(tmpdir(), `kwp-app-node${major}-`));
    // The README's lines, in an empty folder: no package.json until npm writes one.
    for (const args of [["install", packedTarball(), "kysely"], ["install", "better-sqlite3"], ["install", "pg"]]) {
      const result = await node.run("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], { cwd: app });
      expect(result.code, `npm ${args.join(" ")} on Node ${node.version}:\n${result.stderr}`).toBe(0);
      expect(result.stderr, `npm ${args[1]}: no engine warnings`).not.toMatch(/EBADENGINE/);
    }
    installed = join(app, "node_modules/kysely-workflow-persistence");
  }, 300_000);
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it("npm picked the peers this Node runs, into a package.json without \"type\": \"module\"", () => {
    const version = (name: string) => JSON.parse(readFileSync(join(app, "node_modules", name, "package.json"), "utf8")).version as string;
    expect(version("kysely").startsWith(`${PEERS[major]!.kysely}.`)).toBe(true);
    expect(version("better-sqlite3").startsWith(`${PEERS[major]!["better-sqlite3"]}.`)).toBe(true);
    expect(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).type).toBeUndefined();
  });

  it("runs the README's quickstart as pasted: node quickstart.mjs, npx tsx quickstart.mts; SQLite, then PostgreSQL", { timeout: 180_000 }, async () => {
    const folder = join(app, "quickstart");
    mkdirSync(folder);
    writeFileSync(join(folder, "quickstart.mjs"), readmeQuickstart());
    writeFileSync(join(folder, "quickstart.mts"), readmeQuickstart());
    const sqlite = await node.run("node", ["quickstart.mjs"], { cwd: folder, env: { DATABASE_URL: undefined } });
    expect(sqlite.stderr).toBe("");
    expect(sqlite.stdout).toMatch(/^run \S+ is completed$/m);
    expect(existsSync(join(folder, "workflow.db"))).toBe(true);
    const typescript = await node.run("npx", ["-y", "tsx", "quickstart.mts"], { cwd: folder, env: { DATABASE_URL: undefined } });
    expect(typescript.stderr).toBe("");
    expect(typescript.stdout).toMatch(/^run \S+ is completed$/m);
    const database = await createPostgresDatabase("quickstart");
    try {
      const postgres = await node.run("node", ["quickstart.mjs"], { cwd: folder, env: { DATABASE_URL: database.url } });
      expect(postgres.stderr).toBe("");
      expect(postgres.stdout).toMatch(/^run \S+ is completed$/m);
    } finally {
      await database.dispose();
    }
  });

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
    // What the packed guides link to is in the package too (images included).
    for (const page of readdirSync(join(installed, "docs")).filter((name) => name.endsWith(".md"))) {
      for (const [, target] of readFileSync(join(installed, "docs", page), "utf8").matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        expect(existsSync(join(installed, "docs", target!)), `docs/${page} → ${target}`).toBe(true);
      }
    }
  });

  /** The example, compiled to JavaScript once (as an application's build would), run with this Node in the application. */
  async function run(file: string, databaseUrl: string) {
    const compiled = join(app, file.replace(/\.ts$/, ".mjs"));
    if (!existsSync(compiled)) {
      const source = readFileSync(join(installed, "examples", file), "utf8");
      writeFileSync(compiled, transformSync(source, { loader: "ts", format: "esm", target: "node20" }).code);
    }
    const cwd = join(app, `run-${Math.random().toString(36).slice(2)}`);
    mkdirSync(cwd);
    return node.run("node", [compiled], { cwd, env: { DATABASE_URL: databaseUrl } });
  }

  describe.each(Object.entries(EXPECTED))("%s", (file, expected) => {
    it("runs on SQLite", { timeout: 180_000 }, async () => {
      const result = await run(file, `sqlite:${join(app, `${file}.db`)}`);
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(expected);
    });

    it("runs on PostgreSQL", { timeout: 180_000 }, async () => {
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

describe.skipIf(!existsSync(join(root, "dist/index.js")) || Number(process.versions.node.split(".")[0]) >= 22)("better-sqlite3 13 on Node 20", () => {
  it("is refused by name, saying which to install, instead of crashing the process", { timeout: 180_000 }, async () => {
    const node = await nodeRuntime(20);
    const app = mkdtempSync(join(tmpdir(), "kwp-app-bsqlite13-"));
    try {
      const install = await node.run("npm", ["install", packedTarball(), "kysely", "better-sqlite3@13", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: app });
      expect(install.code, install.stderr).toBe(0);
      writeFileSync(join(app, "open.mjs"), `import { openDatabase } from "kysely-workflow-persistence";\ntry { openDatabase("sqlite:./a.db"); } catch (error) { console.log(error.name + ": " + error.message); }\n`);
      const result = await node.run("node", ["open.mjs"], { cwd: app });
      expect(result.signal).toBeNull();
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^ConfigurationError: better-sqlite3 13\.\S+ needs Node 22 or newer, and this is Node 20\.\S+ .*npm install better-sqlite3@12/);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
