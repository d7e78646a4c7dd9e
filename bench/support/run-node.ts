import { spawn } from "node:child_process";

export interface NodeResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Node.js process to completion, collecting its output. */
export function runNode(args: string[]): Promise<NodeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
