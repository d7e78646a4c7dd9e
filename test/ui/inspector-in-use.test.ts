/// <reference lib="dom" />
import { createServer, type Server } from "node:http";
import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import * as v1 from "../../src/v1.js";
import { repositoryRoot } from "../support/consumer-project.js";
import { createTestDatabase, DATABASE_TYPES, type TestDatabase } from "../support/test-databases.js";
import { startKwpUi } from "./ui-server-child.js";

// `kwp ui` as people use it, in Debian's chromium: the real buttons clicked
// (no header set by hand), typing into a filter while runs arrive, a
// selection held through refreshes, two inspectors side by side, a phone and
// a laptop on pages full of long values, and the run's timeline. Screenshots
// go to test-results/kwp-ui/in-use-*.png.

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = join(repositoryRoot, "test-results/kwp-ui");
const POLL_MS = 400;
const LONG_NAME = `Quarterly reconciliation ${"of every ledger ".repeat(25)}`.trim();
const LONG_ERROR = `Upstream refused the batch: ${"account-0000000000 rejected (limit); ".repeat(160)}`;

const launch = () => chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A run with two execution groups (two parallel stages in the first, one retried), steps, logs, a long name and error. */
async function fill(db: any) {
  const persistence: any = v1.createKyselyWorkflowPersistence(db);
  const queue: any = v1.createKyselyJobQueue(db, { workerId: "worker-in-use", listen: false });
  const ledger: any = v1.createKyselyStepLedger(db);
  const t0 = Date.now() - 60_000;
  const at = (s: number) => new Date(t0 + s * 1_000);
  const run = await persistence.createRun({ workflowId: "reconcile", workflowName: LONG_NAME, workflowType: "ledger", input: { big: "y".repeat(300_000) } });
  await persistence.updateRun(run.id, { status: "RUNNING", startedAt: at(0) });
  const extract = await persistence.createStage({ workflowRunId: run.id, stageId: "extract", stageName: "Extract", stageNumber: 1, executionGroup: 1 });
  await persistence.updateStage(extract.id, { status: "COMPLETED", startedAt: at(0), completedAt: at(20), duration: 20_000, outputData: { ledgers: 42, note: "extracted <b>all</b>" } });
  const enrich = await persistence.createStage({ workflowRunId: run.id, stageId: "enrich", stageName: "Enrich", stageNumber: 2, executionGroup: 1 });
  await persistence.updateStage(enrich.id, { status: "FAILED", startedAt: at(2), completedAt: at(12), duration: 10_000, errorMessage: LONG_ERROR });
  const post = await persistence.createStage({ workflowRunId: run.id, stageId: "post", stageName: "Post", stageNumber: 1, executionGroup: 2 });
  await persistence.updateStage(post.id, { status: "RUNNING", startedAt: at(30) });
  await ledger.claim({ stageRecordId: post.id, stepId: "fetch-rates", seq: 1, kind: "run", status: "completed", attempt: 1, leaseExpiresAt: null, deadlineAt: null });
  const logger: any = v1.createKyselyAICallLogger(db);
  await logger.logBatchResults("rates", Array.from({ length: 55 }, (_, i) => ({ topic: `workflow.${run.id}.stage.post`, callType: "text", modelKey: i % 2 ? "fast-model" : "big-model", modelId: "x/m", prompt: "private prompt", response: "r", inputTokens: 100 + i, outputTokens: 10, cost: 0.001 })));
  await logger.close?.();
  for (let i = 0; i < 3; i++) await persistence.createLog({ workflowRunId: run.id, workflowStageId: post.id, level: "INFO", message: `posted batch ${i}` });
  await queue.enqueue({ workflowRunId: run.id, stageId: "review", workflowId: "reconcile" });
  const review = await queue.dequeue();
  await queue.suspend(review.jobId, at(10));
  await queue.enqueue({ workflowRunId: run.id, stageId: "post", workflowId: "reconcile" });
  const failed = await persistence.createRun({ workflowId: "reconcile", workflowName: LONG_NAME, workflowType: "ledger", input: {} });
  await persistence.updateRun(failed.id, { status: "FAILED", startedAt: at(0), completedAt: at(5) });
  const declined = await persistence.createStage({ workflowRunId: failed.id, stageId: "charge", stageName: "Charge card", stageNumber: 1, executionGroup: 1 });
  await persistence.updateStage(declined.id, { status: "FAILED", startedAt: at(1), completedAt: at(4), errorMessage: "declined by the issuer" });
  return { runId: run.id, persistence };
}

/** Whether the page scrolls sideways at the current viewport. */
const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

/** Signs a context in the way a person does: opening the printed URL. */
async function signIn(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

describe.skipIf(!existsSync(CHROMIUM) || !existsSync(join(repositoryRoot, "dist/cli.js"))).each(DATABASE_TYPES.map((t) => [t]))("the inspector in use on %s", (databaseType) => {
  let browser: Browser;
  let database: TestDatabase;
  let db: any;
  let data: Awaited<ReturnType<typeof fill>>;
  let ui: Awaited<ReturnType<typeof startKwpUi>>;
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `in-use-${databaseType}-${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launch();
    database = await createTestDatabase[databaseType]("ui-in-use");
    db = database.open();
    await migrateToLatest(db, { target: "1.0" });
    data = await fill(db);
    ui = await startKwpUi(database.url, ["--poll", String(POLL_MS), "--allow-writes"]);
  }, 120_000);
  afterAll(async () => {
    await ui?.stop();
    await browser?.close();
    await db?.destroy();
    await database?.dispose();
  });

  it("cancels a run and replays dead letters when their buttons are clicked", { timeout: 180_000 }, async () => {
    const run = await data.persistence.createRun({ workflowId: "reconcile", workflowName: "To cancel", workflowType: "ledger", input: {} });
    await data.persistence.appendOutboxEvents([{ workflowRunId: run.id, eventType: "ledger.posted", payload: {}, causationId: run.id, occurredAt: new Date() }]);
    const [event] = await data.persistence.getUnpublishedOutboxEvents();
    await data.persistence.moveOutboxEventToDLQ(event.id);
    const context = await browser.newContext();
    const page = await signIn(context, ui.url);
    await page.goto(`${ui.origin}/runs/${run.id}`);
    await Promise.all([page.waitForURL(`${ui.origin}/runs/${run.id}`), page.getByRole("button", { name: "Cancel this run" }).click()]);
    expect(await page.locator(".cards .status").first().innerText()).toBe("CANCELLED");
    expect((await data.persistence.getRun(run.id)).status).toBe("CANCELLED");
    await page.goto(`${ui.origin}/dead-letters`);
    await Promise.all([page.waitForURL(/replayed=1$/), page.getByRole("button", { name: /Replay dead letters/ }).click()]);
    expect(await page.getByRole("status").innerText()).toContain("1 dead letter moved back");
    await context.close();
  });

  it("opens a run from the first characters of its id typed into the search field", { timeout: 180_000 }, async () => {
    const shared = `srch-${databaseType}-`;
    const runs = [];
    for (const tail of ["a1", "a2", "b3"]) runs.push(await data.persistence.createRun({ id: `${shared}${tail}`, workflowId: "search", workflowName: `Search ${tail}`, workflowType: "t", input: {} }));
    const context = await browser.newContext();
    const page = await signIn(context, ui.url);
    await page.goto(`${ui.origin}/runs`);
    // Two runs share the prefix: the list of them, in id order.
    await page.getByLabel("Run id").click();
    await page.keyboard.type(`${shared}a`, { delay: 20 });
    await Promise.all([page.waitForURL(/\/runs\?id=/), page.getByRole("button", { name: "Apply" }).click()]);
    const matches = page.getByRole("region", { name: `Runs whose id starts with ${shared}a` });
    expect(await matches.getByRole("link").allInnerTexts()).toEqual([`${shared}a1`, `${shared}a2`]);
    // One run has it: its page opens.
    await page.getByLabel("Run id").fill("");
    await page.getByLabel("Run id").click();
    await page.keyboard.type(`${shared}b`, { delay: 20 });
    await Promise.all([page.waitForURL(`${ui.origin}/runs/${runs[2]!.id}`), page.getByRole("button", { name: "Apply" }).click()]);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toContain("Search b3");
    await context.close();
  });

  it("refuses a form another page (another port of this host) sends with the reader's cookie", { timeout: 180_000 }, async () => {
    const run = await data.persistence.createRun({ workflowId: "reconcile", workflowName: "Target", workflowType: "ledger", input: {} });
    // A page on another port: same site for the browser, so the SameSite cookie goes along.
    const attacker: Server = createServer((_request, response) => {
      response.writeHead(200, { "Content-Type": "text/html" });
      response.end(`<form id="f" method="post" action="${ui.origin}/runs/${run.id}/cancel"><input name="form_token" value="guess"></form><button id="go" onclick="document.getElementById('f').submit()">win a prize</button>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    try {
      const context = await browser.newContext();
      const page = await signIn(context, ui.url);
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      const [answer] = await Promise.all([page.waitForResponse(`${ui.origin}/runs/${run.id}/cancel`), page.click("#go")]);
      expect(answer.status()).toBe(403);
      expect((await data.persistence.getRun(run.id)).status).toBe("PENDING");
      await context.close();
    } finally {
      attacker.close();
    }
  });

  it("keeps what the reader types, the focus and a selection through live refreshes", { timeout: 180_000 }, async () => {
    const context = await browser.newContext();
    const page = await signIn(context, ui.url);
    const field = page.getByLabel("Workflow id");
    await field.click();
    await page.keyboard.type("recon", { delay: 50 });
    // New runs arrive while the reader types: the list would change under them.
    for (let i = 0; i < 3; i++) {
      await data.persistence.createRun({ workflowId: "reconcile", workflowName: `Arrived ${i}`, workflowType: "ledger", input: {} });
      await sleep(POLL_MS * 2);
      await page.keyboard.type(i === 2 ? "cile" : "", { delay: 50 });
    }
    expect(await field.inputValue()).toBe("reconcile");
    expect(await field.evaluate((element) => element === document.activeElement)).toBe(true);
    // Leaving the field lets the page catch up.
    await page.locator("h1").click();
    await expect.poll(() => page.locator("tbody").innerText(), { timeout: 60_000 }).toContain("Arrived 2");

    // A selection on an unfinished run's page survives refreshes that bring new log lines.
    await page.goto(`${ui.origin}/runs/${data.runId}`);
    await page.locator("h1").selectText();
    const selected = await page.evaluate(() => window.getSelection()!.toString());
    expect(selected.length).toBeGreaterThan(20);
    await data.persistence.createLog({ workflowRunId: data.runId, level: "INFO", message: "arrived while selected" });
    await sleep(POLL_MS * 4);
    expect(await page.evaluate(() => window.getSelection()!.toString())).toBe(selected);
    expect(await page.locator("main").innerText()).not.toContain("arrived while selected");
    // Clearing it lets the refresh in; an opened section stays open and its payload is loaded once.
    await page.evaluate(() => window.getSelection()!.removeAllRanges());
    await expect.poll(() => page.locator("main").innerText(), { timeout: 60_000 }).toContain("arrived while selected");
    await page.locator("summary", { hasText: "Input" }).click();
    await expect.poll(() => page.locator("details[data-key=input] pre").count(), { timeout: 60_000 }).toBe(1);
    await data.persistence.createLog({ workflowRunId: data.runId, level: "INFO", message: "arrived with the section open" });
    await expect.poll(() => page.locator("main").innerText(), { timeout: 60_000 }).toContain("arrived with the section open");
    expect(await page.locator("details[data-key=input]").evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await page.locator("details[data-key=input] pre").count()).toBe(1);
    await context.close();
  });

  it("keeps two inspectors in one browser signed in side by side", { timeout: 180_000 }, async () => {
    const other = await startKwpUi(database.url);
    try {
      const context = await browser.newContext();
      const first = await signIn(context, ui.url);
      const second = await signIn(context, other.url);
      expect((await first.reload())?.status()).toBe(200);
      expect((await second.reload())?.status()).toBe(200);
      expect((await first.goto(`${ui.origin}/queue`))?.status()).toBe(200);
      await context.close();
    } finally {
      await other.stop();
    }
  });

  it("never scrolls sideways on a phone or a laptop, whatever the values", { timeout: 240_000 }, async () => {
    for (const [width, height] of [[390, 844], [1440, 900]] as const) {
      const context = await browser.newContext({ viewport: { width, height } });
      const page = await signIn(context, ui.url);
      for (const path of ["/runs", `/runs/${data.runId}`, "/queue", "/suspended", "/dead-letters", "/costs?days=365"]) {
        await page.goto(`${ui.origin}${path}`);
        expect({ path, width, sideways: await scrollsSideways(page) }).toEqual({ path, width, sideways: false });
      }
      await page.goto(`${ui.origin}/runs/${data.runId}`);
      await shot(page, `run-${width}`);
      await page.goto(`${ui.origin}/runs`);
      await shot(page, `runs-${width}`);
      // The queue page names the overdue poll it counts.
      await page.goto(`${ui.origin}/queue`);
      expect(await page.locator("table[aria-label='Overdue polls'] tbody tr").innerText()).toMatch(/review\s+1\s+.*overdue/);
      await page.goto(`${ui.origin}/runs`);
      // A failed run says why in the list.
      expect(await page.locator("tbody tr", { hasText: "FAILED" }).locator(".run-error").first().innerText()).toBe("Charge card: declined by the issuer");
      // The navigation wraps: every section's link is on screen.
      for (const link of await page.locator("nav a").all()) {
        const box = (await link.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(width);
      }
      await context.close();
    }
  });

  it("draws the run's stages on one time axis, parallel stages side by side, with details on hover and Tab", { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signIn(context, ui.url);
    await page.goto(`${ui.origin}/runs/${data.runId}`);
    const svg = page.locator("svg.timeline");
    expect(await svg.count()).toBe(1);
    const bar = async (name: string) => (await page.locator(".lane", { hasText: name }).locator("rect.bar").boundingBox())!;
    const [extract, enrich, post] = [await bar("Extract"), await bar("Enrich"), await bar("Post")];
    // One axis: Enrich (group 1) started 2 s after Extract and overlaps it; Post (group 2) starts after both.
    expect(enrich.x).toBeGreaterThan(extract.x);
    expect(enrich.x).toBeLessThan(extract.x + extract.width);
    expect(post.x).toBeGreaterThan(extract.x + extract.width);
    expect(await page.locator("svg.timeline .axis text").count()).toBeGreaterThan(2);
    // Post is running: its bar grows with the time elapsed.
    await sleep(POLL_MS * 4);
    await expect.poll(async () => (await bar("Post")).width, { timeout: 60_000 }).toBeGreaterThan(post.width);
    // Details by keyboard and by pointer.
    await page.locator(".lane", { hasText: "Enrich" }).focus();
    expect(await page.locator(".timeline-detail").innerText()).toMatch(/^Enrich \(execution group 1\): FAILED, started at \+2\.0 s, took 10\.0 s/);
    await page.locator(".lane", { hasText: "Post" }).hover();
    expect(await page.locator(".timeline-detail").innerText()).toMatch(/^Post \(execution group 2\): RUNNING, started at \+30\.0 s/);
    await shot(page, "timeline");
    // A stage's output loads when its section is opened.
    await page.locator("tr", { hasText: "Extract" }).locator("summary", { hasText: "Output" }).click();
    await expect.poll(() => page.locator("tr", { hasText: "Extract" }).locator(".payload pre").innerText(), { timeout: 60_000 }).toContain('"ledgers": 42');
    expect(await page.locator("main b").count()).toBe(0);
    // Each AI call, 50 a page, with its stage and model; the next page by its link.
    expect(await page.locator("table[aria-label='AI calls'] tbody tr").count()).toBe(50);
    expect(await page.locator("table[aria-label='AI calls'] tbody tr").first().innerText()).toMatch(/Post\s+text\s+(big|fast)-model\s+1\d\d\s+10\s+\$0\.001000/);
    expect(await page.locator("main").innerText()).not.toContain("private prompt");
    await page.getByRole("link", { name: "Next 50 calls »" }).click();
    await expect.poll(() => page.locator("table[aria-label='AI calls'] tbody tr").count()).toBe(5);
    await context.close();
  });
});
