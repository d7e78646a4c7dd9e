import { sql } from "kysely";
import type { DialectSupport } from "../dialects/dialect-support.js";

/**
 * What changes when queries go through Prisma's raw API instead of pg or
 * better-sqlite3: Prisma decodes result values itself (timestamps arrive as
 * correct UTC Dates, JSON columns parsed, counts as BigInt), and transactions
 * must be Prisma's interactive ones rather than BEGIN sent by hand, which
 * would interleave with the client's other queries.
 */
export function throughPrisma(base: DialectSupport): DialectSupport {
  return {
    ...base,
    // Prisma's raw API rounds number parameters (0.1 + 0.2 arrives as 0.3);
    // as text with a cast the database parses all 17 digits.
    float: (value) => floatFromText(base, String(value)),
    floatFrom: (parameter) => floatFromText(base, parameter),
    floatValue: (value) => String(value),
    // Prisma wraps database errors; the original code is in the error's meta.
    constraintViolation(error) {
      const cause = prismaErrorCause(error);
      if (cause?.kind === "UniqueConstraintViolation") return "unique";
      if (cause?.kind === "ForeignKeyConstraintViolation") return "foreign_key";
      const code = cause?.originalCode ?? (error as { meta?: { code?: unknown } } | null)?.meta?.code;
      return base.constraintViolation(code === undefined ? error : { code });
    },
    refusedRow(error) {
      const code = prismaErrorCause(error)?.originalCode ?? (error as { meta?: { code?: unknown } } | null)?.meta?.code;
      return base.refusedRow(code === undefined ? error : { code });
    },
    isTransientLockError(error) {
      const code = prismaErrorCause(error)?.originalCode;
      return base.isTransientLockError(code === undefined ? error : { code });
    },
    isStatementTimeout(error) {
      const code = prismaErrorCause(error)?.originalCode;
      return base.isStatementTimeout(code === undefined ? error : { code });
    },
    readDate(value) {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
      return base.readDate(value);
    },
    // Prisma's raw API decodes a JSON column itself and rejects values it did
    // not expect (a bare float in SQLite's JSONB column is stored as a REAL:
    // "Cannot serialize value of type number as Json"). Read as text, decoded
    // here, every stored value reads back, whoever wrote it.
    selectJson: (column) => sql`cast(${sql.ref(column)} as text)`.as(column),
    readJson(value) {
      if (typeof value === "string") return JSON.parse(value);
      throw new TypeError(`Unreadable JSON through Prisma: expected text, got ${value === null ? "null" : typeof value}`);
    },
    writeTransaction: (db, work) => db.transaction().execute(work),
    // Prisma lends no connection to open a transaction on by hand, and a
    // migrator inside Prisma's interactive transaction cannot get the
    // connection() Kysely's migrator asks for. So the migrator runs as Kysely
    // runs it: on PostgreSQL in a transaction it opens (a Prisma interactive
    // one) after creating its bookkeeping tables; on SQLite without one.
    // Databases Prisma manages are only checked, never migrated.
    async runMigrationTransaction(db, work) {
      return (await work(db, false)).value;
    },
  };
}

/** A float sent as text, cast by the database (parses every digit). */
function floatFromText(base: DialectSupport, text: unknown) {
  return base.databaseType === "postgresql" ? sql`${text}::double precision` : sql`cast(${text} as real)`;
}

interface DriverAdapterErrorCause {
  kind?: string;
  originalCode?: string;
}

function prismaErrorCause(error: unknown): DriverAdapterErrorCause | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: DriverAdapterErrorCause } } } | null)?.meta;
  return meta?.driverAdapterError?.cause;
}
