import type { Kysely } from "kysely";
import type { DialectSupport, DatabaseType } from "../dialects/dialect-support.js";
import { dialectSupportFor, resolveDatabaseType } from "../dialects/detect-database-type.js";
import type { Database } from "./database.js";
import { registeredDialectSupport } from "./dialect-overrides.js";
import { directStatementsOf, type DirectStatements } from "./direct-statements.js";
import { newId } from "./ids.js";
import { CommitOutcomeUnknownError, ConfigurationError, TransactionAbortedError } from "../errors.js";
import { asTypedError, asWholeTransactionFailure, isAbortedTransaction } from "./database-errors.js";
import { connectionFailureOf } from "./connection-failures.js";
import { openTransactionOf, runAsTransactionOf } from "./ambient-transaction.js";
import { withSavepoint } from "./savepoint.js";
import type { ContractSupport } from "../contracts/contract-support.js";

/**
 * What every query needs: the connection (or transaction), the dialect's
 * codecs and claim strategy, and the id generator. The persistence, the queue
 * and the AI-call logger all run on one of these.
 */
export interface QueryContext {
  /**
   * The connection, or the transaction the call runs in: a transaction the
   * library opened on `handle` in the current async flow (see
   * ambient-transaction.ts), else the context's own.
   */
  readonly db: Kysely<Database>;
  /** The instance the factory was given: calls join only transactions opened on it. */
  readonly handle: object;
  readonly dialect: DialectSupport;
  readonly newId: () => string;
  /** True inside a transaction (the library's, or the application's the context was made on): nested steps join it. */
  readonly inTransaction: boolean;
  /** The engine contract the caller chose: what differs between 0.1 and 0.12. */
  readonly contract: ContractSupport;
  /** Runs prepared statements past Kysely's pipeline when it can (openDatabase's handles); never in a transaction. */
  readonly direct?: DirectStatements | undefined;
}

export interface QueryContextOptions {
  /** Checked against the connection; detected when omitted. */
  databaseType?: DatabaseType;
  /**
   * PostgreSQL: the schema holding the tables, for a Kysely instance you built
   * yourself (openDatabase reads it from the URL's `?schema=` or its option).
   */
  schema?: string;
}

/**
 * The context every call of a component runs in. `contract` is the engine
 * contract whose rules the calls follow; components whose statements are the
 * same on every contract (the AI-call ledger, the blob store, the console,
 * metrics) pass CONTRACT_0_1. Passed in, never defaulted here, so that this
 * file imports no contract (contracts import the query context).
 */
export function createQueryContext(
  db: Kysely<any>,
  options: QueryContextOptions,
  contract: ContractSupport,
): QueryContext {
  const dialect = dialectSupportOf(db, options.databaseType, options.schema);
  const view = libraryView(db, dialect);
  // Made on the application's own transaction: every call joins it, and the
  // library's atomic steps (transaction(), logBatchResults) run inside it.
  if (db.isTransaction) return { db: view, handle: db, dialect, newId, inTransaction: true, contract, direct: undefined };
  const direct = directStatementsOf(db);
  // Made on a handle: each call runs on the transaction the library has open
  // on that handle around it, if any (own enumerable getters, so a spread
  // takes the values of the moment, as inWriteTransaction's does).
  return {
    get db() {
      return openTransactionOf(db) ?? view;
    },
    handle: db,
    dialect,
    newId,
    get inTransaction() {
      return openTransactionOf(db) !== undefined;
    },
    contract,
    get direct() {
      return openTransactionOf(db) === undefined ? direct : undefined;
    },
  };
}

/**
 * The instance the library's queries run on: without the application's plugins
 * (its CamelCasePlugin would rename the spec's columns, a result plugin would
 * decode values the library decodes itself), with the tables' schema named
 * when there is one. Accepts any application's Kysely, whatever its database type.
 */
export function libraryView(db: Kysely<any>, dialect: DialectSupport): Kysely<Database> {
  const plain = db.withoutPlugins() as Kysely<Database>;
  return dialect.schema === undefined ? plain : plain.withSchema(dialect.schema);
}

/** The dialect support for `db`: one registered for it (openDatabase's, the Prisma adapter's), else its dialect's. */
export function dialectSupportOf(db: Kysely<any>, explicit?: DatabaseType, schema?: string): DialectSupport {
  const databaseType = resolveDatabaseType(db, explicit);
  const registered = registeredDialectSupport(db);
  if (registered) {
    if (schema !== undefined && schema !== registered.schema) {
      throw new ConfigurationError(
        `schema ${JSON.stringify(schema)} contradicts the database handle, which works in ` +
          `${registered.schema === undefined ? "its connection's current schema" : JSON.stringify(registered.schema)}`,
      );
    }
    return registered;
  }
  return dialectSupportFor(databaseType, schema);
}

/**
 * Runs `work` in one write transaction, or inside the one already open as a
 * savepoint (so a step that throws leaves nothing behind even when its caller
 * catches the error and commits). The context handed to `work` is bound to
 * the transaction, and calls made from the same handle inside `work` join it.
 */
export async function inWriteTransaction<T>(ctx: QueryContext, work: (tx: QueryContext) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) {
    const tx: QueryContext = { ...ctx };
    return withSavepoint(tx.db, () => work(tx));
  }
  let workStarted = false;
  let workFailed = false;
  try {
    return await ctx.dialect.writeTransaction(ctx.db, (db) => {
      workStarted = true;
      const tx: QueryContext = { ...ctx, db: db as Kysely<Database>, inTransaction: true, direct: undefined };
      return runAsTransactionOf(ctx.handle, tx.db, () =>
        Promise.resolve().then(() => work(tx)).catch((error: unknown) => {
          workFailed = true;
          throw error;
        }),
      );
    });
  } catch (error) {
    // The body's own error, as it threw it; a statement's connection failure or
    // conflict says the whole transaction may be run again (it never committed).
    if (workFailed) throw asWholeTransactionFailure(error);
    // The body succeeded but the database rolled back instead of committing:
    // a statement in it had failed and was caught (PostgreSQL).
    if (isAbortedTransaction(error)) throw new TransactionAbortedError("withTransaction", error);
    // The body succeeded and COMMIT got no answer: it may have committed.
    if (workStarted && connectionFailureOf(error) === "lost") throw new CommitOutcomeUnknownError("withTransaction", error);
    // BEGIN could not run (no connection), or COMMIT was refused outright: nothing was committed.
    throw asTypedError("withTransaction", error, { repeatable: true });
  }
}

/**
 * Runs one write that may fail on a constraint (a duplicate id, a missing
 * run), which the caller turns into a ConflictError or NotFoundError, so that
 * the failure leaves a caller's transaction usable: where a failed statement
 * aborts the whole transaction (PostgreSQL), it runs under a savepoint inside
 * one. Outside a transaction, or on SQLite, it runs as it is.
 */
export function mayViolateConstraint<T>(ctx: QueryContext, statement: () => Promise<T>): Promise<T> {
  return ctx.inTransaction && ctx.dialect.failedStatementAbortsTransaction ? withSavepoint(ctx.db, statement) : statement();
}
