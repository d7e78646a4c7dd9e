import type BetterSqlite3 from "better-sqlite3";
import { loadDriver } from "../../database/optional-driver.js";

export interface SqliteConnectionOptions {
  /** How long a writer waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** Open the file read-only. */
  readonly?: boolean;
  /** Fail when the file does not exist instead of creating an empty one (what a reader wants). */
  fileMustExist?: boolean;
}

/**
 * Opens a better-sqlite3 database ready for real use:
 * - foreign_keys=ON, or the schema's ON DELETE CASCADE silently does nothing;
 * - WAL journal, so readers never block the writer and several processes can
 *   share one file;
 * - a busy timeout, so a writer waits for a lock instead of failing at once;
 * - synchronous=NORMAL, which is durable across application crashes in WAL mode
 *   (only an OS crash or power loss can drop the last transactions).
 */
export function openSqliteConnection(
  filename: string,
  options: SqliteConnectionOptions = {},
): BetterSqlite3.Database {
  const Database = loadDriver<typeof BetterSqlite3>("better-sqlite3", "A SQLite database");
  const database = new Database(filename, {
    ...(options.readonly ? { readonly: true } : {}),
    ...(options.fileMustExist ? { fileMustExist: true } : {}),
    timeout: options.busyTimeoutMs ?? 5000,
  });
  database.pragma("foreign_keys = ON");
  if (!isInMemory(filename) && !options.readonly) {
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
  }
  return database;
}

function isInMemory(filename: string): boolean {
  return filename === ":memory:" || filename === "" || filename.startsWith("file::memory:");
}
