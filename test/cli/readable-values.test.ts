import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { elapsedMs, formatCost, formatDuration, roundCost } from "../../src/format/readable-values.js";
import * as v1 from "../../src/v1.js";
import { startKwpUi } from "../ui/ui-server-child.js";
import { json, kwp } from "../support/kwp.js";
import { createTestDatabase, DATABASE_TYPES } from "../support/test-databases.js";

// Issue 29, item 10: the numbers people read are the same in the CLI, its
// JSON and the inspector, and read as a person would write them.

describe("readable values", () => {
  it("durations never read 60 s or 60 min; negative spans keep their sign", () => {
    expect([999, 999.6, 59_940, 59_960, 60_000, 3_599_400, 3_599_600, 7_200_000].map(formatDuration)).toEqual([
      "999 ms", "1.0 s", "59.9 s", "1 min 0 s", "1 min 0 s", "59 min 59 s", "1 h 0 min", "2 h 0 min",
    ]);
    expect(formatDuration(-3)).toBe("-3 ms");
    expect(elapsedMs({ duration: null, startedAt: new Date(1_000), completedAt: new Date(6_500) })).toBe(5_500);
    expect(elapsedMs({ duration: 7, startedAt: new Date(1_000), completedAt: new Date(6_500) })).toBe(7);
    expect(elapsedMs({ duration: null, startedAt: new Date(1_000), completedAt: null }, 4_000)).toBe(3_000);
  });

  it("costs: US dollars to the micro-dollar, as text and as JSON numbers", () => {
    expect(formatCost(0.044047649999999994)).toBe("$0.044048");
    expect(formatCost(1234.5)).toBe("$1,234.500000");
    expect(formatCost(-0.01)).toBe("-$0.010000");
    expect(formatCost(-1e-9)).toBe("$0.000000");
    expect(roundCost(0.044047649999999994)).toBe(0.044048);
    expect(Object.is(roundCost(-1e-9), 0)).toBe(true);
  });
});

describe.each(DATABASE_TYPES)("kwp and kwp ui show the same figures (%s)", (databaseType) => {
  it("a completed run without a stored duration, its workflow, its cost: one way everywhere", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase[databaseType]("cli-readable");
    try {
      const db = v1.openDatabase(database.url);
      let runId: string;
      try {
        await v1.migrateToLatest(db, { target: "1.0" });
        const persistence = v1.createKyselyWorkflowPersistence(db);
        const run = await persistence.createRun({ workflowId: "summarize", workflowName: "Summarize a document", workflowType: "docs", input: {} });
        runId = run.id;
        await persistence.updateRun(run.id, {
          status: "COMPLETED", startedAt: new Date("2026-01-01T10:00:00Z"), completedAt: new Date("2026-01-01T10:08:05Z"), totalCost: 0.044047649999999994,
        });
      } finally {
        await db.destroy();
      }
      const runs = await kwp(database.url, "runs");
      expect(runs.stdout).toMatch(/summarize\s*│\s*Summarize a document\s*│\s*COMPLETED/);
      expect(runs.stdout).toContain("8 min 5 s");
      expect(runs.stdout).toContain("$0.044048");
      expect(runs.stdout).not.toMatch(/│\s*docs\s*│/);
      expect(json(await kwp(database.url, "--json", "runs"))[0]).toMatchObject({ totalCost: 0.044048, duration: null });
      const one = await kwp(database.url, "run", runId);
      expect(one.stdout).toContain("took 8 min 5 s");
      expect(one.stdout).toContain("cost $0.044048");

      const ui = await startKwpUi(database.url);
      try {
        const page = await new Promise<string>((resolve, reject) => {
          const url = new URL("/runs", ui.origin);
          request({ host: url.hostname, port: url.port, path: url.pathname, headers: { Cookie: `kwp_ui_token_${url.port}=${ui.token}` } }, (res) => {
            let body = "";
            res.on("data", (chunk) => (body += chunk));
            res.on("end", () => resolve(body));
          }).once("error", reject).end();
        });
        expect(page).toContain("$0.044048");
        expect(page).toContain("8 min 5 s");
      } finally {
        await ui.stop();
      }
    } finally {
      await database.dispose();
    }
  });
});
