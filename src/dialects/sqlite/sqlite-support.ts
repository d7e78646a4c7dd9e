import { sql, type Kysely, type SqlBool } from "kysely";
import { prefixSuccessor } from "../../database/prefix-successor.js";
import type { DialectSupport } from "../dialect-support.js";
import { sqliteCodecs } from "./sqlite-codecs.js";
import { manualTransaction } from "../manual-transaction.js";
import { MigrationError } from "../../errors.js";

export const sqliteSupport: DialectSupport = {
  databaseType: "sqlite",
  ...sqliteCodecs,

  supportsDataModifyingCtes: false,
  lockForClaim: (query) => query,

  async listTables(db: Kysely<any>): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`
      select name from sqlite_master
      where type = 'table' and name not like 'sqlite\\_%' escape '\\'
      order by name`.execute(db);
    return rows.map((row) => row.name);
  },

  isTransientLockError(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === "string" && code.startsWith("SQLITE_BUSY");
  },

  // The canonical text is UTC and starts with its day; epoch milliseconds
  // (an integer) are converted.
  dayText: (day) => sql<string>`${day}`,
  dayOf: (column) =>
    sql<string>`case when typeof(${sql.ref(column)}) = 'integer' then strftime('%Y-%m-%d', ${sql.ref(column)} / 1000, 'unixepoch') else substr(${sql.ref(column)}, 1, 10) end`,
  readWithTimeout: (db, _timeoutMs, work) => work(db),
  isStatementTimeout: () => false,

  valueList: (values) => sql`(select value from json_each(${JSON.stringify(values)}))`,

  jsonTextField: (column, key) =>
    sql<string | null>`json_extract(${sql.ref(column)}, ${"$" + (typeof key === "string" ? [key] : key).map((step) => "." + JSON.stringify(step)).join("")})`,

  // SQLite's LIKE ignores ASCII case, so a prefix is a range instead: with the
  // BINARY collation (UTF-8 bytes, so code point order) every string that
  // starts with `prefix` sorts from `prefix` up to, not including, the first
  // string after all of them (prefixSuccessor). The range can use an index.
  // likelihood() only informs the planner: once ANALYZE has run, it otherwise
  // guesses a bound-parameter range to be broad and, for getStats, prefers
  // walking the whole "modelKey" index (to skip the GROUP BY sort) over the
  // covering topic index: 10x slower at 100k rows.
  bytewise: (column) => sql<string>`${sql.ref(column)}`,

  startsWith: (column, prefix) => {
    if (prefix === "") return sql<SqlBool>`1 = 1`;
    const after = prefixSuccessor(prefix);
    const from = sql<SqlBool>`likelihood(${sql.ref(column)} >= ${prefix}, 0.05)`;
    return after === undefined ? from : sql<SqlBool>`(${from} and likelihood(${sql.ref(column)} < ${after}, 0.05))`;
  },

  refusedRow(error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === "string" && /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/.test(code);
  },

  constraintViolation(error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE") return "unique";
    if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") return "foreign_key";
    return undefined;
  },

  async listColumns(db, table) {
    const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
    return rows.map((row) => row.name);
  },

  async describeColumns(db, table) {
    const { rows } = await sql<{ name: string; type: string; notnull: number; pk: number }>`
      select name, type, "notnull", pk from pragma_table_info(${table})`.execute(db);
    // An INTEGER PRIMARY KEY aside, SQLite lets a PRIMARY KEY column hold NULL
    // unless it says NOT NULL; the files always say it, Prisma's DDL too.
    return rows.map((row) => ({ name: row.name, type: row.type.toUpperCase(), notNull: Number(row.notnull) === 1 }));
  },

  async listIndexes(db) {
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(db);
    return rows.map((row) => row.name);
  },

  normalizeDeclaredType: (declared) => declared.replace(/"/g, "").toUpperCase(),

  serializeWriters: async () => {},
  statementsRunAlone: true,
  failedStatementAbortsTransaction: false,

  writeTransaction(db, work) {
    return immediateTransaction(db, async (connection) => ({ value: await work(connection), commit: true }));
  },

  runMigrationTransaction(db, work) {
    // IMMEDIATE takes the write lock up front: a second migrating process
    // waits on the busy timeout here instead of failing half-way through.
    return immediateTransaction(db, async (connection) => {
      const result = await work(connection, true);
      // A migration that rebuilds a table (SQLite cannot alter a foreign key
      // in place) must leave every reference intact: checked before commit.
      if (result.commit) await checkForeignKeys(connection);
      return result;
    });
  },
};

async function checkForeignKeys(connection: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ table: string; parent: string }>`pragma foreign_key_check`.execute(connection);
  if (rows.length > 0) {
    const broken = [...new Set(rows.map((row) => `${row.table} → ${row.parent}`))].join(", ");
    throw new MigrationError(`Migrating would leave rows whose foreign keys point nowhere (${broken}); rolled back`, undefined);
  }
}

/**
 * BEGIN IMMEDIATE … COMMIT on one connection. Kysely's own transaction()
 * issues a deferred BEGIN, which fails with SQLITE_BUSY when another process
 * wrote between this one's first read and its first write.
 */
function immediateTransaction<T>(
  db: Kysely<any>,
  work: (connection: Kysely<any>) => Promise<{ value: T; commit: boolean }>,
): Promise<T> {
  return manualTransaction(db, sql`begin immediate`, [], work);
}
