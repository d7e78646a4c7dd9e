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
 * With `warm`, that runs first on the same connection, unrecorded: what a
 * handle does once (the first-use schema check) stays out of the floor.
 */
export async function captureStatements(
  url: string,
  work: (db: Kysely<Database>) => Promise<unknown>,
  warm?: (db: Kysely<Database>) => Promise<unknown>,
): Promise<CapturedStatement[]> {
  const captured: CapturedStatement[] = [];
  let recording = !warm;
  const db = openDatabase(url, {
    log: (event: LogEvent) => {
      if (recording && event.level === "query") captured.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  try {
    if (warm) {
      await warm(db);
      recording = true;
    }
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
