import { sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { ConsoleQueryTimeoutError } from "../../src/console/console-errors.js";
import { createKyselyConsoleReadPort } from "../../src/console/kysely-console-read-port.js";
import { createPrismaConsoleReadPort } from "../../src/prisma/prisma-console-read-port.js";
import { createPrismaClient } from "../support/prisma-clients.js";
import { BACKENDS, KYSELY_BACKENDS, useBackend } from "../conformance/backends.js";

// The read port's statement timeout (PostgreSQL) and its reads inside a
// transaction the caller opened.

describe.each(BACKENDS.filter((b) => b.databaseType === "postgresql").map((b) => [b.name, b] as const))("console reads time out: %s", (_name, backend) => {
  const fixture = useBackend(backend, "1.0");

  it("cancels a read past statementTimeoutMs with ConsoleQueryTimeoutError, and reads again afterwards", async () => {
    await fixture.persistence.createRun({ workflowId: "wf", workflowName: "W", workflowType: "t", input: {} });
    const port = await fixture.consoleReader({ statementTimeoutMs: 300 });
    // Another session holds the table: the read waits on the lock, which the timeout counts.
    const blocker = new pg.Client({ connectionString: fixture.database.url });
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query("lock table workflow_runs in access exclusive mode");
      const error = await port.listRuns({}).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ConsoleQueryTimeoutError);
      expect(error).toMatchObject({ code: "query_timeout", query: "runs.list", operation: "runs.list", timeoutMs: 300, message: "runs.list timed out after 300ms" });
    } finally {
      await blocker.query("rollback");
      await blocker.end();
    }
    expect((await port.listRuns({})).runs).toHaveLength(1);
  });
});

describe.each(KYSELY_BACKENDS.map((b) => [b.name, b] as const))("console reads in the caller's transaction: %s", (_name, backend) => {
  const fixture = useBackend(backend, "0.12");

  it("sees the transaction's own uncommitted rows, and nothing after it rolls back", async () => {
    const rolledBack = new Error("roll back");
    await fixture.db
      .transaction()
      .execute(async (tx) => {
        const port = createKyselyConsoleReadPort(tx, { statementTimeoutMs: 5_000, contract: "0.12" });
        await sql`insert into workflow_runs (id, "workflowId", "workflowName", "workflowType", input, "updatedAt")
          values ('in-tx', 'wf', 'W', 't', '{}', ${fixture.database.databaseType === "sqlite" ? "2026-03-01T10:00:00.000+00:00" : new Date()})`.execute(tx);
        expect((await port.listRuns({})).runs.map((r) => r.id)).toEqual(["in-tx"]);
        expect((await port.getRunDetail("in-tx"))?.run.workflowId).toBe("wf");
        throw rolledBack;
      })
      .catch((error: unknown) => {
        if (error !== rolledBack) throw error;
      });
    const port = createKyselyConsoleReadPort(fixture.db, { contract: "0.12" });
    expect((await port.listRuns({})).runs).toEqual([]);
  });
});

describe.each(KYSELY_BACKENDS.map((b) => [b.databaseType, b] as const))("console reads in a Prisma transaction client: %s", (databaseType, backend) => {
  const fixture = useBackend(backend, "1.0");

  it("reads inside the interactive transaction it was made on (no timeout of its own), and nothing after the rollback", async () => {
    const prisma = await createPrismaClient(databaseType, fixture.database.url, { major: 7 });
    const rolledBack = new Error("roll back");
    try {
      await prisma
        .$transaction(async (tx: any) => {
          const when = databaseType === "sqlite" ? "2026-03-01T10:00:00.000+00:00" : new Date("2026-03-01T10:00:00Z");
          await tx.$executeRawUnsafe(
            `insert into workflow_runs (id, "workflowId", "workflowName", "workflowType", input, "updatedAt", "createdAt") values ('in-tx', 'wf', 'W', 't', '{}', ${databaseType === "sqlite" ? "?, ?" : "$1, $2"})`,
            when,
            when,
          );
          const port = createPrismaConsoleReadPort(tx, { databaseType });
          expect((await port.listRuns({})).runs.map((r) => r.id)).toEqual(["in-tx"]);
          throw rolledBack;
        })
        .catch((error: unknown) => {
          if (error !== rolledBack) throw error;
        });
      const port = createPrismaConsoleReadPort(prisma, { databaseType });
      expect((await port.listRuns({})).runs).toEqual([]);
    } finally {
      await prisma.$disconnect();
    }
  });
});
