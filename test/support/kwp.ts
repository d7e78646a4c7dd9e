import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNode, type ChildResult } from "./spawn-child.js";

/**
 * The built command (`npm test` builds first): no TypeScript compiler starts
 * in each of the many processes these tests run, so they keep their pace on a
 * loaded machine.
 */
export const KWP_BIN = join(dirname(fileURLToPath(import.meta.url)), "../../dist/cli.js");

/** Runs `kwp <args>` as a user would, in its own process, against `url`. */
export function kwp(url: string | undefined, ...args: string[]): Promise<ChildResult> {
  return runNode([KWP_BIN, ...(url ? ["--url", url] : []), ...args], {
    env: { DATABASE_URL: "", NO_COLOR: "1" },
  });
}

/** What to type on the terminal, and when: once the output shows `after`, `delayMs` later. */
export interface TerminalInput {
  after: string;
  input: string;
  delayMs?: number;
}

/**
 * Runs `kwp <args>` on a pseudo-terminal (util-linux `script`), typing `input`
 * once it asks (or as `typed` says; "\x03" is Ctrl-C): what a person at a
 * terminal sees and does.
 */
export function kwpOnTerminal(url: string, typed: string | TerminalInput, ...args: string[]): Promise<ChildResult> {
  const { after, input, delayMs = 0 } = typeof typed === "string" ? { after: "[y/N]", input: typed } : typed;
  const command = [process.execPath, KWP_BIN, "--url", url, ...args].map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qefc", command, "/dev/null"], {
      env: { ...process.env, DATABASE_URL: "", NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let answered = false;
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (!answered && stdout.includes(after)) {
        answered = true;
        setTimeout(() => child.stdin.write(input), delayMs);
      }
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function json<T = any>(result: ChildResult): T {
  if (result.code !== 0) throw new Error(`kwp exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
