import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repositoryRoot } from "./consumer-project.js";
import type { ChildResult } from "./spawn-child.js";

/**
 * A Node.js major to run an application under: this process's own, or
 * another from the npm registry's `node` package (`npx -p node@22`, cached by
 * npx after the first download), with its headers for native addons and the
 * npm this machine has (npm runs under that Node, so it picks the versions
 * that Node's `engines` allow, as it would for a user).
 */
export interface NodeRuntime {
  readonly major: number;
  readonly version: string;
  /** Runs `command` (node, npm or npx) with this Node first on PATH, in `cwd`. */
  run(command: "node" | "npm" | "npx", args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ChildResult>;
}

const NPM_CLI = process.env.npm_execpath?.endsWith("npm-cli.js")
  ? process.env.npm_execpath
  : realpathSync(execFileSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).trim());
const NPX_CLI = join(dirname(NPM_CLI!), "npx-cli.js");
const runtimes = new Map<number, Promise<NodeRuntime>>();

export function nodeRuntime(major: number): Promise<NodeRuntime> {
  let runtime = runtimes.get(major);
  if (!runtime) runtimes.set(major, (runtime = locate(major)));
  return runtime;
}

async function locate(major: number): Promise<NodeRuntime> {
  if (Number(process.versions.node.split(".")[0]) === major) {
    return runtime(major, process.versions.node, process.execPath, undefined);
  }
  // Installed once per machine into a folder of its own (kept for later runs),
  // staged apart and renamed into place, so test files started at once never
  // see a half-installed copy (npx's shared cache would be rewritten under them).
  const platformPackage = `node-${process.platform}-${process.arch}`;
  const home = join(tmpdir(), `kwp-node-${major}-${process.platform}-${process.arch}`);
  const distribution = join(home, "node_modules", "node", "node_modules", platformPackage);
  if (!existsSync(join(home, "ready"))) {
    const staging = mkdtempSync(join(tmpdir(), `kwp-node-${major}-staging-`));
    const install = await spawnResult(process.execPath, [NPM_CLI, "install", `node@${major}`, "--prefix", staging, "--no-save", "--no-audit", "--no-fund"], { cwd: staging });
    if (install.code !== 0) throw new Error(`npm install node@${major} failed: ${install.stderr}`);
    writeFileSync(join(staging, "ready"), "");
    try {
      renameSync(staging, home);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process got there first
    }
  }
  const node = join(distribution, "bin/node");
  // The registry's node package keeps the whole distribution (include/ too) in node-<platform>-<arch>.
  if (!existsSync(join(distribution, "include/node/node_version.h"))) throw new Error(`no headers for Node ${major} at ${distribution}`);
  const version = execFileSync(node, ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
  return runtime(major, version, node, distribution);
}

function runtime(major: number, version: string, node: string, nodedir: string | undefined): NodeRuntime {
  return {
    major,
    version,
    run(command, args, options) {
      const merged: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${dirname(node)}:${process.env.PATH}`,
        // npm_* settings of the npm running these tests must not leak into the application's npm.
        ...Object.fromEntries(Object.keys(process.env).filter((key) => key.startsWith("npm_")).map((key) => [key, undefined])),
        ...(nodedir ? { npm_config_nodedir: nodedir } : {}),
        npm_config_update_notifier: "false",
        npm_config_fund: "false",
        npm_config_audit: "false",
        ...options.env,
      };
      // An undefined value unsets the variable (spawn would pass the text "undefined").
      const env = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
      const argv = command === "node" ? args : [command === "npm" ? NPM_CLI : NPX_CLI, ...args];
      return spawnResult(node, argv, { cwd: options.cwd, env });
    },
  };
}

function spawnResult(file: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

let tarball: string | undefined;

/** `npm pack` of this repository, once per test process (dist/ is already built: --ignore-scripts skips prepack's build). */
export function packedTarball(): string {
  if (!tarball) {
    const folder = mkdtempSync(join(tmpdir(), "kwp-pack-"));
    const name = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", folder], { cwd: repositoryRoot, encoding: "utf8" }).trim().split("\n").pop()!;
    tarball = join(folder, name);
  }
  return tarball;
}
