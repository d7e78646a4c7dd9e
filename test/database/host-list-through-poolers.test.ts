import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseError } from "../../src/errors.js";
import { openDatabase } from "../../src/database/open-database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import * as v1 from "../../src/v1.js";
import { findPgBouncer, startPgBouncer, type RunningPgBouncer } from "../support/pgbouncer.js";
import { createPostgresDatabase, postgresServerUrl, type TestDatabase } from "../support/test-databases.js";
import { runInput } from "../conformance/backends.js";

// Issue 30: a PgBouncer on each server, the URL listing the poolers with
// target_session_attrs=read-write (as pg_auto_failover and Patroni deployments
// run it). After a failover the client's connections to the old primary's
// pooler stay open, and that pooler answers from a server now read-only:
// before this was fixed, a pool behind a transaction pooler never dropped such
// a connection, so a worker kept claiming through the demoted node's pooler
// (25006 on every call, forever) and the jobs whose claim reply it had lost at
// the switch stayed RUNNING (2-3 of 2,000 in the failover suite's PgBouncer
// rounds). Here one server plays both nodes: pooler A logs in as a role of its
// own, and turning that role read-only (and ending its sessions, which the
// pooler then opens again) is pooler A's server being demoted.

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe.skipIf(!findPgBouncer())("a host list of poolers, one per server, when a server turns read-only under them", () => {
  let database: TestDatabase;
  let admin: ReturnType<typeof openDatabase>;
  const role = `kwp_demoted_${process.pid}`;
  const poolers: RunningPgBouncer[] = [];
  let url = "";

  beforeAll(async () => {
    database = await createPostgresDatabase("poolers");
    admin = database.open();
    await migrateToLatest(admin, { target: "1.0" });
    await sql`create role ${sql.id(role)} login superuser`.execute(admin);
    const server = new URL(database.url);
    const asRole = new URL(database.url);
    asRole.username = role;
    // server_check_delay 0: pooler A checks a server connection before reusing it,
    // so the ended sessions are replaced by read-only ones rather than reported lost.
    poolers.push(await startPgBouncer(findPgBouncer()!, asRole.toString(), { settings: { server_check_delay: 0 } }), await startPgBouncer(findPgBouncer()!, server.toString()));
    url = `postgres://app@${poolers.map((pooler) => new URL(pooler.url).host).join(",")}${server.pathname}?target_session_attrs=read-write&pgbouncer=true`;
  }, 60_000);

  afterAll(async () => {
    for (const pooler of poolers) await pooler.stop();
    if (admin) {
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where usename = ${role}`.execute(admin);
      await admin.destroy();
    }
    const server = openDatabase(postgresServerUrl());
    await sql`drop role if exists ${sql.id(role)}`.execute(server).catch(() => {});
    await server.destroy();
    await database?.dispose();
  });

  const demotePoolerA = async () => {
    await sql.raw(`alter role ${role} set default_transaction_read_only = on`).execute(admin);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where usename = ${role}`.execute(admin);
    // pg_terminate_backend only signals: until each backend has exited, pooler A's
    // check of a server connection can pass and the next statement then meets
    // the termination (57P01) instead of the read-only server this test is about.
    for (;;) {
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from pg_stat_activity where usename = ${role}`.execute(admin);
      if (Number(rows[0]!.n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it("the call that finds it read-only fails typed and retryable; every later call, claims included, runs on the other pooler's primary", { timeout: 60_000 }, async () => {
    const db = openDatabase(url, { postgres: { max: 4 } });
    try {
      const persistence = v1.createKyselyWorkflowPersistence(db);
      const queue = v1.createKyselyJobQueue(db, { listen: false });
      // Four connections to pooler A, all idle in the pool when A's server is demoted.
      const runs = await Promise.all(Array.from({ length: 4 }, () => persistence.createRun(runInput())));
      await queue.enqueueParallel(runs.map((run) => ({ workflowRunId: run.id, workflowId: "wf", stageId: "s" })));
      await demotePoolerA();

      const first = await failure(persistence.createRun(runInput()));
      expect(first).toBeInstanceOf(DatabaseError);
      expect(first).toMatchObject({ code: "READ_ONLY_SERVER", databaseCode: "25006", retryable: true });
      // None of the pool's other connections to pooler A is used again: each
      // call below would fail the same way if it were.
      for (let i = 0; i < 4; i++) {
        const job = await queue.dequeue();
        expect(job, `claim ${i + 1}`).not.toBeNull();
        expect(await queue.complete(job!.jobId, { startedAt: job!.startedAt, attempt: job!.attempt })).toBe("acknowledged");
      }
      const run = await persistence.createRun(runInput());
      expect((await persistence.getRun(run.id))!.id).toBe(run.id);
    } finally {
      await db.destroy();
    }
  });
});
