import { request } from "node:http";
import { describe, expect, it } from "vitest";
import * as v1 from "../../src/v1.js";
import { startKwpUi } from "../ui/ui-server-child.js";
import { json, kwp } from "../support/kwp.js";
import { createTestDatabase, DATABASE_TYPES } from "../support/test-databases.js";

// Issue 29, item 7: the main job shows the current contract. `kwp demo`
// (npm start) speaks 1.0 by default and exercises what 1.0 adds; its summary
// counts each from the database, and every page of `kwp ui` has it to show.

function page(origin: string, token: string, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers: { Cookie: `kwp_ui_token_${url.port}=${token}` } }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    }).once("error", reject).end();
  });
}

describe.each(DATABASE_TYPES)("kwp demo on the 1.0 contract (%s)", (databaseType) => {
  it("durable steps with a replay, fairness, a superseded fenced acknowledgement, definition versions, outbox and a dead letter, costs; every inspector page shows them", { timeout: 180_000 }, async () => {
    const database = await createTestDatabase[databaseType]("cli-demo-1-0");
    try {
      const summary = json(await kwp(database.url, "--json", "demo", "--runs", "5", "--workers", "3"));
      expect(summary).toMatchObject({ contract: "1.0", runs: 5, runsCompleted: 5, jobsCompleted: 35, retries: 5, suspendedAndResumed: 5 });
      expect(summary.contract10).toEqual({
        steps: 15, stepsReplayed: 5, acknowledgementsSuperseded: 1, runsByVersion: { v1: 1, v2: 4 }, annotations: 5,
        outboxPublished: 5, deadLetters: 1, aiCallsReported: 10, fairnessCap: 1,
      });
      const [showcase] = summary.runIds as string[];
      const [waiting] = summary.waitingForReview as string[];

      const db = v1.openDatabase(database.url);
      try {
        const persistence = v1.createKyselyWorkflowPersistence(db);
        expect(await persistence.getDefinition("kwp-demo.document-pipeline", "v1")).toMatchObject({ structureHash: "demo-v1" });
        const review = (await persistence.getStage(waiting!, "review"))!;
        expect(review).toMatchObject({ status: "SUSPENDED" });
        expect((await v1.createKyselyStepLedger(db).get(review.id, "approval"))).toMatchObject({ kind: "wait", status: "pending", deadlineAt: expect.any(Date) });
        const calls = await v1.createKyselyAICallLogger(db).listCalls(`workflow.${showcase}.`);
        expect(calls.some((call) => call.costSource === "reported" && call.reportedCost !== undefined && call.estimatedCost !== undefined && call.servedBy)).toBe(true);
        const groups = await db.selectFrom("job_queue").select("payload").where("workflowRunId", "in", summary.runIds).execute();
        expect(new Set(groups.map((row) => (typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload)._groupKey)).size).toBe(3);
      } finally {
        await db.destroy();
      }

      const ui = await startKwpUi(database.url);
      try {
        const runs = await page(ui.origin, ui.token, "/runs");
        expect(runs.body).toContain(waiting);
        const run = await page(ui.origin, ui.token, `/runs/${encodeURIComponent(showcase!)}`);
        for (const shown of ["draft", "polish", "approval", "route", "report:published", "workflow:completed", "acknowledgement superseded", "step draft replayed"]) {
          expect(run.body, shown).toContain(shown);
        }
        expect((await page(ui.origin, ui.token, "/suspended")).body).toContain(waiting);
        expect((await page(ui.origin, ui.token, "/dead-letters")).body).toContain("report:published");
        expect((await page(ui.origin, ui.token, "/costs")).body).toContain("kwp-demo.document-pipeline");
        expect((await page(ui.origin, ui.token, "/queue")).status).toBe(200);
      } finally {
        await ui.stop();
      }
    } finally {
      await database.dispose();
    }
  });
});
