import BetterSqlite3 from "better-sqlite3";

/** A bare better-sqlite3 connection with the same pragmas the library sets, for the floor. */
export function openBareSqlite(file: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(file.replace(/^sqlite:/, ""), { timeout: 5000 });
  db.pragma("foreign_keys = ON");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  return db;
}
