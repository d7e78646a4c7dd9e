import { sql, type RawBuilder } from "kysely";

/**
 * The per-day sums the optional migration `console_totals` keeps (runs by
 * workflow and status, AI calls by model), where a database has them: on
 * SQLite the totals alone (triggers add each change in place); on PostgreSQL
 * the totals and the changes appended since they were last folded in.
 */
export interface ConsoleTotals {
  /** The tables a read adds up: the totals, and on PostgreSQL the pending changes. */
  readonly runs: readonly string[];
  readonly aiCalls: readonly string[];
}

export function consoleTotalsOf(tables: readonly string[]): ConsoleTotals | undefined {
  if (!tables.includes("kwp_run_totals") || !tables.includes("kwp_ai_call_totals")) return undefined;
  const withChanges = (table: string, changes: string) => (tables.includes(changes) ? [table, changes] : [table]);
  return { runs: withChanges("kwp_run_totals", "kwp_run_total_changes"), aiCalls: withChanges("kwp_ai_call_totals", "kwp_ai_call_total_changes") };
}

const DAY_MS = 86_400_000;
const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * A time range [from, to) cut at UTC midnights: the whole days in it (read
 * from the totals, as `YYYY-MM-DD` keys, end excluded) and the parts before
 * the first and after the last midnight (read from the table itself, each
 * less than a day). No whole day: the range is read from the table.
 */
export interface SplitRange {
  days?: { from?: string; to?: string };
  edges: Array<{ from?: Date; to?: Date }>;
}

export function splitAtMidnights(from: Date | undefined, to: Date | undefined): SplitRange {
  const first = from === undefined ? undefined : Math.ceil(from.getTime() / DAY_MS) * DAY_MS;
  const last = to === undefined ? undefined : Math.floor(to.getTime() / DAY_MS) * DAY_MS;
  if (first !== undefined && last !== undefined && first >= last) return { edges: [{ from, to }] };
  const edges: SplitRange["edges"] = [];
  if (from !== undefined && first! > from.getTime()) edges.push({ from, to: new Date(first!) });
  if (to !== undefined && last! < to.getTime()) edges.push({ from: new Date(last!), to });
  return {
    days: { ...(first !== undefined ? { from: dayKey(first) } : {}), ...(last !== undefined ? { to: dayKey(last) } : {}) },
    edges,
  };
}

/** The rows of the totals tables (and changes) whose day is in the range, as one derived table. */
export function totalsRows(tables: readonly string[], columns: readonly string[], days: SplitRange["days"] = {}): RawBuilder<unknown> {
  const list = sql.join(columns.map((column) => sql.ref(column)));
  const where = [
    ...(days.from !== undefined ? [sql`${sql.ref("day")} >= ${days.from}`] : []),
    ...(days.to !== undefined ? [sql`${sql.ref("day")} < ${days.to}`] : []),
  ];
  const parts = tables.map((table) => sql`select ${list} from ${sql.table(table)}${where.length ? sql` where ${sql.join(where, sql` and `)}` : sql``}`);
  return sql`(${sql.join(parts, sql` union all `)})`;
}

/** Adds buckets of the same key (the parts of a split range). */
export function mergeBuckets<T extends { key: string }>(parts: readonly T[][], add: (into: T, more: T) => void): T[] {
  const byKey = new Map<string, T>();
  for (const part of parts) {
    for (const bucket of part) {
      const seen = byKey.get(bucket.key);
      if (seen) add(seen, bucket);
      else byKey.set(bucket.key, { ...bucket });
    }
  }
  return [...byKey.values()];
}
