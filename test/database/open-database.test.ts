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
    ["./data/w.db", "sqlite", "./data/w.db"],
    ["/var/lib/w.db", "sqlite", "/var/lib/w.db"],
  ])("%s → %s %s", (url, databaseType, target) => {
    expect(parseDatabaseUrl(url)).toEqual({ databaseType, target });
  });

  it.each(["", "   ", "mysql://root@localhost/db", "sqlite:"])("refuses %j with a ConfigurationError", (url) => {
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
