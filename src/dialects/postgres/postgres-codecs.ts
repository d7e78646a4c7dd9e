import { sql } from "kysely";
import type { DialectSupport } from "../dialect-support.js";

type Codecs = Pick<DialectSupport, "date" | "dateFrom" | "dateValue" | "now" | "nowFrom" | "clockValue" | "json" | "enumValue" | "float" | "floatFrom" | "floatValue" | "boolean" | "plusSeconds" | "readDate" | "readJson" | "selectJson">;

/**
 * PostgreSQL values as Prisma stores them: TIMESTAMP(3) WITHOUT TIME ZONE
 * holding UTC, JSONB, and real enum types. Parameters carry explicit casts:
 * pg sends untyped parameters and would not need them, but Prisma's raw API
 * sends text-typed ones, and `"status" = $1` then fails without `$1::"Status"`.
 */
export const postgresCodecs: Codecs = {
  // The ISO text's "Z" is ignored by a cast to timestamp without time zone,
  // which is exactly "store the UTC wall time".
  date: (value) => sql`${value.toISOString()}::timestamp(3)`,
  dateFrom: (parameter) => sql`${parameter}::timestamp(3)`,
  dateValue: (value) => value.toISOString(),
  now: () => sql`(now() at time zone 'UTC')::timestamp(3)`,
  nowFrom: () => sql`(now() at time zone 'UTC')::timestamp(3)`,
  clockValue: () => undefined,
  json: (text) => sql`${text}::jsonb`,
  enumValue: (type, value) => sql`${value}::${sql.id(type)}`,
  float: (value) => value,
  floatFrom: (parameter) => parameter,
  floatValue: (value) => value,
  boolean: (value) => sql`${value}`,
  plusSeconds: (base, seconds) => sql`(${base} + make_interval(secs => ${seconds}))::timestamp(3)`,

  readDate(value) {
    if (typeof value === "string") {
      // Text from our pools ("2024-01-02 03:04:05.678"), read as UTC.
      const date = new Date(`${value.replace(" ", "T")}Z`);
      if (!Number.isNaN(date.getTime())) return date;
    } else if (value instanceof Date) {
      // A pool with pg's default parser read the UTC wall time as local time.
      return new Date(value.getTime() - value.getTimezoneOffset() * 60_000);
    }
    throw new TypeError(`Unreadable timestamp from PostgreSQL: ${JSON.stringify(value)}`);
  },

  selectJson: (column) => column,

  readJson(value) {
    // pg parses json/jsonb itself.
    return value;
  },
};
