import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { KWP_BLOB_PRISMA_MODEL } from "../../src/blobs/blobs-table.js";

// The front door stays short and true: the README within its length, every
// TypeScript block of the README and the guides a file under examples/ (which
// test/package/examples.test.ts runs from the packed package), every link
// between them reaching a file and a heading.

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const MAX_README_LINES = 200;
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)];
const text = (page: string) => readFileSync(join(root, page), "utf8");

/** GitHub's (and TypeDoc's) anchor for a heading. */
const slug = (heading: string) =>
  heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, "").replace(/\s/g, "-");

describe("the README and the guides", () => {
  it(`keeps the README to ${MAX_README_LINES} lines`, () => {
    expect(text("README.md").split("\n").length).toBeLessThanOrEqual(MAX_README_LINES);
  });

  it.each(pages)("%s: every TypeScript block is an example file, shown exactly", (page) => {
    const content = text(page);
    const blocks = [...content.matchAll(/```(ts|typescript|js|javascript|mjs)\n([\s\S]*?)```/g)];
    for (const block of blocks) {
      const before = content.slice(0, block.index);
      const marker = /<!-- example:(\S+) -->\n$/.exec(before);
      expect(marker, `${page}: a ${block[1]} block without an <!-- example:… --> marker:\n${block[2]!.slice(0, 200)}`).not.toBeNull();
      expect(block[2], `${page}: ${marker![1]}`).toBe(readFileSync(join(root, marker![1]!), "utf8"));
      expect(content.slice(block.index! + block[0].length).startsWith("\n<!-- /example -->")).toBe(true);
    }
  });

  it("shows every example file somewhere", () => {
    const shown = new Set(pages.flatMap((page) => [...text(page).matchAll(/<!-- example:(\S+) -->/g)].map((match) => match[1])));
    for (const file of readdirSync(join(root, "examples"))) expect(shown, file).toContain(`examples/${file}`);
  });

  it.each(pages)("%s: every link to another page reaches a file and a heading there", (page) => {
    for (const [, target] of text(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue; // https:, mailto:
      const [path, anchor] = target!.split("#");
      const file = path ? join(dirname(join(root, page)), path) : join(root, page);
      expect(existsSync(file), `${page} → ${target}`).toBe(true);
      if (anchor && file.endsWith(".md")) {
        const headings = [...readFileSync(file, "utf8").matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1]!));
        expect(headings, `${page} → ${target}`).toContain(anchor);
      }
    }
  });

  it("shows the blob store's Prisma model block exactly as the library exports it", () => {
    const block = KWP_BLOB_PRISMA_MODEL.trimEnd().split("\n").map((line) => (line ? `  ${line}` : line)).join("\n");
    expect(text("docs/kysely-apps.md")).toContain(`  \`\`\`prisma\n${block}\n  \`\`\``);
  });
});
