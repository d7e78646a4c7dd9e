import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { repositoryRoot } from "../support/consumer-project.js";

/** `kwp ui` from the built package, as a user starts it; resolves with the URL it printed. */
export async function startKwpUi(url: string, extra: string[] = []): Promise<{ url: string; origin: string; token: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(repositoryRoot, "dist/cli.js"), "--url", url, "--json", "ui", "--port", "0", ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const printed = await new Promise<{ url: string }>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      try {
        resolve(JSON.parse(stdout));
      } catch {
        // not the whole JSON yet
      }
    });
    child.once("exit", (code) => reject(new Error(`kwp ui exited with ${code}: ${stderr}`)));
  });
  const address = new URL(printed.url);
  return {
    url: printed.url,
    origin: address.origin,
    token: address.searchParams.get("token")!,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}
