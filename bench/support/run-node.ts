import { spawn } from "node:child_process";

export interface NodeResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Node.js process to completion, collecting its output. */
export function runNode(args: string[]): Promise<NodeResult> {
  return startNode(args).result;
}

/**
 * Starts a Node.js process and reports when it printed its first line (a
 * process signalling it is ready); `send` writes a line to its stdin.
 */
export function startNode(args: string[]) {
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let firstLine!: (line: string) => void;
  const ready = new Promise<string>((resolve) => (firstLine = resolve));
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
    const end = stdout.indexOf("\n");
    if (end >= 0) firstLine(stdout.slice(0, end));
  });
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const result = new Promise<NodeResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      firstLine(""); // never leave a waiter hanging on a process that died early
      resolve({ code, stdout, stderr });
    });
  });
  return { ready, result, send: (line: string) => child.stdin.write(`${line}\n`) };
}
