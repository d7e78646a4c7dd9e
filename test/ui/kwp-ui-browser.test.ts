/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import type { ContractVersion } from "../../src/database/migrations/contract-versions.js";
import * as v1 from "../../src/v1.js";
import * as v012 from "../../src/v0.12.js";
import { repositoryRoot } from "../support/consumer-project.js";
import { createTestDatabase, type TestDatabase } from "../support/test-databases.js";
import { startKwpUi } from "./ui-server-child.js";

// `kwp ui` in a real browser (Debian's chromium through playwright-core), on
// a database the test fills: paging, a run with a retried stage, a run that
// appears live, a shared link, the keyboard, axe-core, hostile values as text.
// Screenshots of every page go to test-results/kwp-ui/ (look at them).

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = join(repositoryRoot, "test-results/kwp-ui");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;

const FACTORIES = {
  "0.12": { persistence: v012.createKyselyWorkflowPersistence, queue: v012.createKyselyJobQueue, logger: v012.createKyselyAICallLogger },
  "1.0": { persistence: v1.createKyselyWorkflowPersistence, queue: v1.createKyselyJobQueue, logger: v1.createKyselyAICallLogger },
} as const;

async function fill(db: any, contract: "0.12" | "1.0") {
  const persistence: any = FACTORIES[contract].persistence(db);
  const queue: any = FACTORIES[contract].queue(db, { workerId: "worker-ui", listen: false });
  const runs: string[] = [];
  for (let i = 0; i < 55; i++) {
    const run = await persistence.createRun({ workflowId: i % 3 ? "orders" : "refunds", workflowName: i === 0 ? HOSTILE : `Order ${i}`, workflowType: "order", input: { i, note: HOSTILE } });
    if (i % 5 === 0) await persistence.updateRun(run.id, { status: "FAILED" });
    runs.push(run.id);
  }
  // The newest run: two stages, the second retried once (its job's second attempt), logs, an AI call.
  const run = await persistence.createRun({ workflowId: "orders", workflowName: "Retried order", workflowType: "order", input: { doc: 1 } });
  await persistence.updateRun(run.id, { status: "RUNNING", startedAt: new Date(Date.now() - 5_000) });
  const first = await persistence.createStage({ workflowRunId: run.id, stageId: "extract", stageName: "Extract", stageNumber: 1, executionGroup: 1 });
  await persistence.updateStage(first.id, { status: "COMPLETED", startedAt: new Date(Date.now() - 5_000), completedAt: new Date(Date.now() - 3_000), duration: 2_000 });
  const second = await persistence.createStage({ workflowRunId: run.id, stageId: "charge", stageName: "Charge", stageNumber: 1, executionGroup: 2 });
  await persistence.updateStage(second.id, { status: "RUNNING", startedAt: new Date(Date.now() - 2_000) });
  await persistence.createLog({ workflowRunId: run.id, workflowStageId: second.id, level: "WARN", message: `charge failed once: ${HOSTILE}` });
  await queue.enqueue({ workflowRunId: run.id, stageId: "charge", workflowId: "orders" });
  const attempt1 = await queue.dequeue();
  await queue.fail(attempt1.jobId, "card declined", true);
  await db.updateTable("job_queue").set({ nextPollAt: null }).where("id", "=", attempt1.jobId).execute();
  const attempt2 = await queue.dequeue();
  expect(attempt2.attempt).toBe(2);
  const logger: any = FACTORIES[contract].logger(db);
  await logger.logBatchResults("b", [{ topic: `workflow.${run.id}.stage.extract`, callType: "text", modelKey: "fast-model", modelId: "x/fast", prompt: "p", response: "r", inputTokens: 100, outputTokens: 20, cost: 0.002 }]);
  await logger.close?.();
  return { runs, retried: run.id, persistence };
}

const launch = () => chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });

async function axe(page: Page) {
  await page.evaluate(axeSource);
  const result: any = await page.evaluate(() => (window as any).axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.filter((v: any) => v.impact === "serious" || v.impact === "critical").map((v: any) => `${v.id}: ${v.nodes.length} node(s) ${v.nodes[0]?.target}`);
}

const CASES: Array<["sqlite" | "postgresql", "0.12" | "1.0"]> = [["sqlite", "1.0"], ["postgresql", "0.12"]];

describe.skipIf(!existsSync(CHROMIUM) || !existsSync(join(repositoryRoot, "dist/cli.js")))("kwp ui in a browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launch();
  }, 60_000);
  afterAll(async () => browser?.close());

  describe.each(CASES)("on %s (%s schema)", (databaseType, contract: ContractVersion) => {
    let database: TestDatabase;
    let db: any;
    let ui: Awaited<ReturnType<typeof startKwpUi>>;
    let data: Awaited<ReturnType<typeof fill>>;
    const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${databaseType}-${name}.png`), fullPage: true });

    beforeAll(async () => {
      database = await createTestDatabase[databaseType]("ui");
      db = database.open();
      await migrateToLatest(db, { target: contract });
      data = await fill(db, contract as "0.12" | "1.0");
      ui = await startKwpUi(database.url, ["--poll", "500"]);
    }, 120_000);
    afterAll(async () => {
      await ui?.stop();
      await db?.destroy();
      await database?.dispose();
    });

    it("pages through runs, opens the retried run, sees a new run appear live, and renders hostile values as text", { timeout: 180_000 }, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => void (dialogs.push(dialog.message()), dialog.dismiss()));
      await page.goto(ui.url);
      expect(new URL(page.url()).pathname).toBe("/runs");
      expect(page.url()).not.toContain("token=");
      await expect.poll(() => page.locator("tbody tr").count()).toBe(50);
      const runLinks = () => page.locator("tbody tr a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
      const firstPage = await runLinks();
      await shot(page, "runs");

      await page.getByRole("link", { name: "Next page »" }).click();
      await expect.poll(() => page.locator("tbody tr").count()).toBe(6);
      expect(page.url()).toContain("cursor=");
      await shot(page, "runs-page-2");
      // And back: the previous page is the first page's rows, with no earlier page before it.
      await page.getByRole("link", { name: "‹ Previous page" }).click();
      await expect.poll(() => page.locator("tbody tr").count()).toBe(50);
      expect(await runLinks()).toEqual(firstPage);
      expect(await page.getByRole("link", { name: "‹ Previous page" }).count()).toBe(0);
      await page.getByRole("link", { name: "Next page »" }).click();
      await expect.poll(() => page.locator("tbody tr").count()).toBe(6);
      // Hostile values (the oldest run's name): text on the page, no element made of them, no script run.
      expect(await page.locator("main").innerText()).toContain(HOSTILE);
      expect(await page.locator("main img, main script").count()).toBe(0);
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();

      await page.goto(`${ui.origin}/runs/${data.retried}`);
      const charge = page.locator("tr", { hasText: "Charge" }).first();
      expect(await charge.innerText()).toContain("2 (retried 1×)");
      expect(await page.locator("main").innerText()).toContain("card declined");
      expect(await page.locator("main").innerText()).toContain(`charge failed once: ${HOSTILE}`);
      expect(await page.locator("main img, main script").count()).toBe(0);
      expect(await page.locator("main").innerText()).toContain("fast-model");
      await page.locator("summary", { hasText: "Input" }).click();
      expect(await page.locator("details[data-key=input] pre").innerText()).toContain('"doc": 1');
      await shot(page, "run");

      // Live: a run created now shows up on the first page without a reload.
      await page.goto(`${ui.origin}/runs`);
      const live = await data.persistence.createRun({ workflowId: "orders", workflowName: "Arrived live", workflowType: "order", input: {} });
      await expect.poll(() => page.locator(`a[href="/runs/${live.id}"]`).count(), { timeout: 60_000 }).toBe(1);

      for (const [path, name] of [["/queue", "queue"], ["/suspended", "suspended"], ["/dead-letters", "dead-letters"], ["/costs", "costs"]] as const) {
        const response = await page.goto(`${ui.origin}${path}`);
        expect(response?.status(), path).toBe(200);
        await shot(page, name);
      }
      expect(await page.locator("main").innerText()).toContain("orders");
      expect(dialogs).toEqual([]);
      await context.close();
    });

    it("follows a shared link (filters in the URL) in a fresh browser once the token is given, and refuses it without", { timeout: 180_000 }, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const shared = `${ui.origin}/runs?status=FAILED&workflowId=refunds`;
      expect((await page.goto(shared))?.status()).toBe(401);
      await page.goto(`${shared}&token=${ui.token}`);
      expect(new URL(page.url()).search).toBe("?status=FAILED&workflowId=refunds");
      expect(await page.locator("select[name=status]").inputValue()).toBe("FAILED");
      const statuses = await page.locator("tbody .status").allInnerTexts();
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set(["FAILED"]));
      expect((await page.goto(`${ui.origin}/runs?token=wrong-token-wrong-token`))?.status()).toBe(401);
      await context.close();
    });

    it("works from the keyboard: skip link, then a run link opened with Enter", { timeout: 180_000 }, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(ui.url);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
      let onRun = false;
      for (let i = 0; i < 40 && !onRun; i++) {
        await page.keyboard.press("Tab");
        onRun = await page.evaluate(() => /^\/runs\/[^/]+$/.test(document.activeElement?.getAttribute("href") ?? ""));
      }
      expect(onRun).toBe(true);
      await Promise.all([page.waitForURL(/\/runs\/[^/?]+$/), page.keyboard.press("Enter")]);
      expect(await page.locator("h1").innerText()).not.toBe("");
      await context.close();
    });

    it("has no serious accessibility violations on any page (axe-core)", { timeout: 180_000 }, async () => {
      // axe is injected by the test, past the page's CSP (which allows no such script).
      const context = await browser.newContext({ bypassCSP: true });
      const page = await context.newPage();
      await page.goto(ui.url);
      for (const path of ["/runs", `/runs/${data.retried}`, "/queue", "/suspended", "/costs", ...(contract === "0.1" ? [] : ["/dead-letters"])]) {
        await page.goto(`${ui.origin}${path}`);
        expect(await axe(page), path).toEqual([]);
      }
      await context.close();
    });
  });
});
