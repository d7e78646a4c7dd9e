import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/**
 * A pg_auto_failover formation of its own (Debian's postgresql-15-auto-failover):
 * a monitor and two PostgreSQL nodes with synchronous replication, on ports
 * and in a temporary folder of its own, run as the `postgres` user (pg_autoctl
 * refuses root). Never the machine's 5432 server. Real servers, really
 * killed: nothing here is simulated.
 */
export interface Formation {
  /** The URI pg_autoctl prints for the formation (both hosts, target_session_attrs=read-write, TLS). */
  readonly uri: string;
  /** The nodes' ports, in the URI's order. */
  readonly nodePorts: readonly number[];
  /** The nodes that take writes right now (asked of each postgres, not of the monitor). */
  writablePorts(): Promise<number[]>;
  /** The port of the node that is primary now (asks the monitor). */
  primaryPort(): Promise<number>;
  /** `pg_autoctl perform failover`: the standby is promoted, the primary demoted (returns when done). */
  plannedFailover(): Promise<void>;
  /** kill -9 of the primary's postmaster alone: its pg_autoctl restarts it in place (no failover). */
  killPrimaryPostgres(): Promise<number>;
  /**
   * kill -9 of the primary node: its pg_autoctl and its postgres, so nothing
   * restarts it; the monitor finds it gone and promotes the standby. Returns
   * the killed node's port; `restartNode` brings it back as the new standby.
   */
  killPrimaryNode(): Promise<number>;
  restartNode(port: number): Promise<void>;
  /** CREATE DATABASE on the primary, returning once every node has replayed it (a standby lags behind by its replay). */
  createDatabase(name: string): Promise<void>;
  /** Resolves once the monitor reports one primary and one secondary. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /**
   * Healthy, with the same primary, for `stableMs` on end: the monitor may
   * still be failing over after a killed postgres came back in place (its
   * unhealthy and demote timeouts run on), and a round must not start inside
   * that switch.
   */
  waitSettled(stableMs: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const PG_AUTOCTL = "/usr/bin/pg_autoctl";
const PG_BIN = "/usr/lib/postgresql/15/bin";
export const haAvailable = existsSync(PG_AUTOCTL) && existsSync(PG_BIN);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startFormation(log: (line: string) => void = () => {}): Promise<Formation> {
  const root = mkdtempSync(join(tmpdir(), "kwp-ha-"));
  chmodSync(root, 0o777);
  const asRoot = process.getuid?.() === 0;
  const env = { ...process.env, PATH: `${PG_BIN}:${process.env.PATH}`, XDG_CONFIG_HOME: join(root, "config"), XDG_DATA_HOME: join(root, "data"), XDG_RUNTIME_DIR: join(root, "run") };
  // As the postgres user when root (pg_autoctl refuses root), else as ourselves.
  const command = (args: string[]) => (asRoot ? ["runuser", ["-u", "postgres", "--", "env", ...Object.entries(env).filter(([k]) => /^(PATH|XDG_)/.test(k)).map(([k, v]) => `${k}=${v}`), PG_AUTOCTL, ...args]] as const : [PG_AUTOCTL, args] as const);
  const autoctl = async (...args: string[]) => {
    const [file, argv] = command(args);
    return (await run(file, [...argv], { env, cwd: root, maxBuffer: 10 * 1024 * 1024 })).stdout;
  };
  const services: ChildProcess[] = [];
  const byName = new Map<string, ChildProcess>();
  const service = (name: string, args: string[]) => {
    const [file, argv] = command(args);
    const child = spawn(file, [...argv], { env, cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const out = join(root, `${name}.log`);
    child.stdout!.on("data", (chunk) => writeFileSync(out, chunk, { flag: "a" }));
    child.stderr!.on("data", (chunk) => writeFileSync(out, chunk, { flag: "a" }));
    services.push(child);
    byName.set(name, child);
    return child;
  };
  const teardown = async () => {
    for (const name of ["node1", "node2", "monitor"]) await autoctl("stop", "--pgdata", join(root, name), "--fast").catch(() => {});
    await until(async () => services.every((child) => child.exitCode !== null || child.signalCode !== null), 30_000, "pg_autoctl to stop").catch(() => {});
    // Whatever did not stop: its whole process group (pg_autoctl's services and their postgres).
    for (const child of services) if (child.pid) try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    return await setUp();
  } catch (error) {
    await teardown();
    throw error;
  }

  async function setUp(): Promise<Formation> {
    const [monitorPort, port1, port2] = [await freePort(), await freePort(), await freePort()];
    const monitorData = join(root, "monitor");
    log(`formation in ${root}: monitor ${monitorPort}, nodes ${port1} and ${port2}`);
    await autoctl("create", "monitor", "--pgdata", monitorData, "--pgport", String(monitorPort), "--hostname", "127.0.0.1", "--auth", "trust", "--ssl-self-signed");
    service("monitor", ["run", "--pgdata", monitorData]);
    const monitorUri = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=require`;
    await until(async () => (await autoctl("show", "uri", "--pgdata", monitorData, "--formation", "monitor")).includes("postgres://"), 60_000, "the monitor");

    const nodes = [{ name: "node1", port: port1 }, { name: "node2", port: port2 }];
    type NodeState = { nodename: string; nodeport: number; current_group_state: string; assigned_group_state: string };
    const state = async () => JSON.parse(await autoctl("show", "state", "--pgdata", monitorData, "--json")) as NodeState[];
    const healthy = async () => {
      const rows = await state().catch(() => [] as NodeState[]);
      const states = rows.map((row) => row.current_group_state);
      return rows.length === 2 && states.includes("primary") && states.includes("secondary") && rows.every((row) => row.assigned_group_state === row.current_group_state);
    };
    for (const node of nodes) {
      service(node.name, [
        "create", "postgres", "--pgdata", join(root, node.name), "--pgport", String(node.port), "--hostname", "127.0.0.1", "--name", node.name,
        "--auth", "trust", "--ssl-self-signed", "--dbname", "app", "--monitor", monitorUri, "--run",
      ]);
      if (node === nodes[0]) {
        await until(async () => (await state().catch(() => [])).length === 1, 120_000, "the first node");
        await until(() => accepts(node.port), 120_000, "the first node's postgres");
      }
    }
    // pg_basebackup waits for a checkpoint (spread over minutes by default): ask for it now.
    const checkpoint = setInterval(() => void query(port1, "checkpoint").catch(() => {}), 2_000);
    const waitHealthy = (timeoutMs = 180_000) => until(healthy, timeoutMs, "one primary and one secondary");
    const waitSettled = async (stableMs: number, timeoutMs = 300_000) => {
      const deadline = Date.now() + timeoutMs;
      let since = 0;
      let primary: number | undefined;
      while (Date.now() < deadline) {
        const rows = await state().catch(() => [] as NodeState[]);
        const settled = rows.length === 2 && rows.every((row) => row.assigned_group_state === row.current_group_state) && rows.some((row) => row.current_group_state === "primary") && rows.some((row) => row.current_group_state === "secondary");
        const now = rows.find((row) => row.current_group_state === "primary")?.nodeport;
        if (!settled || now !== primary) {
          since = Date.now();
          primary = settled ? now : undefined;
        } else if (Date.now() - since >= stableMs) return;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      throw new Error(`the formation did not settle (healthy, one primary) for ${stableMs} ms within ${timeoutMs} ms`);
    };
    try {
      await waitHealthy();
    } finally {
      clearInterval(checkpoint);
    }
    const uri = `postgres://postgres@127.0.0.1:${port1},127.0.0.1:${port2}/app?target_session_attrs=read-write&sslmode=require`;
    log(`formation ready: ${uri}`);

    const postmasterOf = (nodeName: string) => Number(readFileSync(join(root, nodeName, "postmaster.pid"), "utf8").split("\n")[0]);
    // With its standby gone the primary is "wait_primary" (synchronous replication off until it is back).
    const primaryPort = async () => {
      // A killed node's row keeps the state it last reported: the monitor's assignment must agree.
    const primaryLike = (value: string) => value === "primary" || value === "wait_primary";
    const primary = (await state()).find((row) => primaryLike(row.current_group_state) && primaryLike(row.assigned_group_state));
      if (!primary) throw new Error("no primary right now");
      return Number(primary.nodeport);
    };
    return {
      uri,
      nodePorts: nodes.map((node) => node.port),
      async writablePorts() {
        const answers = await Promise.all(
          nodes.map((node) =>
            query(node.port, "select not pg_is_in_recovery() and current_setting('transaction_read_only') = 'off' as writable", 1_000).then(
              (result) => (result.rows[0]?.writable === true ? node.port : undefined),
              () => undefined,
            ),
          ),
        );
        return answers.filter((port): port is number => port !== undefined);
      },
      primaryPort,
      async plannedFailover() {
        await autoctl("perform", "failover", "--pgdata", monitorData);
      },
      async killPrimaryPostgres() {
        const port = await primaryPort();
        const node = nodes.find((candidate) => candidate.port === port)!;
        const pid = postmasterOf(node.name);
        process.kill(pid, "SIGKILL");
        return pid;
      },
      async killPrimaryNode() {
        const port = await primaryPort();
        const node = nodes.find((candidate) => candidate.port === port)!;
        const postmaster = postmasterOf(node.name);
        const keeper = byName.get(node.name)!;
        // The keeper's process group (runuser, pg_autoctl and its services), then its postgres.
        try { process.kill(-keeper.pid!, "SIGKILL"); } catch { /* gone */ }
        try { process.kill(postmaster, "SIGKILL"); } catch { /* gone */ }
        await until(async () => !(await accepts(port)), 30_000, `node ${node.name} to stop answering`);
        return port;
      },
      async restartNode(port: number) {
        const node = nodes.find((candidate) => candidate.port === port)!;
        // A killed postmaster leaves its pid file; pg_autoctl finds the pid dead and starts afresh.
        service(node.name, ["run", "--pgdata", join(root, node.name)]);
      },
      async createDatabase(name: string) {
        const escaped = name.replace(/"/g, '""');
        await query(await primaryPort(), `create database "${escaped}"`);
        // Every node: a connection to the new database must not meet a standby that has not replayed it yet.
        await until(async () => {
          for (const node of nodes) if ((await query(node.port, `select 1 from pg_database where datname = '${name.replace(/'/g, "''")}'`)).rowCount !== 1) return false;
          return true;
        }, 60_000, `database ${name} on every node`);
      },
      waitHealthy,
      waitSettled,
      stop: teardown,
    };
  }
}

async function query(port: number, text: string, timeoutMs = 2_000) {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres", ssl: { rejectUnauthorized: false }, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

async function accepts(port: number): Promise<boolean> {
  try {
    await query(port, "select 1");
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
