import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/database/open-database.js";
import { createKyselyWorkflowPersistence } from "../../src/persistence/kysely-workflow-persistence.js";
import { runChild } from "../support/spawn-child.js";
import { KYSELY_BACKENDS, runInput, useBackend } from "../conformance/backends.js";

const RUNS = 200;
const CALLERS = 20;

// 20 callers race claimNextPendingRun over 200 pending runs: every run must be
// claimed exactly once. On PostgreSQL each caller has its own connection; on
// SQLite each caller is its own process on the one file.
describe.each(KYSELY_BACKENDS)("concurrent claimNextPendingRun on $name", (backend) => {
  const fixture = useBackend(backend);

  it(`${CALLERS} callers claim ${RUNS} runs, each exactly once`, { timeout: 180_000 }, async () => {
    const created = new Set<string>();
    for (let i = 0; i < RUNS; i++) created.add((await fixture.persistence.createRun(runInput({ priority: i % 7 }))).id);

    let claimedPerCaller: string[][];
    if (backend.databaseType === "postgresql") {
      const callers = Array.from({ length: CALLERS }, () => openDatabase(fixture.database.url, { postgres: { max: 1 } }));
      try {
        claimedPerCaller = await Promise.all(
          callers.map(async (db) => {
            const persistence = createKyselyWorkflowPersistence(db);
            const claimed: string[] = [];
            for (let run = await persistence.claimNextPendingRun(); run; run = await persistence.claimNextPendingRun()) {
              claimed.push(run.id);
            }
            return claimed;
          }),
        );
      } finally {
        await Promise.all(callers.map((db) => db.destroy()));
      }
    } else {
      const barrier = mkdtempSync(join(tmpdir(), "kwp-barrier-"));
      const running = Promise.all(Array.from({ length: CALLERS }, () => runChild("claim-runs", [fixture.database.url, barrier])));
      while (readdirSync(barrier).length < CALLERS) await new Promise((resolve) => setTimeout(resolve, 20));
      writeFileSync(join(barrier, "go"), "");
      const results = await running;
      rmSync(barrier, { recursive: true, force: true });
      for (const result of results) expect(result.stderr).toBe("");
      claimedPerCaller = results.map((result) => JSON.parse(result.stdout) as string[]);
    }

    const all = claimedPerCaller.flat();
    expect(all).toHaveLength(RUNS);
    expect(new Set(all)).toEqual(created);
    expect(claimedPerCaller.filter((claimed) => claimed.length > 0).length).toBeGreaterThan(1);
    expect(await fixture.persistence.getRunsByStatus("PENDING")).toEqual([]);
    expect(await fixture.persistence.getRunsByStatus("RUNNING")).toHaveLength(RUNS);
  });
});
