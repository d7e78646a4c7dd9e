import { AsyncLocalStorage } from "node:async_hooks";
import { debuglog } from "node:util";
import type { Kysely } from "kysely";
import { TransactionScopeError } from "../errors.js";
import type { Database } from "./database.js";

/**
 * The transactions the library has open in the current async flow. The
 * engine calls its queue (and step ledger) inside
 * `persistence.withTransaction(async (tx) => …)` on objects made before the
 * transaction, from the same database handle: those calls must run on the
 * transaction, not beside it (on SQLite the handle's one connection is held
 * by the transaction, so a call beside it waits forever; on PostgreSQL it
 * would commit on another connection even when the transaction rolls back).
 * Node's AsyncLocalStorage carries the open transaction through every await
 * of the callback, so a query context made from the same handle finds it.
 *
 * The rule is per handle: a context joins only a transaction opened on the
 * handle it was made from (see `QueryContext.handle`).
 */
interface OpenTransaction {
  /** The handle the transaction was opened on (what the factories were given). */
  readonly handle: object;
  /** The transaction, as the library's queries see it. */
  readonly db: Kysely<Database>;
  /** False once the callback has settled: work it left behind (a timer) runs outside. */
  open: boolean;
  /** A transaction of another handle this one was opened inside of. */
  readonly outer: OpenTransaction | undefined;
}

const storage = new AsyncLocalStorage<OpenTransaction>();

/** `NODE_DEBUG=kwp` prints a line each time a call joins an open transaction. */
const debug = debuglog("kwp");

/** Same file, different handle: SQLite's second connection would wait for this transaction's lock. */
const sqliteFileOf = new WeakMap<object, string>();

/** Records which SQLite file `handle` opened, so a call on another handle to it inside a transaction is refused. */
export function registerSqliteFile(handle: object, file: string): void {
  sqliteFileOf.set(handle, file);
}

/**
 * The transaction open on `handle` in the current async flow, if any. A
 * transaction open on another handle to the same SQLite file is an error: the
 * call would wait on the busy timeout for a lock its own caller holds.
 */
export function openTransactionOf(handle: object): Kysely<Database> | undefined {
  for (let open = storage.getStore(); open; open = open.outer) {
    if (!open.open) continue;
    if (open.handle === handle) {
      if (debug.enabled) debug("a call joins the transaction open on its handle");
      return open.db;
    }
    const file = sqliteFileOf.get(handle);
    if (file !== undefined && sqliteFileOf.get(open.handle) === file) {
      throw new TransactionScopeError(
        "a call inside a transaction",
        `it was made from another handle to ${file} than the transaction open around it, and SQLite lets one ` +
          `connection write at a time: it would wait for the lock the transaction holds until the busy timeout. ` +
          `Make the persistence and the queue from the same handle (then the call joins the transaction)`,
      );
    }
  }
  return undefined;
}

/** Runs `work` as the body of a transaction `db` opened on `handle`: calls made from `handle` inside it join it. */
export async function runAsTransactionOf<T>(handle: object, db: Kysely<Database>, work: () => Promise<T>): Promise<T> {
  const open: OpenTransaction = { handle, db, open: true, outer: storage.getStore() };
  try {
    return await storage.run(open, work);
  } finally {
    open.open = false;
  }
}

/**
 * Runs `work` outside every open transaction: for background writes (the
 * AI-call buffer) whose timer may have been armed inside a transaction's
 * callback but whose rows belong to no transaction.
 */
export function outsideTransactions<T>(work: () => T): T {
  return storage.getStore() === undefined ? work() : storage.exit(work);
}
