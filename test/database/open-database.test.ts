import { sql } from "kysely";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { openDatabase, parseDatabaseUrl } from "../../src/database/open-database.js";
import { detectDatabaseType, resolveDatabaseType } from "../../src/dialects/detect-database-type.js";
import { createPostgresDatabase } from "../support/test-databases.js";

describe("parseDatabaseUrl", () => {
  it.each([
    ["postgres://u:p@h:5432/db", "postgresql", "postgres://u:p@h:5432/db"],
    ["postgresql://h/db", "postgresql", "postgresql://h/db"],
    ["sqlite:./workflow.db", "sqlite", "./workflow.db"],
    ["sqlite://relative/w.db", "sqlite", "relative/w.db"],
    ["sqlite:///abs/w.db", "sqlite", "/abs/w.db"],
    ["sqlite::memory:", "sqlite", ":memory:"],
    [":memory:", "sqlite", ":memory:"],
    ["workflow.db", "sqlite", "workflow.db"],
    ["./data/w.db", "sqlite", "./data/w.db"],
    ["/var/lib/w.db", "sqlite", "/var/lib/w.db"],
    // Prisma's SQLite URLs (its .env default is file:./dev.db); its parameters configure Prisma only.
    ["file:./dev.db", "sqlite", "./dev.db"],
    ["file:dev.db", "sqlite", "dev.db"],
    ["file:/abs/dev.db?connection_limit=1", "sqlite", "/abs/dev.db"],
    ["file:///abs/dev.db", "sqlite", "/abs/dev.db"],
  ])("%s → %s %s", (url, databaseType, target) => {
    const parsed = parseDatabaseUrl(url);
    expect(parsed).toMatchObject({ databaseType, target });
    if (databaseType === "sqlite") expect(parsed).toEqual({ databaseType, target });
  });

  it("reads Prisma's PostgreSQL parameters and keeps them away from pg", () => {
    expect(parseDatabaseUrl("postgresql://u:p@h:5432/db?schema=app&connection_limit=3&pool_timeout=2.5&pgbouncer=true&sslmode=disable")).toEqual({
      databaseType: "postgresql",
      target: "postgresql://u:p@h:5432/db?sslmode=disable",
      schema: "app",
      poolSize: 3,
      poolTimeoutMs: 2500,
      transactionPooler: true,
      endpoints: [{ host: "h", port: 5432 }],
      database: "db",
      targetSessionAttrs: "any",
      sslmode: "disable",
    });
  });

  it.each([
    ["postgres://h/db?connection_limit=0", "connection_limit"],
    ["postgres://h/db?connection_limit=two", "connection_limit"],
    ["postgres://h/db?pool_timeout=-1", "pool_timeout"],
    ["postgres://h/db?pgbouncer=yes", "pgbouncer"],
    ["postgres://h/db?schema=", "schema"],
  ])("refuses %s naming %s", (url, parameter) => {
    expect(() => parseDatabaseUrl(url)).toThrow(new RegExp(`invalid ${parameter}`));
  });

  it.each(["", "   ", "mysql://root@localhost/db", "sqlite:", "sqlite3:typo.db", "file:", "postgress:x", "nc_b", "workflow", "app-db"])("refuses %j with a ConfigurationError", (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(ConfigurationError);
  });

  it("does not echo a password in the error", () => {
    expect(() => parseDatabaseUrl("mysql://root:secret@localhost/db")).toThrow(/root:\*\*\*@localhost/);
  });
});

describe("openDatabase on SQLite", () => {
  let folder: string | undefined;
  afterEach(() => folder && rmSync(folder, { recursive: true, force: true }));

  it("opens a file with foreign keys on, WAL and a busy timeout", async () => {
    folder = mkdtempSync(join(tmpdir(), "kwp-open-"));
    const db = openDatabase(`sqlite:${join(folder, "w.db")}`);
    try {
      expect(detectDatabaseType(db)).toBe("sqlite");
      const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
      expect(await pragma("foreign_keys")).toBe(1);
      expect(await pragma("journal_mode")).toBe("wal");
      expect(await pragma("busy_timeout")).toBe(5000);
      expect(await pragma("synchronous")).toBe(1); // NORMAL
    } finally {
      await db.destroy();
    }
  });

  it("opens :memory: with foreign keys on", async () => {
    const db = openDatabase(":memory:");
    try {
      expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys).toBe(1);
    } finally {
      await db.destroy();
    }
  });

  it("reports a file that cannot be opened as a ConfigurationError naming it", () => {
    expect(() => openDatabase("sqlite:/nonexistent-folder/x/y.db")).toThrow(/nonexistent-folder/);
  });
});

describe("openDatabase on PostgreSQL", () => {
  it("connects and reads timestamps as UTC regardless of the process time zone", async () => {
    const database = await createPostgresDatabase("open");
    try {
      const db = database.open();
      expect(detectDatabaseType(db)).toBe("postgresql");
      const { rows } = await sql<{ ts: unknown }>`select timestamp '2024-01-02 03:04:05.678' as ts`.execute(db);
      // The pool keeps `timestamp without time zone` as text; the codecs read it as UTC.
      expect(rows[0]?.ts).toBe("2024-01-02 03:04:05.678");
    } finally {
      await database.dispose();
    }
  });
});

describe("openDatabase with Prisma's pool parameters", () => {
  it("connection_limit caps the pool and pool_timeout bounds the wait for a connection", async () => {
    const database = await createPostgresDatabase("pool");
    const db = openDatabase(`${database.url}?connection_limit=2&pool_timeout=0.3`);
    const name = new URL(database.url).pathname.slice(1);
    const watcher = openDatabase(database.url);
    try {
      const sleeping = Array.from({ length: 2 }, () => sql`select pg_sleep(1.5)`.execute(db));
      let most = 0;
      for (let i = 0; i < 10; i++) {
        const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = ${name} and query like '%pg_sleep(1.5)%' and pid <> pg_backend_pid()`.execute(watcher);
        most = Math.max(most, Number(rows[0]!.n));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Both connections are busy: a third query waits 0.3 s for one, then fails.
      const third = await sql`select 1`.execute(db).then(() => undefined, (error: Error) => error);
      await Promise.all(sleeping);
      expect(most).toBeLessThanOrEqual(2);
      expect(most).toBeGreaterThan(0);
      expect(third?.message).toMatch(/timeout/i);
    } finally {
      await db.destroy();
      await watcher.destroy();
      await database.dispose();
    }
  });
});

describe("resolveDatabaseType", () => {
  it("detects the dialect and refuses an explicit type that contradicts it", async () => {
    const db = openDatabase(":memory:");
    try {
      expect(resolveDatabaseType(db)).toBe("sqlite");
      expect(resolveDatabaseType(db, "sqlite")).toBe("sqlite");
      expect(() => resolveDatabaseType(db, "postgresql")).toThrow(/contradicts the connection, which is sqlite/);
      expect(() => resolveDatabaseType(db, "mysql" as never)).toThrow(ConfigurationError);
    } finally {
      await db.destroy();
    }
  });
});
