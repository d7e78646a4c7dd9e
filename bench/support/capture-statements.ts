import { Kysely, type LogEvent } from "kysely";
import type { Database } from "../../src/database/database.js";
import { openDatabase } from "../../src/database/open-database.js";

export interface CapturedStatement {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * Runs `work` through the library on a logging connection and returns the
 * statements it sent, so that the bare-driver floor sends exactly the same SQL.
 */
export async function captureStatements(
  url: string,
  work: (db: Kysely<Database>) => Promise<unknown>,
): Promise<CapturedStatement[]> {
  const captured: CapturedStatement[] = [];
  const db = openDatabase(url, {
    log: (event: LogEvent) => {
      if (event.level === "query") captured.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  try {
    await work(db);
  } finally {
    await db.destroy();
  }
  return captured;
}

/** The one captured statement whose SQL starts with `prefix` (e.g. "with", "update", "insert"). */
export function statementStartingWith(statements: CapturedStatement[], prefix: string): CapturedStatement {
  const found = statements.filter((s) => s.sql.trimStart().toLowerCase().startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one "${prefix}…" statement, captured ${found.length}`);
  return found[0]!;
}
