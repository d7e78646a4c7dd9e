import { sql, type Kysely } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CommitOutcomeUnknownError, ConnectionError, DatabaseError } from "../../src/errors.js";
import { createKyselyJobQueue } from "../../src/queue/kysely-job-queue.js";
import * as v1 from "../../src/v1.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { openDatabase } from "../../src/database/open-database.js";
import { createPrismaClient } from "../support/prisma-clients.js";
import { createPrismaWorkflowPersistence } from "../../src/prisma/index.js";
import { closedPort, startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";
import { findPgBouncer, startPgBouncer } from "../support/pgbouncer.js";
import { createPostgresDatabase, type TestDatabase } from "../support/test-databases.js";
import { runInput } from "../conformance/backends.js";

// Issue 30: every connection failure is typed and says whether to retry.
// One test per row of the table in docs/guarantees.md ("Connection
// failures"), each made by a real fault: a closed port, an unknown host, a
// proxy that cuts a connection right after a statement left (the server runs
// it, the reply never arrives), a backend terminated by the server, a
// read-only session, real conflicts between two transactions.

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe("connection failures on PostgreSQL, typed, with whether to retry", () => {
  let database: TestDatabase;
  let admin: Kysely<any>;
  let adminOf10: Kysely<any>;
  let proxy: TcpProxy;
  const handles: Kysely<any>[] = [];
  const open = (url: string, options: Parameters<typeof openDatabase>[1] = {}) => {
    const db = openDatabase(url, options);
    handles.push(db);
    return db;
  };

  beforeAll(async () => {
    database = await createPostgresDatabase("connection-failures");
    admin = adminOf10 = database.open();
    await migrateToLatest(admin, { target: "1.0" });
    proxy = await startTcpProxy({ host: "127.0.0.1", port: Number(new URL(database.url).port || 5432) });
  });
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((db) => db.destroy().catch(() => {})));
    await sql`delete from job_queue`.execute(admin);
    await sql`delete from workflow_runs`.execute(admin);
  });
  afterAll(async () => {
    await proxy?.close();
    await database?.dispose();
  });

  it("refused (ECONNREFUSED): ConnectionError, phase connect, retryable even for a write (nothing was sent)", async () => {
    const url = new URL(database.url);
    url.port = String(await closedPort());
    const p = v1.createKyselyWorkflowPersistence(open(url.toString()));
    for (const call of [p.getRun("x"), p.createRun(runInput())]) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ phase: "connect", retryable: true, databaseCode: "ECONNREFUSED" });
    }
  });

  it("host not found (ENOTFOUND): ConnectionError, phase connect, retryable", async () => {
    const url = new URL(database.url);
    url.hostname = "no-such-host.invalid";
    const error = await failure(v1.createKyselyWorkflowPersistence(open(url.toString())).getRun("x"));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ phase: "connect", retryable: true });
  });

  it("a server that never answers (connection timeout): ConnectionError, phase connect, retryable", async () => {
    proxy.stall(true);
    try {
      const db = open(proxy.through(database.url), { postgres: { pool: { connectionTimeoutMillis: 300 } } });
      const error = await failure(v1.createKyselyWorkflowPersistence(db).createRun(runInput()));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ phase: "connect", retryable: true });
    } finally {
      proxy.stall(false);
    }
  });

  it("a connection closed as it opens ('Connection terminated unexpectedly' while connecting): phase connect, retryable", async () => {
    proxy.dropConnections(1);
    const error = await failure(v1.createKyselyWorkflowPersistence(open(proxy.through(database.url))).createRun(runInput({ id: "never" })));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ phase: "connect", retryable: true });
    expect(await v1.createKyselyWorkflowPersistence(admin).getRun("never")).toBeNull();
  });

  it("lost in flight during a read: ConnectionError, phase in-flight, retryable (reading twice changes nothing)", async () => {
    const p = v1.createKyselyWorkflowPersistence(open(proxy.through(database.url)));
    const cut = proxy.cutAfter(/workflow_runs/);
    const error = await failure(p.getRun("x"));
    await cut;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ phase: "in-flight", retryable: true });
    expect(await p.getRun("x")).toBeNull(); // the pool opens a new connection
  });

  it("lost in flight during a write: ConnectionError, phase in-flight, NOT retryable (the write landed)", async () => {
    const p = v1.createKyselyWorkflowPersistence(open(proxy.through(database.url)));
    const cut = proxy.cutAfter(/insert into "workflow_runs"/i);
    const error = await failure(p.createRun(runInput({ id: "landed" })));
    await cut;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ phase: "in-flight", retryable: false });
    await expect.poll(async () => (await v1.createKyselyWorkflowPersistence(admin).getRun("landed"))?.id).toBe("landed");
  });

  it("a backend the server ended (57P01) inside a transaction, then 'not queryable': typed, not retryable on their own; the whole transaction is", async () => {
    const victim = open(`${database.url}${database.url.includes("?") ? "&" : "?"}application_name=kwp-victim`);
    const p = v1.createKyselyWorkflowPersistence(victim);
    const run = await p.createRun(runInput());
    const errors: unknown[] = [];
    const outcome = await failure(
      p.withTransaction(async (tx) => {
        await tx.getRun(run.id);
        await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'kwp-victim' and pid <> pg_backend_pid()`.execute(admin);
        errors.push(await failure(tx.getRun(run.id)));
        errors.push(await failure(tx.updateRun(run.id, { status: "RUNNING" })));
        throw errors[1];
      }),
    );
    expect(errors[0]).toBeInstanceOf(ConnectionError);
    expect(errors[0]).toMatchObject({ phase: "in-flight", retryable: false });
    expect(errors[1]).toBeInstanceOf(ConnectionError);
    expect((errors[1] as Error).message).toMatch(/not queryable|Connection terminated|terminating connection|ECONNRESET/i);
    // withTransaction rejects with the statement's error as the cause: the transaction never committed, so it may be run again.
    expect(outcome).toBeInstanceOf(ConnectionError);
    expect(outcome).toMatchObject({ operation: "withTransaction", phase: "in-flight", retryable: true, cause: errors[1] });
    expect((await p.getRun(run.id))!.status).toBe("PENDING");
  });

  it("a read-only server (25006, a standby or a demoted primary): DatabaseError READ_ONLY_SERVER, retryable, nothing written", async () => {
    const readOnly = open(`${database.url}${database.url.includes("?") ? "&" : "?"}options=${encodeURIComponent("-c default_transaction_read_only=on")}`);
    const error = await failure(v1.createKyselyWorkflowPersistence(readOnly).createRun(runInput({ id: "refused" })));
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: "READ_ONLY_SERVER", databaseCode: "25006", retryable: true });
    expect(await v1.createKyselyWorkflowPersistence(admin).getRun("refused")).toBeNull();
  });

  it("a deadlock between two transactions (40P01): TRANSACTION_CONFLICT; the statement not retryable on its own, the whole transaction is", async () => {
    const p = v1.createKyselyWorkflowPersistence(open(database.url));
    const q = v1.createKyselyWorkflowPersistence(open(database.url));
    const [a, b] = [await p.createRun(runInput()), await p.createRun(runInput())];
    let arrived = 0;
    const bothHoldOne = () =>
      new Promise<void>((resolve) => {
        arrived++;
        const check = () => (arrived >= 2 ? resolve() : setTimeout(check, 10));
        check();
      });
    const outcomes = await Promise.all([
      failure(p.withTransaction(async (tx) => { await tx.updateRun(a.id, { totalTokens: 1 }); await bothHoldOne(); await tx.updateRun(b.id, { totalTokens: 1 }); })),
      failure(q.withTransaction(async (tx) => { await tx.updateRun(b.id, { totalTokens: 2 }); await bothHoldOne(); await tx.updateRun(a.id, { totalTokens: 2 }); })),
    ]);
    const conflict = outcomes.find((outcome) => outcome !== undefined);
    expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
    expect(conflict).toBeInstanceOf(DatabaseError);
    expect(conflict).toMatchObject({ code: "TRANSACTION_CONFLICT", databaseCode: "40P01", retryable: true, operation: "withTransaction" });
    expect((conflict as Error).cause).toMatchObject({ code: "TRANSACTION_CONFLICT", databaseCode: "40P01", retryable: false, operation: "updateRun" });
  });

  it("a serialization failure at COMMIT (40001): withTransaction rejects with TRANSACTION_CONFLICT, retryable (nothing committed)", async () => {
    await sql.raw(`alter database "${new URL(database.url).pathname.slice(1)}" set default_transaction_isolation = 'serializable'`).execute(admin);
    try {
      const p = v1.createKyselyWorkflowPersistence(open(database.url));
      const q = v1.createKyselyWorkflowPersistence(open(database.url));
      let arrived = 0;
      const bothRead = () =>
        new Promise<void>((resolve) => {
          arrived++;
          const check = () => (arrived >= 2 ? resolve() : setTimeout(check, 10));
          check();
        });
      // Write skew: each reads what the other writes, then writes.
      const outcomes = await Promise.all(
        ["first", "second"].map((id, i) =>
          failure(
            (i === 0 ? p : q).withTransaction(async (tx) => {
              await tx.getRunsByStatus("PENDING");
              await bothRead();
              await tx.createRun(runInput({ id }));
            }),
          ),
        ),
      );
      const conflict = outcomes.find((outcome) => outcome !== undefined);
      expect(conflict).toBeInstanceOf(DatabaseError);
      expect(conflict).toMatchObject({ code: "TRANSACTION_CONFLICT", databaseCode: "40001" });
      expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
    } finally {
      await sql.raw(`alter database "${new URL(database.url).pathname.slice(1)}" reset default_transaction_isolation`).execute(admin);
    }
  });

  it("COMMIT sent and its reply lost: CommitOutcomeUnknownError (never the ROLLBACK's error), not retryable; it did commit", async () => {
    const p = v1.createKyselyWorkflowPersistence(open(proxy.through(database.url)));
    const cut = proxy.cutAfter(/\bcommit\b/i);
    const error = await failure(p.withTransaction((tx) => tx.createRun(runInput({ id: "committed" }))));
    await cut;
    expect(error).toBeInstanceOf(CommitOutcomeUnknownError);
    expect(error).toMatchObject({ code: "COMMIT_OUTCOME_UNKNOWN", phase: "in-flight", retryable: false, operation: "withTransaction" });
    expect((error as Error).message).not.toMatch(/rollback/i);
    await expect.poll(async () => (await v1.createKyselyWorkflowPersistence(admin).getRun("committed"))?.id).toBe("committed");
  });

  it.each(["0.1", "1.0"] as const)("a %s claim whose reply was lost is taken back by the worker's next claim (no stale-lease wait)", async (contract) => {
    const own = contract === "0.1" ? await createPostgresDatabase("lost-claim-0-1") : undefined;
    if (own) await migrateToLatest(own.open());
    const admin = own ? own.open() : adminOf10;
    const db = open(proxy.through(own ? own.url : database.url));
    const queue: any = contract === "1.0" ? v1.createKyselyJobQueue(db, { workerId: "w1", listen: false }) : createKyselyJobQueue(db, { workerId: "w1", listen: false });
    const job = contract === "1.0" ? { workflowRunId: "r", workflowId: "wf", stageId: "s" } : { workflowRunId: "r", stageId: "s" };
    await (contract === "1.0" ? v1.createKyselyJobQueue(admin, { listen: false }).enqueueParallel([job as never]) : createKyselyJobQueue(admin, { listen: false }).enqueue(job));
    const cut = proxy.cutAfter(/update "job_queue"/i);
    const error = await failure(queue.dequeue());
    await cut;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ phase: "in-flight", retryable: true });
    await expect.poll(async () => (await sql<{ status: string }>`select status from job_queue`.execute(admin)).rows[0]?.status).toBe("RUNNING");
    const again = await queue.dequeue();
    expect(again).toMatchObject({ stageId: "s", attempt: 1 });
    const [row] = (await sql<{ status: string; attempt: number; workerId: string }>`select status, attempt, "workerId" from job_queue`.execute(admin)).rows;
    expect(row).toMatchObject({ status: "RUNNING", attempt: 1, workerId: "w1" });
    await db.destroy();
    await own?.dispose();
  });

  it("a lost claim is taken back when the next claim first waits seconds for a connection (a failover still settling)", async () => {
    const db = open(proxy.through(database.url));
    const queue = v1.createKyselyJobQueue(db, { workerId: "w-slow", listen: false });
    await v1.createKyselyJobQueue(adminOf10, { listen: false }).enqueueParallel([{ workflowRunId: "r", workflowId: "wf", stageId: "slow-reconnect" }]);
    const cut = proxy.cutAfter(/update "job_queue"/i);
    expect(await failure(queue.dequeue())).toMatchObject({ phase: "in-flight" });
    await cut;
    await expect.poll(async () => (await sql<{ status: string }>`select status from job_queue`.execute(admin)).rows[0]?.status).toBe("RUNNING");
    proxy.delayConnections(4_000); // the next connection reaches the server 4 s later
    try {
      expect(await queue.dequeue()).toMatchObject({ stageId: "slow-reconnect", attempt: 1 });
    } finally {
      proxy.delayConnections(0);
    }
  });

  it("a fenced acknowledgement repeated after its reply was lost answers acknowledged, and the job completed once", async () => {
    await v1.createKyselyJobQueue(admin, { listen: false }).enqueueParallel([{ workflowRunId: "r", workflowId: "wf", stageId: "s" }]);
    const queue = v1.createKyselyJobQueue(open(proxy.through(database.url)), { workerId: "w1", listen: false });
    const claimed = (await queue.dequeue())!;
    const fence = { startedAt: claimed.startedAt, attempt: claimed.attempt };
    const cut = proxy.cutAfter(/"completedAt"/);
    const error = await failure(queue.complete(claimed.jobId, fence));
    await cut;
    expect(error).toMatchObject({ phase: "in-flight", retryable: true });
    expect(await queue.complete(claimed.jobId, fence)).toBe("acknowledged");
    expect(await queue.fail(claimed.jobId, "late", false, fence)).toBe("superseded");
    const { rows } = await sql<{ status: string }>`select status from job_queue`.execute(admin);
    expect(rows.map((row) => row.status)).toEqual(["COMPLETED"]);
  });

  it("with retry on, a call that never reached the server is tried again; a write lost in flight is not", async () => {
    const retry = { attempts: 5, baseDelayMs: 10, maxDelayMs: 50 };
    const p = v1.createKyselyWorkflowPersistence(open(proxy.through(database.url), { retry }));
    proxy.dropConnections(2);
    expect((await p.createRun(runInput({ id: "after-two-drops" }))).id).toBe("after-two-drops");
    // A fresh handle: its first statement carries its text, for the proxy to recognise.
    const q = v1.createKyselyWorkflowPersistence(open(proxy.through(database.url), { retry }));
    const cut = proxy.cutAfter(/insert into "workflow_runs"/i);
    const error = await failure(q.createRun(runInput({ id: "once-only" })));
    await cut;
    expect(error).toMatchObject({ retryable: false });
    await expect.poll(async () => (await sql<{ n: string }>`select count(*) as n from workflow_runs where id = 'once-only'`.execute(admin)).rows[0]!.n).toBe("1");
    expect(() => openDatabase(database.url, { retry: { attempts: 0 } })).toThrow(/option retry/);
  });

  it("LISTEN that cannot connect is reported once per outage (onListenError), and waiting polls meanwhile", async () => {
    const url = new URL(database.url);
    url.port = String(await closedPort());
    const reports: Array<[unknown, boolean]> = [];
    const queue = v1.createKyselyJobQueue(admin, { listen: { connectionString: url.toString() }, onListenError: (error, recovered) => reports.push([error, recovered]) });
    await queue.waitForJobs(20);
    await queue.waitForJobs(20);
    await queue.close();
    expect(reports).toHaveLength(1);
    expect(reports[0]![1]).toBe(false);
    expect(String((reports[0]![0] as Error).message)).toMatch(/ECONNREFUSED|connect/);
  });
});

describe.skipIf(!findPgBouncer())("connection failures through PgBouncer (transaction mode), typed", () => {
  // PgBouncer in front of a TCP proxy in front of the server: the proxy breaks
  // the pooler's server connections the way a failover or a network does.
  let database: TestDatabase;
  let proxy: TcpProxy;
  let pooler: Awaited<ReturnType<typeof startPgBouncer>>;
  let db: Kysely<any>;
  beforeAll(async () => {
    database = await createPostgresDatabase("connection-failures-pooler");
    await migrateToLatest(database.open(), { target: "1.0" });
    proxy = await startTcpProxy({ host: "127.0.0.1", port: Number(new URL(database.url).port || 5432) });
    // query_wait_timeout: how long PgBouncer holds a query while it cannot reach the server (default 120 s).
    pooler = await startPgBouncer(findPgBouncer()!, proxy.through(database.url), { settings: { query_wait_timeout: 5 } });
    db = openDatabase(`${pooler.url}${pooler.url.includes("?") ? "&" : "?"}pgbouncer=true`);
  });
  afterAll(async () => {
    await db?.destroy();
    await pooler?.stop();
    await proxy?.close();
    await database?.dispose();
  });

  it("the pooler's server connection is cut during a write ('server conn crashed?', 08P01): ConnectionError, in-flight, not retryable; the next call works", { timeout: 120_000 }, async () => {
    const persistence = v1.createKyselyWorkflowPersistence(db);
    const run = await persistence.createRun(runInput());
    const cut = proxy.cutAfter(/update "workflow_runs"/i);
    const error = await failure(persistence.updateRun(run.id, { totalTokens: 7 }));
    await cut;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ phase: "in-flight", retryable: false, databaseCode: "08P01" });
    expect((error as Error).message).toMatch(/server conn crashed/);
    await expect.poll(async () => (await persistence.getRun(run.id))!.totalTokens).toBe(7); // it landed; the pooler opens a new server connection
  });

  it("a claim whose reply was lost behind the pooler is taken back by the worker's next claim", { timeout: 120_000 }, async () => {
    const queue = v1.createKyselyJobQueue(db, { workerId: "pooled-w1", listen: false });
    const admin = database.open();
    try {
      await v1.createKyselyJobQueue(admin, { listen: false }).enqueueParallel([{ workflowRunId: "r", workflowId: "wf", stageId: "behind-the-pooler" }]);
      const cut = proxy.cutAfter(/update "job_queue"/i);
      const error = await failure(queue.dequeue());
      await cut;
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ phase: "in-flight", retryable: true });
      await expect.poll(async () => (await sql<{ status: string }>`select status from job_queue where "stageId" = 'behind-the-pooler'`.execute(admin)).rows[0]?.status).toBe("RUNNING");
      expect(await queue.dequeue()).toMatchObject({ stageId: "behind-the-pooler", attempt: 1 });
    } finally {
      await admin.destroy();
    }
  });

  it("the pooler cannot reach its server (query_wait_timeout, 08P01): ConnectionError, connect, retryable (nothing was done)", { timeout: 120_000 }, async () => {
    const persistence = v1.createKyselyWorkflowPersistence(db);
    await persistence.getRun("warm"); // the pooler has met the server
    proxy.cutAll();
    proxy.dropConnections(1_000_000);
    try {
      const error = await failure(persistence.createRun(runInput({ id: "never-sent" })));
      expect(error, String(error)).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ phase: "connect", retryable: true });
      expect((error as Error).message).toMatch(/query_wait_timeout|pgbouncer cannot connect to server|server login has been failing/);
    } finally {
      proxy.dropConnections(0);
    }
    await expect.poll(async () => (await failure(persistence.getRun("never-sent").then((run) => { throw run; })))).toBeNull();
  });
});

describe.each([6, 7] as const)("connection failures through Prisma %i, typed", (major) => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  beforeAll(async () => {
    database = await createPostgresDatabase("connection-failures-prisma");
    const db = database.open();
    await migrateToLatest(db);
    proxy = await startTcpProxy({ host: "127.0.0.1", port: Number(new URL(database.url).port || 5432) });
  });
  afterAll(async () => {
    await proxy?.close();
    await database?.dispose();
  });

  it("unreachable: ConnectionError, connect; lost in flight: ConnectionError, in-flight", async () => {
    const url = new URL(database.url);
    url.port = String(await closedPort());
    const unreachable = await createPrismaClient("postgresql", url.toString(), { major });
    try {
      const error = await failure(createPrismaWorkflowPersistence(unreachable, { databaseType: "postgresql" }).getRun("x"));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ phase: "connect", retryable: true });
    } finally {
      await unreachable.$disconnect();
    }
    const prisma = await createPrismaClient("postgresql", proxy.through(database.url), { major });
    try {
      const p = createPrismaWorkflowPersistence(prisma, { databaseType: "postgresql" });
      await p.getRun("warm-up");
      const cut = proxy.cutAfter(/workflow_runs/);
      const error = await failure(p.getRun("x"));
      await cut;
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ retryable: true });
    } finally {
      await prisma.$disconnect();
    }
  });
});
