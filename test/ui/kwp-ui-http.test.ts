import { request } from "node:http";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import * as v1 from "../../src/v1.js";
import { repositoryRoot } from "../support/consumer-project.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";
import { startKwpUi } from "./ui-server-child.js";

// `kwp ui` over HTTP, as a script or a scraper sees it: who may read, what
// the responses promise the browser, and writes only when allowed.

/** A raw request (fetch would not let a test set Host). */
function get(origin: string, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ status: number; headers: Record<string, any>; body: string }> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method, headers }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.once("error", reject);
    req.end();
  });
}

describe.skipIf(!existsSync(join(repositoryRoot, "dist/cli.js"))).each(DATABASE_TYPES.map((t) => [t]))("kwp ui over HTTP on %s", (databaseType) => {
  let database: TestDatabase;
  let db: any;
  let runId: string;
  beforeAll(async () => {
    database = await createTestDatabase[databaseType]("ui-http");
    db = database.open();
    await migrateToLatest(db, { target: "1.0" });
    const persistence = v1.createKyselyWorkflowPersistence(db);
    runId = (await persistence.createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} })).id;
    await v1.createKyselyJobQueue(db, { listen: false }).enqueue({ workflowRunId: runId, stageId: "s", workflowId: "wf" });
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await database?.dispose();
  });

  it("listens on loopback only, asks for the token, and sends a strict policy", { timeout: 180_000 }, async () => {
    const ui = await startKwpUi(database.url);
    try {
      expect(new URL(ui.url).hostname).toBe("127.0.0.1");
      const cookie = { Cookie: `kwp_ui_token=${ui.token}` };
      expect((await get(ui.origin, "/runs")).status).toBe(401);
      expect((await get(ui.origin, "/runs", { Cookie: "kwp_ui_token=wrong" })).status).toBe(401);
      expect((await get(ui.origin, "/metrics")).status).toBe(401);
      const entry = await get(ui.origin, `/runs?token=${ui.token}`);
      expect(entry.status).toBe(303);
      expect(entry.headers.location).toBe("/runs");
      expect(entry.headers["set-cookie"][0]).toMatch(/^kwp_ui_token=.+; HttpOnly; SameSite=Strict; Path=\//);
      const runs = await get(ui.origin, "/runs", cookie);
      expect(runs.status).toBe(200);
      expect(runs.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(runs.headers["content-security-policy"]).not.toContain("unsafe-inline");
      expect(runs.headers["x-frame-options"]).toBe("DENY");
      expect(runs.body).toContain(runId);
      expect(runs.body).not.toMatch(/<script>|style="/);
      // Another name for this address (DNS rebinding) is refused.
      expect((await get(ui.origin, "/runs", { ...cookie, Host: `attacker.example:${new URL(ui.origin).port}` })).status).toBe(421);
      const metrics = await get(ui.origin, "/metrics", { Authorization: `Bearer ${ui.token}` });
      expect(metrics.status).toBe(200);
      expect(metrics.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
      expect(metrics.body).toContain('kwp_workflow_runs{status="PENDING"} 1');
      expect((await get(ui.origin, "/runs/no-such-run", cookie)).status).toBe(404);
      expect((await get(ui.origin, "/runs?cursor=not-a-cursor", cookie)).body).toContain("invalid query.cursor");
      // Read-only: a write is refused, and nothing changed.
      expect((await get(ui.origin, `/runs/${runId}/cancel`, cookie, "POST")).status).toBe(403);
      expect((await get(ui.origin, "/dead-letters/replay", cookie, "POST")).status).toBe(403);
      expect((await get(ui.origin, "/dead-letters", cookie)).body).not.toContain("Replay dead letters");
      expect((await v1.createKyselyWorkflowPersistence(db).getRun(runId))?.status).toBe("PENDING");
    } finally {
      await ui.stop();
    }
  });

  it("with --allow-writes cancels a run and its jobs in one transaction and replays dead letters, from its own origin only", { timeout: 180_000 }, async () => {
    const ui = await startKwpUi(database.url, ["--allow-writes"]);
    try {
      const cookie = { Cookie: `kwp_ui_token=${ui.token}` };
      expect((await get(ui.origin, `/runs/${runId}/cancel`, { ...cookie, Origin: "http://attacker.example" }, "POST")).status).toBe(403);
      expect((await v1.createKyselyWorkflowPersistence(db).getRun(runId))?.status).toBe("PENDING");
      const done = await get(ui.origin, `/runs/${runId}/cancel`, { ...cookie, Origin: ui.origin }, "POST");
      expect(done.status).toBe(303);
      expect((await v1.createKyselyWorkflowPersistence(db).getRun(runId))?.status).toBe("CANCELLED");
      const jobs = await v1.createKyselyJobQueue(db, { listen: false }).getJobsByWorkflowRun(runId);
      expect(jobs.map((j) => j.status)).toEqual(["CANCELLED"]);
      expect((await get(ui.origin, `/runs/${runId}/cancel`, cookie, "POST")).status).toBe(409);
      expect((await get(ui.origin, "/runs/missing/cancel", cookie, "POST")).status).toBe(404);

      // Dead letters go back to the outbox through the contract's replayDLQEvents.
      const persistence = v1.createKyselyWorkflowPersistence(db);
      await persistence.appendOutboxEvents([{ workflowRunId: runId, eventType: "e", payload: {}, causationId: runId, occurredAt: new Date() }]);
      const [event] = await persistence.getUnpublishedOutboxEvents();
      await persistence.moveOutboxEventToDLQ(event!.id);
      expect((await get(ui.origin, "/dead-letters", cookie)).body).toContain("Replay dead letters");
      const replayed = await get(ui.origin, "/dead-letters/replay", { ...cookie, Origin: ui.origin }, "POST");
      expect(replayed.headers.location).toBe("/dead-letters?replayed=1");
      expect((await get(ui.origin, "/dead-letters?replayed=1", cookie)).body).toContain("1 dead letter moved back");
      expect((await persistence.getUnpublishedOutboxEvents()).map((e) => e.id)).toEqual([event!.id]);
    } finally {
      await ui.stop();
    }
  });
});
