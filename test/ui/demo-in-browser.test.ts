/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "../support/consumer-project.js";
import { json, kwp } from "../support/kwp.js";
import { startKwpUi } from "./ui-server-child.js";

// What a newcomer sees first: `npm start` (kwp demo, the 1.0 contract) fills
// its own SQLite file, then `kwp ui` on it, clicked through as a person
// would, on a laptop and on a phone. Every page has something of the demo's to
// show. Screenshots go to test-results/kwp-ui/demo-*.png (look at them).

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = join(repositoryRoot, "test-results/kwp-ui");

describe.skipIf(!existsSync(CHROMIUM) || !existsSync(join(repositoryRoot, "dist/cli.js")))("npm start's database in the inspector", () => {
  let browser: Browser;
  let folder: string;
  let ui: Awaited<ReturnType<typeof startKwpUi>>;
  let summary: { runIds: string[]; waitingForReview: string[] };
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    folder = mkdtempSync(join(tmpdir(), "kwp-demo-ui-"));
    const url = `sqlite:${join(folder, "kwp-demo.db")}`;
    summary = json(await kwp(url, "--json", "demo"));
    ui = await startKwpUi(url);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it.each([[1440, 900], [390, 844]])("every page is populated, clicked through at %i px", { timeout: 180_000 }, async (width, height) => {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `demo-${name}-${width}.png`), fullPage: true });
    await page.goto(ui.url);
    const main = () => page.locator("main").innerText();
    await expect.poll(() => page.locator("main tbody tr").count()).toBe(11); // ten runs, and the one waiting for review
    await shot("runs");

    await page.locator(`a[href="/runs/${summary.runIds[0]}"]`).first().click();
    await page.waitForURL(/\/runs\/demo-/);
    for (const shown of ["draft", "approval", "route", "acknowledgement superseded", "report:published"]) expect(await main(), shown).toContain(shown);
    await shot("run");

    for (const [name, text, expected] of [
      ["queue", "Queue & workers", "COMPLETED"],
      ["suspended", "Suspended", summary.waitingForReview[0]!],
      ["dead-letters", "Dead letters", "report:published"],
      ["costs", "Costs", "kwp-demo.document-pipeline"],
    ] as const) {
      await page.locator("nav").getByRole("link", { name: text, exact: true }).click();
      await page.waitForURL(new RegExp(`/${name}`));
      expect(await main(), name).toContain(expected);
      await shot(name);
    }
    await context.close();
  });
});
