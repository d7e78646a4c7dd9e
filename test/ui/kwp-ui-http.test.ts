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

/** A form POST as a script sends it. */
function post(origin: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: Record<string, any>; body: string }> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers } }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.once("error", reject);
    req.end(body);
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
      const cookieName = `kwp_ui_token_${new URL(ui.origin).port}`;
      const cookie = { Cookie: `${cookieName}=${ui.token}` };
      expect((await get(ui.origin, "/runs")).status).toBe(401);
      expect((await get(ui.origin, "/runs", { Cookie: `${cookieName}=wrong` })).status).toBe(401);
      expect((await get(ui.origin, "/metrics")).status).toBe(401);
      const entry = await get(ui.origin, `/runs?token=${ui.token}`);
      expect(entry.status).toBe(303);
      expect(entry.headers.location).toBe("/runs");
      expect(entry.headers["set-cookie"][0]).toMatch(new RegExp(`^${cookieName}=.+; HttpOnly; SameSite=Strict; Path=/`));
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
      const badCursor = await get(ui.origin, "/runs?cursor=not-a-cursor", cookie);
      expect(badCursor.status).toBe(400);
      expect(badCursor.body).toContain("The page link: its cursor is not one this inspector wrote");
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
      const cookie = { Cookie: `kwp_ui_token_${new URL(ui.origin).port}=${ui.token}` };
      const page = await get(ui.origin, `/runs/${runId}`, cookie);
      const formToken = /name="form_token" value="([^"]+)"/.exec(page.body)?.[1];
      expect(formToken).toBeTruthy();
      const form = (token = formToken!) => `form_token=${encodeURIComponent(token)}`;
      const cancel = `/runs/${runId}/cancel`;
      // Refused, and nothing changed: without the form's token (a form on any
      // other page), with a wrong one, from another origin or another port of
      // this host (the cookie is sent there: same site), or when the browser
      // says the request is cross-site even with the token.
      const refused = [
        await post(ui.origin, cancel, { ...cookie }, ""),
        await post(ui.origin, cancel, { ...cookie }, form("x".repeat(43))),
        await post(ui.origin, cancel, { ...cookie, Origin: "http://attacker.example" }, form()),
        await post(ui.origin, cancel, { ...cookie, Origin: "http://127.0.0.1:1" }, form()),
        await post(ui.origin, cancel, { ...cookie, Origin: "null", "Sec-Fetch-Site": "cross-site" }, form()),
        await post(ui.origin, cancel, { ...cookie, "Sec-Fetch-Site": "same-site" }, form()),
        await post(ui.origin, cancel, { ...cookie, Origin: "null" }, form()),
      ];
      expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
      expect(refused[0]!.body).toContain("the form carries no token of this inspector");
      expect((await post(ui.origin, cancel, { ...cookie }, `form_token=${"x".repeat(5_000)}`)).status).toBe(413);
      expect((await v1.createKyselyWorkflowPersistence(db).getRun(runId))?.status).toBe("PENDING");
      const done = await post(ui.origin, cancel, { ...cookie, Origin: ui.origin, "Sec-Fetch-Site": "same-origin" }, form());
      expect(done.status).toBe(303);
      expect((await v1.createKyselyWorkflowPersistence(db).getRun(runId))?.status).toBe("CANCELLED");
      const jobs = await v1.createKyselyJobQueue(db, { listen: false }).getJobsByWorkflowRun(runId);
      expect(jobs.map((j) => j.status)).toEqual(["CANCELLED"]);
      expect((await post(ui.origin, cancel, cookie, form())).status).toBe(409);
      expect((await post(ui.origin, "/runs/missing/cancel", cookie, form())).status).toBe(404);

      // Dead letters go back to the outbox through the contract's replayDLQEvents.
      const persistence = v1.createKyselyWorkflowPersistence(db);
      await persistence.appendOutboxEvents([{ workflowRunId: runId, eventType: "e", payload: {}, causationId: runId, occurredAt: new Date() }]);
      const [event] = await persistence.getUnpublishedOutboxEvents();
      await persistence.moveOutboxEventToDLQ(event!.id);
      expect((await get(ui.origin, "/dead-letters", cookie)).body).toContain("Replay dead letters");
      expect((await post(ui.origin, "/dead-letters/replay", { ...cookie, Origin: ui.origin }, "")).status).toBe(403);
      const replayed = await post(ui.origin, "/dead-letters/replay", { ...cookie, Origin: ui.origin }, form());
      expect(replayed.headers.location).toBe("/dead-letters?replayed=1");
      expect((await get(ui.origin, "/dead-letters?replayed=1", cookie)).body).toContain("1 dead letter moved back");
      expect((await persistence.getUnpublishedOutboxEvents()).map((e) => e.id)).toEqual([event!.id]);
    } finally {
      await ui.stop();
    }
  });

  it("answers what it cannot read with a page that says why, and keeps a valid credential over a wrong one", { timeout: 180_000 }, async () => {
    const ui = await startKwpUi(database.url);
    const other = await startKwpUi(database.url);
    try {
      const port = new URL(ui.origin).port;
      const cookie = { Cookie: `kwp_ui_token_${port}=${ui.token}` };
      // A malformed path and bad filters: 400 pages naming the field in plain words.
      const malformed = await get(ui.origin, "/runs/%ZZ", cookie);
      expect(malformed.status).toBe(400);
      expect(malformed.body).toContain("The run id in the address: “%ZZ” is not valid percent-encoding");
      const status = await get(ui.origin, "/runs?status=DONE", cookie);
      expect(status.status).toBe(400);
      expect(status.body).toContain("Status: “DONE” is not a status: use one of");
      const date = await get(ui.origin, "/runs?createdAfter=2026-13-45", cookie);
      expect(date.status).toBe(400);
      expect(date.body).toContain("Created from: “2026-13-45” is not a date: give one as YYYY-MM-DD");
      expect(date.body).not.toMatch(/expected date|received/i);
      expect((await get(ui.origin, "/runs/x/payload/secrets", cookie)).status).toBe(400);
      expect((await get(ui.origin, `/runs/${runId}/stages/x/password`, cookie)).status).toBe(400);
      expect((await get(ui.origin, `/runs/${runId}/stages/no-such-stage/outputData`, cookie)).status).toBe(404);
      // Empty fields of a submitted form do not fill the address.
      const empty = await get(ui.origin, "/runs?id=&status=&workflowId=orders&workflowType=", cookie);
      expect(empty.status).toBe(303);
      expect(empty.headers.location).toBe("/runs?workflowId=orders");
      // A request head over 16 KB: 431 with a sentence, not an empty body.
      const huge = await get(ui.origin, `/runs?workflowId=${"a".repeat(20_000)}`, cookie);
      expect(huge.status).toBe(431);
      expect(huge.body).toContain("longer than 16 KB");
      // 401 shows neither the navigation nor the database.
      const unauthorized = await get(ui.origin, "/runs");
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.body).not.toContain("<nav");
      expect(unauthorized.body).not.toContain(database.url.replace(/^.*@/, ""));
      expect(unauthorized.body).not.toContain("Queue &amp; workers");
      // A wrong Authorization header beside the right cookie does not log the reader out.
      expect((await get(ui.origin, "/runs", { ...cookie, Authorization: "Bearer wrong" })).status).toBe(200);
      expect((await get(ui.origin, "/metrics", { Authorization: `Bearer ${ui.token}`, Cookie: `kwp_ui_token_${port}=stale` })).status).toBe(200);
      // Two inspectors on one host: a cookie each, neither overwrites the other.
      const otherPort = new URL(other.origin).port;
      const both = { Cookie: `kwp_ui_token_${port}=${ui.token}; kwp_ui_token_${otherPort}=${other.token}` };
      expect((await get(ui.origin, "/runs", both)).status).toBe(200);
      expect((await get(other.origin, "/runs", both)).status).toBe(200);
      expect((await get(other.origin, `/runs?token=${other.token}`)).headers["set-cookie"][0]).toMatch(new RegExp(`^kwp_ui_token_${otherPort}=`));
      // An icon, so no page logs a 404.
      const icon = await get(ui.origin, "/favicon.ico");
      expect(icon.status).toBe(200);
      expect(icon.headers["content-type"]).toBe("image/svg+xml");
      // Bidi overrides and other invisible controls show as what they are.
      const persistence = v1.createKyselyWorkflowPersistence(db);
      const sneaky = await persistence.createRun({ workflowId: "wf", workflowName: "invoice\u202Etxt.exe\u200B", workflowType: "t", input: { note: "a\u2066b" } });
      const shown = await get(ui.origin, `/runs/${sneaky.id}`, cookie);
      expect(shown.body).toContain("invoice⟦U+202E⟧txt.exe⟦U+200B⟧");
      expect(shown.body).toContain("<title>invoice⟦U+202E⟧txt.exe⟦U+200B⟧ ");
      expect(shown.body).not.toMatch(/[\u202E\u200B\u2066]/);
      await persistence.deleteRun?.(sneaky.id);
    } finally {
      await ui.stop();
      await other.stop();
    }
  });

  it("opens a run from the first characters of its id, lists the runs that share them, and says when none does", { timeout: 180_000 }, async () => {
    const persistence = v1.createKyselyWorkflowPersistence(db);
    for (const id of ["inv-2026-0001", "inv-2026-0002", "refund-77"]) await persistence.createRun({ id, workflowId: "wf", workflowName: `Run ${id}`, workflowType: "t", input: {} });
    const ui = await startKwpUi(database.url);
    try {
      const cookie = { Cookie: `kwp_ui_token_${new URL(ui.origin).port}=${ui.token}` };
      const one = await get(ui.origin, "/runs?id=refund", cookie);
      expect(one.status).toBe(303);
      expect(one.headers.location).toBe("/runs/refund-77");
      const several = await get(ui.origin, "/runs?id=inv-2026-", cookie);
      expect(several.status).toBe(200);
      expect(several.body).toContain("Runs whose id starts with");
      expect(several.body.indexOf('href="/runs/inv-2026-0001"')).toBeGreaterThan(-1);
      expect(several.body.indexOf('href="/runs/inv-2026-0001"')).toBeLessThan(several.body.indexOf('href="/runs/inv-2026-0002"'));
      const none = await get(ui.origin, "/runs?id=INV", cookie); // case-sensitive, like the ids
      expect(none.status).toBe(200);
      expect(none.body).toMatch(/No run(&#39;|&#x27;|')s id is or starts with INV\./);
    } finally {
      await ui.stop();
    }
  });

  it("sends a large payload when it is opened, not with the page or its refreshes", { timeout: 180_000 }, async () => {
    const ui = await startKwpUi(database.url);
    try {
      const cookie = { Cookie: `kwp_ui_token_${new URL(ui.origin).port}=${ui.token}` };
      const persistence = v1.createKyselyWorkflowPersistence(db);
      const big = await persistence.createRun({ workflowId: "wf", workflowName: "Big", workflowType: "t", input: { blob: "x".repeat(1_000_000) } });
      const page = await get(ui.origin, `/runs/${big.id}`, cookie);
      expect(page.body.length).toBeLessThan(50_000);
      expect(page.body).toContain(`data-src="/runs/${big.id}/payload/input"`);
      const fragment = await get(ui.origin, `/runs/${big.id}/payload/input`, cookie);
      expect(fragment.body.length).toBeLessThan(80_000);
      expect(fragment.body).toContain("Open the whole value");
      const whole = await get(ui.origin, `/runs/${big.id}/payload/input?whole=1`, cookie);
      expect(whole.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(JSON.parse(whole.body).blob).toHaveLength(1_000_000);
      await persistence.deleteRun?.(big.id);
    } finally {
      await ui.stop();
    }
  });
});
