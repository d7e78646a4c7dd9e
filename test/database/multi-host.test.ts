import { createServer, type AddressInfo } from "node:net";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigurationError, ConnectionError, DatabaseError } from "../../src/errors.js";
import { openDatabase, parseDatabaseUrl } from "../../src/database/open-database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import * as v1 from "../../src/v1.js";
import { closedPort, startTcpProxy } from "../support/tcp-proxy.js";
import { createPostgresDatabase, type TestDatabase } from "../support/test-databases.js";
import { runInput } from "../conformance/backends.js";

// Issue 30: libpq's host lists, target_session_attrs and sslmode, as
// openDatabase reads them (the URIs HA tools print). Against this machine's
// one server and closed ports; a real primary and standby, and their
// failover, are the failover suite's (test/failover, npm run test:failover).

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe("parseDatabaseUrl on libpq multi-host URIs", () => {
  it("reads the host list, the session attributes and sslmode, and keeps Prisma's parameters away from pg", () => {
    const parsed = parseDatabaseUrl("postgres://app:s%40cret@db-a:6432,db-b,[::1]:6433/app?target_session_attrs=read-write&sslmode=prefer&schema=tenant&connection_limit=4");
    expect(parsed).toMatchObject({
      databaseType: "postgresql",
      endpoints: [{ host: "db-a", port: 6432 }, { host: "db-b", port: 5432 }, { host: "::1", port: 6433 }],
      targetSessionAttrs: "read-write",
      sslmode: "prefer",
      schema: "tenant",
      poolSize: 4,
      target: "postgres://app:s%40cret@db-a:6432,db-b,[::1]:6433/app?target_session_attrs=read-write&sslmode=prefer",
    });
  });

  it.each([
    ["postgres://h1:abc,h2/db", /the port of h1 \("abc"\) is not a port number/],
    ["postgres://h1,,h2/db", /host 2 of the host list is empty/],
    ["postgres://h1,h2/db?target_session_attrs=master", /target_session_attrs=master is not one of any, read-write, read-only, primary, standby, prefer-standby/],
    ["postgres://h1/db?sslmode=sometimes", /sslmode=sometimes is not one of disable, allow, prefer, require, verify-ca, verify-full/],
    ["postgres://us%ZZer@h1/db", /the user name is not valid percent-encoding/],
  ])("refuses %s at openDatabase, naming the part (never a TypeError on the first call)", (url, reason) => {
    expect(() => parseDatabaseUrl(url)).toThrow(ConfigurationError);
    expect(() => parseDatabaseUrl(url)).toThrow(reason);
    expect(() => openDatabase(url)).toThrow(reason);
  });
});

describe("a host list on PostgreSQL", () => {
  let database: TestDatabase;
  let real: string;
  let down: string;
  const withHosts = (hosts: string[], params = "") => {
    const url = new URL(database.url);
    return `postgres://${url.username}@${hosts.join(",")}${url.pathname}${params ? `?${params}` : ""}`;
  };
  beforeAll(async () => {
    database = await createPostgresDatabase("multi-host");
    await migrateToLatest(database.open(), { target: "1.0" });
    const url = new URL(database.url);
    real = `${url.hostname}:${url.port || 5432}`;
    down = `127.0.0.1:${await closedPort()}`;
  });
  afterAll(() => database?.dispose());

  it("skips a host that refuses and works on the next one that is read-write; LISTEN finds it the same way", { timeout: 60_000 }, async () => {
    const db = openDatabase(withHosts([down, real], "target_session_attrs=read-write"));
    try {
      const persistence = v1.createKyselyWorkflowPersistence(db);
      const run = await persistence.createRun(runInput());
      expect((await persistence.getRun(run.id))!.id).toBe(run.id);
      const waiter = v1.createKyselyJobQueue(db, { workerId: "waiter", onListenError: (error) => { throw error; } });
      await waiter.waitForJobs(1); // connects the listener through the host list
      const start = Date.now();
      const woken = waiter.waitForJobs(60_000);
      await v1.createKyselyJobQueue(db, { listen: false }).enqueueParallel([{ workflowRunId: run.id, workflowId: "wf", stageId: "s" }]);
      await woken;
      expect(Date.now() - start).toBeLessThan(30_000); // the notification, not the minute
      await waiter.close();
    } finally {
      await db.destroy();
    }
  });

  it("a connection cut during its role check (a pooler or a server going away) moves on to the next host; the process does not crash", { timeout: 60_000 }, async () => {
    // Before: the check's query ran before the pool's 'connect' event gave the
    // client an error listener, and the cut's 'error' event ended the process
    // (a failover round's worker died this way: "Unhandled 'error' event").
    const url = new URL(database.url);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    try {
      const cut = proxy.cutAfter(/pg_is_in_recovery/);
      const db = openDatabase(withHosts([`127.0.0.1:${proxy.port}`, real], "target_session_attrs=read-write"));
      try {
        expect(await v1.createKyselyWorkflowPersistence(db).getRun("x")).toBeNull();
        await cut;
        expect(await v1.createKyselyWorkflowPersistence(db).getRun("y")).toBeNull();
      } finally {
        await db.destroy();
      }
    } finally {
      await proxy.close();
    }
  });

  it("no host of the role asked for: ConnectionError (connect, retryable) naming each host and why", async () => {
    for (const [url, reasons] of [
      [withHosts([real], "target_session_attrs=read-only"), [`${real} (a read-write primary)`]],
      [withHosts([down, real], "target_session_attrs=standby"), [`${down} (ECONNREFUSED`, `${real} (a read-write primary)`]],
      [withHosts([real], `target_session_attrs=read-write&options=${encodeURIComponent("-c default_transaction_read_only=on")}`), [`${real} (read-only)`]],
    ] as const) {
      const db = openDatabase(url);
      try {
        const error = await failure(v1.createKyselyWorkflowPersistence(db).getRun("x"));
        expect(error, url).toBeInstanceOf(ConnectionError);
        expect(error).toMatchObject({ phase: "connect", retryable: true, databaseCode: "08001" });
        for (const reason of reasons) expect((error as Error).message).toContain(reason);
      } finally {
        await db.destroy();
      }
    }
  });

  it("prefer-standby falls back to the primary when there is no standby; any takes the first that answers", async () => {
    for (const params of ["target_session_attrs=prefer-standby", "target_session_attrs=any", "target_session_attrs=primary"]) {
      const db = openDatabase(withHosts([down, real], params));
      try {
        expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]!.one).toBe(1);
      } finally {
        await db.destroy();
      }
    }
  });

  it("sslmode with libpq's meanings: prefer falls back to no TLS on a server without it; require refuses (not retryable)", async () => {
    const preferred = openDatabase(withHosts([real], "sslmode=prefer"));
    try {
      expect(await v1.createKyselyWorkflowPersistence(preferred).getRun("x")).toBeNull();
    } finally {
      await preferred.destroy();
    }
    const required = openDatabase(withHosts([real], "sslmode=require"));
    try {
      const error = await failure(v1.createKyselyWorkflowPersistence(required).getRun("x"));
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error).toMatchObject({ retryable: false });
      expect((error as Error).message).toMatch(/SSL/);
    } finally {
      await required.destroy();
    }
  });

  it("postgres.hosts and targetSessionAttrs say the same as the URL, and win over it (as libpq's keywords)", async () => {
    const [host, port] = [real.slice(0, real.lastIndexOf(":")), Number(real.slice(real.lastIndexOf(":") + 1))];
    // The URL names only the closed port; the options name both servers and ask for the primary.
    const db = openDatabase(withHosts([down]), { postgres: { hosts: [down, { host, port }], targetSessionAttrs: "read-write" } });
    try {
      expect(await v1.createKyselyWorkflowPersistence(db).getRun("x")).toBeNull();
    } finally {
      await db.destroy();
    }
    // The option's role replaces the URL's: no read-only server here.
    const standbyOnly = openDatabase(withHosts([real], "target_session_attrs=read-write"), { postgres: { targetSessionAttrs: "standby" } });
    try {
      expect(await failure(v1.createKyselyWorkflowPersistence(standbyOnly).getRun("x"))).toMatchObject({ phase: "connect", message: expect.stringContaining(`${real} (a read-write primary)`) });
    } finally {
      await standbyOnly.destroy();
    }
  });

  it("a host that never answers (packets dropped) is skipped after connect_timeout, 10 s a host in a list by default", { timeout: 120_000 }, async () => {
    const blackhole = await startTcpProxy({ host: "127.0.0.1", port: await closedPort() });
    blackhole.stall(true);
    const silent = `127.0.0.1:${blackhole.port}`;
    try {
      for (const [params, atMostMs] of [["connect_timeout=1", 8_000], ["", 30_000]] as const) {
        const db = openDatabase(withHosts([silent, real], params));
        const started = Date.now();
        try {
          expect(await v1.createKyselyWorkflowPersistence(db).getRun("x")).toBeNull();
          // Not a speed target: without a timeout the call never returns (pg waits forever).
          expect(Date.now() - started, params).toBeLessThan(atMostMs);
        } finally {
          await db.destroy();
        }
      }
      expect(() => openDatabase(withHosts([real], "connect_timeout=soon"))).toThrow(/invalid connect_timeout: it must be a number of seconds/);
    } finally {
      await blackhole.close();
    }
  });

  it("no host of the list answers, one of them cutting the TLS handshake (a server going down): ConnectionError, connect, retryable", async () => {
    // A server that agrees to TLS and then drops the connection mid-handshake, as a postgres being killed does.
    const cutter = createServer((socket) => {
      socket.on("error", () => {});
      socket.once("data", () => {
        socket.write("S");
        setTimeout(() => socket.destroy(), 20);
      });
    });
    await new Promise<void>((resolve) => cutter.listen(0, "127.0.0.1", resolve));
    const cutting = `127.0.0.1:${(cutter.address() as AddressInfo).port}`;
    const db = openDatabase(withHosts([cutting, down], "target_session_attrs=read-write&sslmode=require"));
    try {
      const error = await failure(v1.createKyselyWorkflowPersistence(db).createRun(runInput()));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ phase: "connect", retryable: true, databaseCode: "08001" });
      expect((error as Error).message).toContain(`${cutting} (ECONNRESET`);
    } finally {
      await db.destroy();
      await new Promise<void>((resolve) => cutter.close(() => resolve()));
    }
  });

  it.each([
    [{ hosts: [] }, /postgres\.hosts must be a non-empty array/],
    [{ hosts: ["db1,db2"] }, /postgres\.hosts\[0\] must be "host" or "host:port"/],
    [{ hosts: [{ host: "db1", port: 70_000 }] }, /postgres\.hosts\[0\]\.port must be a port number/],
    [{ targetSessionAttrs: "master" }, /postgres\.targetSessionAttrs must be one of any, read-write/],
  ])("refuses postgres options %j at openDatabase, naming the option", (postgres, reason) => {
    expect(() => openDatabase(withHosts([real]), { postgres: postgres as never })).toThrow(ConfigurationError);
    expect(() => openDatabase(withHosts([real]), { postgres: postgres as never })).toThrow(reason);
  });
});
