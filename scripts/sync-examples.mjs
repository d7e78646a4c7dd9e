// Copies each examples/ file into the README and guides between its
// <!-- example:… --> markers, so a changed example is shown exactly
// (test/examples/docs.test.ts checks it). `--check` only reports.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)];
const check = process.argv.includes("--check");
let stale = 0;
for (const page of pages) {
  const path = join(root, page);
  const before = readFileSync(path, "utf8");
  const after = before.replace(
    /(<!-- example:(\S+) -->\n```(?:ts|typescript|js|javascript|mjs)\n)[\s\S]*?(```\n<!-- \/example -->)/g,
    (_match, open, file, close) => `${open}${readFileSync(join(root, file), "utf8")}${close}`,
  );
  if (after === before) continue;
  stale++;
  if (check) console.error(`${page}: an example block differs from its file`);
  else writeFileSync(path, after);
}
if (check && stale > 0) process.exit(1);
