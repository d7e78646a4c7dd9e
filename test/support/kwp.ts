import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNode, type ChildResult } from "./spawn-child.js";

const main = join(dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.ts");

/** Runs `kwp <args>` as a user would, in its own process, against `url`. */
export function kwp(url: string | undefined, ...args: string[]): Promise<ChildResult> {
  return runNode(["--import", "tsx", main, ...(url ? ["--url", url] : []), ...args], {
    env: { DATABASE_URL: "", NO_COLOR: "1" },
  });
}

export function json<T = any>(result: ChildResult): T {
  if (result.code !== 0) throw new Error(`kwp exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
