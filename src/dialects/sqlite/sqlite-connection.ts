import type BetterSqlite3 from "better-sqlite3";
import { existsSync, readFileSync, statSync } from "node:fs";
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
  let database: BetterSqlite3.Database;
  try {
    database = new Database(filename, {
      ...(options.readonly ? { readonly: true } : {}),
      ...(options.fileMustExist ? { fileMustExist: true } : {}),
      timeout: options.busyTimeoutMs ?? 5000,
    });
    // A WAL file needs its -shm beside it even to read: in a read-only folder the first read fails.
    if (options.readonly) database.pragma("schema_version");
  } catch (error) {
    if (!options.readonly || (error as { code?: unknown }).code !== "SQLITE_READONLY_DIRECTORY") throw error;
    database = readOnlySnapshot(Database, filename);
  }
  database.pragma("foreign_keys = ON");
  if (!isInMemory(filename) && !options.readonly) {
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
  }
  return database;
}

/**
 * A WAL database in a folder this user may not write to cannot be opened at
 * all, not even read-only: SQLite must create the -shm file beside it. Read-only
 * inspection (`kwp --readonly` on a shared file) then reads the file into
 * memory, marked as a rollback-journal file so SQLite needs no -shm. That is
 * the file's committed content only if no WAL with more commits sits beside
 * it (a writer that crashed): refused then, rather than showing stale rows.
 */
function readOnlySnapshot(Database: typeof BetterSqlite3, filename: string): BetterSqlite3.Database {
  const wal = `${filename}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) {
    throw Object.assign(
      new Error(`${wal} holds commits not yet in the file, and this folder is read-only: open it where the -shm file can be made`),
      { code: "SQLITE_CANTOPEN" },
    );
  }
  const bytes = readFileSync(filename);
  // Header bytes 18 and 19: file format read/write versions, 2 for WAL, 1 for a rollback journal.
  if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1;
  return new Database(bytes, { readonly: true });
}

function isInMemory(filename: string): boolean {
  return filename === ":memory:" || filename === "" || filename.startsWith("file::memory:");
}
