import { describe, expect, it } from "vitest";
import { splitSqlStatements } from "../../src/database/migrations/split-sql-statements.js";

describe("splitSqlStatements", () => {
  it("splits at top-level semicolons and drops comment-only fragments", () => {
    expect(splitSqlStatements("-- header\nCREATE TABLE a (x int);\n\n/* c; */ SELECT 1;\n-- trailing;\n")).toEqual([
      "CREATE TABLE a (x int)",
      "SELECT 1",
    ]);
  });

  it("keeps semicolons inside strings, identifiers and comments", () => {
    expect(
      splitSqlStatements(`INSERT INTO "we;ird" VALUES ('a;b', 'it''s; fine'); SELECT 2 -- no; split\n;`),
    ).toEqual([`INSERT INTO "we;ird" VALUES ('a;b', 'it''s; fine')`, "SELECT 2 -- no; split"]);
  });

  it("keeps PostgreSQL dollar-quoted bodies whole", () => {
    const fn = `CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql`;
    expect(splitSqlStatements(`${fn};\nSELECT $$a;b$$;`)).toEqual([fn, "SELECT $$a;b$$"]);
  });

  it("keeps SQLite trigger bodies whole, CASE … END included", () => {
    const trigger =
      `CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = CASE WHEN x > 0 THEN 1 ELSE 0 END;\n  DELETE FROM b;\nEND`;
    expect(splitSqlStatements(`${trigger};\nSELECT 3;`)).toEqual([trigger, "SELECT 3"]);
  });

  it("returns the last statement without a semicolon and nothing for an empty script", () => {
    expect(splitSqlStatements("SELECT 1")).toEqual(["SELECT 1"]);
    expect(splitSqlStatements("  \n-- only a comment\n")).toEqual([]);
  });
});
