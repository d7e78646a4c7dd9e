import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/database/database.js";
import { migrateToLatest } from "../../src/database/migrations/migrate.js";
import { SchemaMismatchError } from "../../src/errors.js";
import { createTestDatabase, type TestDatabase } from "../support/test-databases.js";
import { BACKENDS, grantDmlOnlyRole, runInput, type BackendConnection } from "./backends.js";

// The 0.1 API on a 0.12 database, the 0.12 API on a 0.1 database, either on
// a database nobody migrated: a typed error on first use that names the fix,
// before anything is written (the database's own errors said "no such table"
// or "column version does not exist", or the 0.1 API wrote 0.1-shaped rows).

/** What a mismatch error must say: its class, what was found, and the fix in words. */
async function refused(call: Promise<unknown>, found: string, fix: RegExp): Promise<void> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SchemaMismatchError);
  expect((error as SchemaMismatchError).found).toBe(found);
  expect((error as Error).message).toMatch(fix);
}

describe.each(BACKENDS)("the wrong database for the entry, on $name", (backend) => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  const connections: BackendConnection[] = [];
  const connect = async (contract: "0.1" | "0.12" | "1.0", handle = db) => {
    const connection = await backend.connect(database, handle, contract);
    connections.push(connection);
    return connection;
  };
  /** The DML-only role gets rights on the tables each migration creates. */
  const migrate = async (target: "0.1" | "0.12" | "1.0", blobStore = false) => {
    await migrateToLatest(db, { target, blobStore });
    if (backend.name.includes("DML-only")) await grantDmlOnlyRole(db);
  };

  beforeAll(async () => {
    database = await createTestDatabase[backend.databaseType]("mismatch");
    db = database.open();
  });
  afterAll(async () => {
    for (const connection of connections) await connection.close();
    await database.dispose();
  });

  it("refuses each API on an unmigrated database, then the other contract's database, naming the fix; works once migrated", async () => {
    const on01 = await connect("0.1");
    const on012 = await connect("0.12");
    const errors: unknown[] = [];
    const logger = on01.aiCallLogger({ onError: (error) => errors.push(error), maxAttempts: 1 });

    // Not migrated: every entry says to migrate.
    await refused(on01.persistence.createRun(runInput()), "unmigrated", /not migrated.*kwp migrate/);
    await refused(on012.persistence.getRun("r"), "unmigrated", /kwp migrate --target 0\.12/);
    await refused(on01.jobQueue().dequeue(), "unmigrated", /not migrated/);
    await refused(logger.getStats("t"), "unmigrated", /not migrated/);
    logger.logCall({ topic: "t", callType: "text", modelKey: "m", modelId: "m", prompt: "p", response: "r", inputTokens: 1, outputTokens: 1, cost: 0 });
    await logger.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SchemaMismatchError);

    // A 0.1 database: the 0.12 entry names the upgrade and the other import.
    await migrate("0.1");
    await refused(on012.persistence.createRun(runInput()), "0.1", /kwp migrate --target 0\.12.*keeps every row/);
    await refused(on012.jobQueue().enqueue({ workflowRunId: "r", workflowId: "w", stageId: "s" } as never), "0.1", /"kysely-workflow-persistence"/);
    await refused(on01.blobStore().put("k", 1), "0.1", /kwp migrate --blob-store/);
    // The 0.1 entry works, on the same objects that were refused before.
    const run = await on01.persistence.createRun(runInput());
    expect(await on01.persistence.getRun(run.id)).toMatchObject({ status: "PENDING" });
    expect((await logger.getStats("t")).totalCalls).toBe(0);

    // Upgraded to 0.12: the 0.1 entry names the 0.12 import; nothing it refused was written.
    // (Checked on first use: objects of a handle that found the database right
    // do not look again, so these are made on a handle of their own.)
    await migrate("0.12");
    const later01 = await connect("0.1", database.open());
    const beforeRefusals = await db.selectFrom("workflow_runs").select("id").execute();
    await refused(later01.persistence.createRun(runInput()), "0.12", /kysely-workflow-persistence\/v0\.12/);
    await refused(later01.jobQueue().enqueue({ workflowRunId: "r", stageId: "s" }), "0.12", /v0\.12/);
    expect(await db.selectFrom("workflow_runs").select("id").execute()).toEqual(beforeRefusals);
    expect(await db.selectFrom("job_queue").select("id").execute()).toEqual([]);
    expect(await on012.persistence.getRun(run.id)).toMatchObject({ version: 1 });

    // The 1.0 entry on the 0.12 database names the upgrade; upgraded, the 0.12 entry names /v1.
    const on10 = await connect("1.0", database.open());
    await refused(on10.persistence.getRun(run.id), "0.12", /kwp migrate --target 1\.0/);
    await refused(on10.stepLedger().list("s"), "0.12", /--target 1\.0/);
    await migrate("1.0");
    const later012 = await connect("0.12", database.open());
    await refused(later012.persistence.getRun(run.id), "1.0", /kysely-workflow-persistence\/v1/);
    expect(await on10.persistence.getRun(run.id)).toMatchObject({ version: 1, definitionVersion: null, redriveCount: 0 });
  });
});
