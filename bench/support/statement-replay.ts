/**
 * The floor for multi-statement workloads: statements captured from one run
 * of the library, sent again through the bare driver as prepared statements,
 * with nothing around them. Each replay gets fresh ids (every UUIDv7 the
 * library generated is mapped to a new one, inside strings too) and a fresh
 * "now" (PostgreSQL: Date parameters; SQLite: the canonical ISO text),
 * except the ids in `keep`: rows the workload works on that exist before it
 * (a stage whose steps it claims), which a fresh id would miss.
 *
 * With a `unit` marker (the unit number the statements were captured with),
 * the marker in a parameter (a number, or digits inside text: `{"n":-7777777}`)
 * becomes the replayed unit's number, as the library writes it. Without it,
 * a workload that rewrites one row would replay byte-identical rows, and
 * SQLite skips writing a row whose new content equals the old (no page
 * dirtied, nothing to commit): a floor that mostly writes nothing.
 */
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { openBareSqlite } from "./bare-sqlite.js";
import { newId } from "../../src/database/ids.js";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";
import { formatSqliteDate } from "../../src/dialects/sqlite/sqlite-codecs.js";
import type { CapturedStatement } from "./capture-statements.js";

const UUID_V7 = /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const SQLITE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface StatementReplayer {
  /** Sends the statements once more; `n`: the unit's number, in place of the capture's marker. */
  replay(n?: number): Promise<void>;
  close(): Promise<void>;
}

/** How a unit's number is swapped in (see openStatementReplayer). */
interface UnitRebinding {
  marker: number;
  n: number;
}

function rebind(parameters: readonly unknown[], ids: Map<string, string>, now: Date, keepIds: ReadonlySet<string>, unit?: UnitRebinding): unknown[] {
  const fresh = (id: string) => {
    if (keepIds.has(id)) return id;
    let mapped = ids.get(id);
    if (!mapped) ids.set(id, (mapped = newId()));
    return mapped;
  };
  return parameters.map((value) => {
    if (value instanceof Date) return now;
    if (unit && value === unit.marker) return unit.n;
    if (typeof value !== "string") return value;
    if (SQLITE_TIMESTAMP.test(value)) return formatSqliteDate(now);
    if (ISO_TIMESTAMP.test(value)) return now.toISOString();
    const rebound = value.replace(UUID_V7, fresh);
    return unit ? rebound.replaceAll(String(unit.marker), String(unit.n)) : rebound;
  });
}

export async function openStatementReplayer(
  databaseType: DatabaseType,
  url: string,
  statements: readonly CapturedStatement[],
  keep: ReadonlySet<string> = new Set(),
  unitMarker?: number,
): Promise<StatementReplayer> {
  const unitOf = (n: number | undefined): UnitRebinding | undefined =>
    unitMarker === undefined || n === undefined ? undefined : { marker: unitMarker, n };
  if (databaseType === "postgresql") {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const names = new Map<string, string>();
    for (const { sql } of statements) if (!names.has(sql)) names.set(sql, `kwp_replay_${names.size}`);
    return {
      async replay(n) {
        const ids = new Map<string, string>();
        for (const { sql, parameters } of statements) {
          await client.query({ name: names.get(sql)!, text: sql, values: rebind(parameters, ids, new Date(), keep, unitOf(n)) });
        }
      },
      close: () => client.end(),
    };
  }
  const db = openBareSqlite(url);
  const prepared = new Map<string, BetterSqlite3.Statement>();
  for (const { sql } of statements) if (!prepared.has(sql)) prepared.set(sql, db.prepare(sql));
  return {
    async replay(n) {
      const ids = new Map<string, string>();
      for (const { sql, parameters } of statements) {
        const statement = prepared.get(sql)!;
        const values = rebind(parameters, ids, new Date(), keep, unitOf(n));
        if (statement.reader) statement.all(...values);
        else statement.run(...values);
      }
    },
    close: async () => void db.close(),
  };
}
