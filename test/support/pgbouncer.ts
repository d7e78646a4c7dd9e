import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** Where Debian's `pgbouncer` package puts the program (`.ci/run` installs it). */
const CANDIDATES = [process.env.KWP_PGBOUNCER, "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"];

export function findPgBouncer(): string | undefined {
  return CANDIDATES.find((path): path is string => !!path && existsSync(path));
}

export interface RunningPgBouncer {
  /** The server URL with host and port replaced by the pooler's (user and password kept). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PgBouncer in transaction mode in front of `serverUrl`, with fewer
 * server connections than the tests open (default_pool_size 4), so that
 * consecutive transactions of one client land on different server sessions,
 * as they do behind a busy production pooler.
 */
export async function startPgBouncer(program: string, serverUrl: string, options: { expectServer?: boolean; settings?: Record<string, string | number> } = {}): Promise<RunningPgBouncer> {
  const server = new URL(serverUrl);
  const port = await freePort();
  const folder = mkdtempSync(join(tmpdir(), "kwp-pgbouncer-"));
  chmodSync(folder, 0o755); // read by the unprivileged user it drops to when started as root
  const login = [`user=${decodeURIComponent(server.username || "postgres")}`];
  if (server.password) login.push(`password=${decodeURIComponent(server.password)}`);
  const config = join(folder, "pgbouncer.ini");
  writeFileSync(
    config,
    [
      "[databases]",
      `* = host=${server.hostname} port=${server.port || 5432} ${login.join(" ")}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      // Every client logs in as the server user above; nothing is checked here.
      "auth_type = any",
      "pool_mode = transaction",
      "default_pool_size = 4",
      "max_client_conn = 1000",
      "ignore_startup_parameters = extra_float_digits,options",
      ...Object.entries(options.settings ?? {}).map(([key, value]) => `${key} = ${value}`),
      "",
    ].join("\n"),
    { mode: 0o644 },
  );
  const args = process.getuid?.() === 0 ? ["-u", "postgres", config] : [config];
  const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const url = new URL(serverUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  const stop = async () => {
    await stopChild(child);
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    // In front of a server that is down on purpose: serving once it accepts a client at all.
    await waitUntilServing(url.toString(), child, () => output, options.expectServer ?? true);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: url.toString(), stop };
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string, throughToServer: boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}: ${output()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      if (throughToServer) await client.query("select 1");
      return;
    } catch (error) {
      // Its own refusal ("pgbouncer cannot connect to server") says it is serving.
      if (!throughToServer && /pgbouncer|server login/i.test((error as Error).message)) return;
      if (Date.now() > deadline) throw new Error(`pgbouncer did not answer within 30 s: ${(error as Error).message}\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
