import type { Kysely } from "kysely";
import type { DialectSupport, DatabaseType } from "../dialects/dialect-support.js";
import { dialectSupportFor, resolveDatabaseType } from "../dialects/detect-database-type.js";
import type { Database } from "./database.js";
import { registeredDialectSupport } from "./dialect-overrides.js";
import { newId } from "./ids.js";

/**
 * What every query needs: the connection (or transaction), the dialect's
 * codecs and claim strategy, and the id generator. The persistence, the queue
 * and the AI-call logger all run on one of these.
 */
export interface QueryContext {
  readonly db: Kysely<Database>;
  readonly dialect: DialectSupport;
  readonly newId: () => string;
  /** True inside `transaction()`: nested calls join the open transaction. */
  readonly inTransaction: boolean;
}

export interface QueryContextOptions {
  /** Checked against the connection; detected when omitted. */
  databaseType?: DatabaseType;
}

export function createQueryContext(db: Kysely<Database>, options: QueryContextOptions = {}): QueryContext {
  return { db, dialect: dialectSupportOf(db, options.databaseType), newId, inTransaction: false };
}

/** The dialect support for `db`: one registered for it (the Prisma adapter's), else its dialect's. */
export function dialectSupportOf(db: Kysely<any>, explicit?: DatabaseType): DialectSupport {
  const databaseType = resolveDatabaseType(db, explicit);
  return registeredDialectSupport(db) ?? dialectSupportFor(databaseType);
}

/**
 * Runs `work` in one write transaction, or inside the one already open. The
 * context handed to `work` is bound to the transaction.
 */
export async function inWriteTransaction<T>(ctx: QueryContext, work: (tx: QueryContext) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) return work(ctx);
  return ctx.dialect.writeTransaction(ctx.db, (tx) => work({ ...ctx, db: tx as Kysely<Database>, inTransaction: true }));
}
