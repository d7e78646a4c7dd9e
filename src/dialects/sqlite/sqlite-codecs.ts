import { sql } from "kysely";
import type { DialectSupport } from "../dialect-support.js";

type Codecs = Pick<DialectSupport, "date" | "dateFrom" | "dateValue" | "now" | "nowFrom" | "clockValue" | "json" | "enumValue" | "float" | "floatFrom" | "floatValue" | "boolean" | "plusSeconds" | "readDate" | "readJson" | "selectJson">;

/** `YYYY-MM-DD HH:MM:SS[.fff]`, what SQLite's CURRENT_TIMESTAMP default writes (UTC). */
const SQLITE_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/;
const EPOCH_MILLISECONDS = /^-?\d+$/;

let lastFormatted = { time: Number.NaN, text: "" };

/**
 * Prisma's SQLite format: ISO-8601 with an explicit +00:00 offset. A run's
 * writes stamp many values within one millisecond, so the last text is kept.
 */
export function formatSqliteDate(value: Date): string {
  const time = value.getTime();
  if (time === lastFormatted.time) return lastFormatted.text;
  // toISOString throws a RangeError for an invalid date (NaN never matches above).
  const text = `${value.toISOString().slice(0, -1)}+00:00`;
  lastFormatted = { time, text };
  return text;
}

/**
 * SQLite values as Prisma stores them: DATETIME columns hold ISO-8601 text
 * with an offset, JSONB columns hold compact JSON text, enums are plain text.
 * Every write uses the one ISO format, so text comparisons of timestamps order
 * correctly.
 */
export const sqliteCodecs: Codecs = {
  date: (value) => sql`${formatSqliteDate(value)}`,
  dateFrom: (parameter) => sql`${parameter}`,
  dateValue: (value) => formatSqliteDate(value),
  // SQLite runs on one machine, so the process clock is the database clock.
  now: () => sql`${formatSqliteDate(new Date())}`,
  nowFrom: (clock) => sql`${clock}`,
  clockValue: () => formatSqliteDate(new Date()),
  json: (text) => sql`${text}`,
  enumValue: (_type, value) => sql`${value}`,
  float: (value) => value,
  floatFrom: (parameter) => parameter,
  floatValue: (value) => value,
  boolean: (value) => sql`${value ? 1 : 0}`,
  // strftime reads the stored ISO text (offset included) and writes the same format back.
  plusSeconds: (base, seconds) =>
    sql`strftime('%Y-%m-%dT%H:%M:%f+00:00', ${base}, (${seconds}) || ' seconds')`,

  readDate(value) {
    let date: Date | undefined;
    if (typeof value === "number") {
      date = new Date(value);
    } else if (typeof value === "bigint") {
      date = new Date(Number(value));
    } else if (typeof value === "string") {
      if (EPOCH_MILLISECONDS.test(value)) date = new Date(Number(value));
      else if (SQLITE_TIMESTAMP.test(value)) date = new Date(`${value.replace(" ", "T")}Z`);
      else date = new Date(value);
    }
    if (date && !Number.isNaN(date.getTime())) return date;
    throw new TypeError(`Unreadable timestamp from SQLite: ${JSON.stringify(value)}`);
  },

  selectJson: (column) => column,

  readJson(value) {
    if (typeof value === "string") return JSON.parse(value);
    // A column declared JSONB has NUMERIC affinity: SQLite stores the JSON text
    // of a number (e.g. '42') as the number itself. It is still that JSON value.
    if (typeof value === "number") return value;
    if (typeof value === "bigint") return Number(value);
    throw new TypeError(`Unreadable JSON from SQLite: got ${value === null ? "null" : typeof value}`);
  },
};
