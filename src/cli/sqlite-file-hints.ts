import { accessSync, constants, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDatabaseUrl } from "../database/database-url.js";
import { ConfigurationError, DatabaseError } from "../errors.js";
import type { CliContext } from "./cli-context.js";
import { CliError, EXIT } from "./cli-errors.js";

/**
 * A SQLite file that could not be opened, said the way a person fixes it:
 * the file is not there (a reading command never creates one: run `kwp
 * migrate` first), or its folder is read-only for this user (SQLite's WAL
 * needs to write beside the file: `--readonly` reads it anyway). Undefined
 * when the failure is something else, or the database is not a SQLite file.
 */
export function sqliteFileHint(error: unknown, cli: CliContext): CliError | undefined {
  const code = sqliteCode(error);
  // better-sqlite3 throws a plain TypeError for a folder that does not exist.
  const notOpened = error instanceof ConfigurationError && /^Cannot open SQLite database/.test(error.message);
  if (!notOpened && (code === undefined || !/^SQLITE_(CANTOPEN|READONLY|PERM)/.test(code))) return undefined;
  let file: string;
  try {
    const parsed = parseDatabaseUrl(cli.url);
    if (parsed.databaseType !== "sqlite" || parsed.target === ":memory:") return undefined;
    file = resolve(parsed.target);
  } catch {
    return undefined;
  }
  const folder = dirname(file);
  if (!existsSync(file) && cli.access.mode === "create") {
    if (existsSync(folder)) return undefined;
    return new CliError(`cannot create ${cli.label}: the folder ${folder} does not exist (create it first, or give another path)`, EXIT.unreachable);
  }
  if (!existsSync(file)) {
    const where = existsSync(folder) ? `in ${folder}` : `and its folder ${folder} does not exist either`;
    return new CliError(
      `no such file: ${cli.label} (${file}), ${where}. A command that reads never creates a database: ` +
        `run \`${cli.commandPrefix()} migrate\` to create it, or give --url the database you meant`,
      EXIT.notMigrated,
    );
  }
  if (!cli.access.readonly && !writable(folder)) {
    return new CliError(
      `cannot open ${cli.label}: its folder ${folder} is read-only for this user, and SQLite writes its journal beside the file. ` +
        (cli.access.mode === "read" ? `Add --readonly to read it as it is (\`${cli.commandPrefix()} --readonly …\`)` : "Run this command as a user who may write there"),
      EXIT.unreachable,
    );
  }
  return undefined;
}

/** The driver's SQLITE_* code, on the error or on the cause the library wrapped it in. */
function sqliteCode(error: unknown): string | undefined {
  const wrapped = error instanceof ConfigurationError || error instanceof DatabaseError;
  const code = wrapped ? (error as { cause?: { code?: unknown } }).cause?.code : (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_") ? code : undefined;
}

function writable(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
