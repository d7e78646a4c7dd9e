import { existsSync, mkdirSync, chmodSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEmbeddedPostgres } from "./embedded-postgres-access.js";
import pg from "pg";

export interface PostgresServer {
  /** A URL with admin rights on the server (it creates and drops databases). */
  url: string;
  source: "TEST_DATABASE_URL" | "local" | "testcontainers" | "embedded-postgres";
  stop(): Promise<void>;
}

const LOCAL_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * Finds a real PostgreSQL server for the tests, in this order:
 * TEST_DATABASE_URL; a server on 127.0.0.1:5432; testcontainers when a Docker
 * engine answers; otherwise an embedded-postgres server started for the run.
 * KWP_TEST_POSTGRES=local|testcontainers|embedded forces one source.
 */
export async function findPostgresServer(): Promise<PostgresServer> {
  const forced = process.env.KWP_TEST_POSTGRES;
  if (process.env.TEST_DATABASE_URL && !forced) {
    return { url: process.env.TEST_DATABASE_URL, source: "TEST_DATABASE_URL", stop: async () => {} };
  }
  if ((!forced || forced === "local") && (await answersQuery(LOCAL_URL))) {
    return { url: LOCAL_URL, source: "local", stop: async () => {} };
  }
  if ((!forced || forced === "testcontainers") && (await dockerEngineAnswers())) {
    return startTestcontainer();
  }
  if (!forced || forced === "embedded") {
    return startEmbeddedPostgres();
  }
  throw new Error(`KWP_TEST_POSTGRES=${forced}: that PostgreSQL source is not available here`);
}

async function answersQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A cheap check before importing testcontainers (slow to load) at all. */
async function dockerEngineAnswers(): Promise<boolean> {
  const socketPath = process.env.DOCKER_HOST?.startsWith("unix://")
    ? process.env.DOCKER_HOST.slice("unix://".length)
    : "/var/run/docker.sock";
  if (!process.env.DOCKER_HOST?.startsWith("tcp://") && !existsSync(socketPath)) return false;
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1000);
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().includes("200 OK"));
    });
    if (process.env.DOCKER_HOST?.startsWith("tcp://")) {
      const { hostname, port } = new URL(process.env.DOCKER_HOST.replace("tcp://", "http://"));
      socket.connect(Number(port || 2375), hostname);
    } else {
      socket.connect(socketPath);
    }
    socket.once("connect", () => socket.write("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"));
  });
}

async function startTestcontainer(): Promise<PostgresServer> {
  const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
  const container = await new PostgreSqlContainer("postgres:15-alpine").start();
  return {
    url: container.getConnectionUri(),
    source: "testcontainers",
    stop: async () => {
      await container.stop();
    },
  };
}

async function startEmbeddedPostgres(): Promise<PostgresServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  // initdb refuses a data directory whose parent others cannot traverse when run
  // as a dropped-privilege user, hence the explicit 755 parent.
  const parent = join(tmpdir(), `kwp-embedded-pg-${process.pid}`);
  mkdirSync(parent, { recursive: true });
  chmodSync(parent, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, "data"),
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    source: "embedded-postgres",
    stop: async () => {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
