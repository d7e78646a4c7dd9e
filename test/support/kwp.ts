import { spawn, spawnSync } from "node:child_process";
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

/**
 * Runs `kwp <args>` as an ordinary user: as `nobody` when the tests run as
 * root (root may write to any file, so read-only files need another user);
 * as is otherwise. Files it must reach need to be readable by that user.
 */
const ORDINARY_USER = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/**
 * Whether that user can load the built command from where this checkout
 * lies: not from a clone inside a folder only root may enter (`mktemp -d`
 * makes them 0700). The tests that need it are skipped then, with a note.
 */
export const ordinaryUserCanRunKwp: boolean = (() => {
  const probe = spawnSync(process.execPath, ["-e", "require('node:fs').accessSync(process.argv[1], require('node:fs').constants.R_OK)", KWP_BIN], ORDINARY_USER);
  if (probe.status === 0) return true;
  console.log(`[tests] ${KWP_BIN} is not readable by an ordinary user (uid 65534): the tests that run kwp as one are skipped; clone into a folder others may enter to run them`);
  return false;
})();

export function kwpAsUser(url: string, ...args: string[]): Promise<ChildResult> {
  const user = ORDINARY_USER;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KWP_BIN, "--url", url, ...args], {
      ...user,
      env: { ...process.env, DATABASE_URL: "", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * What to type on the terminal, and when: once the output shows `after`,
 * `delayMs` later. `input` may be a script that types in steps.
 */
export interface TerminalInput {
  after: string;
  input: string | ((type: (text: string) => void) => Promise<void>);
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
        const type = (text: string) => void child.stdin.write(text);
        setTimeout(() => (typeof input === "string" ? type(input) : void input(type).catch(reject)), delayMs);
      }
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function json<T = any>(result: ChildResult): T {
  // With --json, kwp writes its error to stdout as {"error": …}: both streams say what went wrong.
  if (result.code !== 0) throw new Error(`kwp exited ${result.code}: ${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout) as T;
}
