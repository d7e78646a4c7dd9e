import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from "kysely";
import type { PrismaClientLike, PrismaTransactionClientLike } from "./prisma-client-like.js";

export interface PrismaDriverOptions {
  /** Longest wait for Prisma to start an interactive transaction (ms). */
  transactionMaxWaitMs?: number;
  /** Longest a transaction may stay open (ms). */
  transactionTimeoutMs?: number;
}

/** Statements that return rows go through $queryRawUnsafe; the rest through $executeRawUnsafe. */
const RETURNS_ROWS = /^\s*(select|with|values|pragma|explain|show)\b|\breturning\b/i;

/**
 * A Kysely driver that sends every compiled query through the application's
 * PrismaClient raw API. Prisma pools connections itself, so a "connection"
 * here is only a handle: the root client, or an interactive transaction's
 * client while Kysely runs a transaction on it.
 */
export class PrismaDriver implements Driver {
  /** Numbers savepoints, so steps that overlap on one transaction client never share a name. */
  #savepoints = 0;

  constructor(
    private readonly prisma: PrismaClientLike,
    private readonly options: PrismaDriverOptions = {},
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PrismaConnection(this.prisma);
  }

  /**
   * Prisma only offers callback-style interactive transactions: start one
   * whose callback hands its client to this connection and then waits until
   * Kysely commits (callback resolves) or rolls back (callback rejects).
   */
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel || settings.accessMode) {
      throw new Error("kysely-workflow-persistence/prisma: transaction settings are not supported through Prisma");
    }
    const target = connection as PrismaConnection;
    if (typeof this.prisma.$transaction !== "function") {
      // A transaction client (Prisma 6's `tx`): the application's transaction is
      // already open and commits or rolls back as a whole. A savepoint makes this
      // step atomic inside it, so a call that throws leaves nothing behind even
      // when the application catches the error and goes on.
      const name = `kwp_savepoint_${++this.#savepoints}`;
      await this.prisma.$executeRawUnsafe(`savepoint ${name}`);
      target.savepoint = name;
      return;
    }
    let ready!: (tx: PrismaTransactionClientLike) => void;
    const started = new Promise<PrismaTransactionClientLike>((resolve) => (ready = resolve));
    let finish!: { commit: () => void; rollback: (reason: unknown) => void };
    const finished = new Promise<void>((commit, rollback) => (finish = { commit, rollback }));
    const transaction = this.prisma.$transaction<void>(
      async (tx) => {
        ready(tx);
        await finished;
      },
      { maxWait: this.options.transactionMaxWaitMs ?? 10_000, timeout: this.options.transactionTimeoutMs ?? 60_000 },
    );
    // If Prisma cannot start the transaction, `started` never resolves: race it.
    const failedToStart = transaction.then(
      () => {
        throw new Error("Prisma transaction ended before it started");
      },
      (error: unknown) => {
        throw error;
      },
    );
    target.transaction = { client: await Promise.race([started, failedToStart]), finish, done: transaction };
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const savepoint = takeSavepoint(connection as PrismaConnection);
    if (savepoint) return void (await this.prisma.$executeRawUnsafe(`release savepoint ${savepoint}`));
    const { transaction } = connection as PrismaConnection;
    if (!transaction) throw new Error("commit without a transaction");
    (connection as PrismaConnection).transaction = undefined;
    transaction.finish.commit();
    await transaction.done;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const savepoint = takeSavepoint(connection as PrismaConnection);
    if (savepoint) {
      // Rolling back to it also ends PostgreSQL's "transaction is aborted" state.
      await this.prisma.$executeRawUnsafe(`rollback to savepoint ${savepoint}`);
      return void (await this.prisma.$executeRawUnsafe(`release savepoint ${savepoint}`));
    }
    const { transaction } = connection as PrismaConnection;
    if (!transaction) return;
    (connection as PrismaConnection).transaction = undefined;
    const rollback = new RollbackRequested();
    transaction.finish.rollback(rollback);
    await transaction.done.catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    // The application owns its PrismaClient and disconnects it itself.
  }
}

function takeSavepoint(connection: PrismaConnection): string | undefined {
  const { savepoint } = connection;
  connection.savepoint = undefined;
  return savepoint;
}

class RollbackRequested extends Error {
  constructor() {
    super("rolled back");
  }
}

class PrismaConnection implements DatabaseConnection {
  /** Set while a step runs inside an application's transaction client. */
  savepoint: string | undefined;
  transaction:
    | {
        client: PrismaTransactionClientLike;
        finish: { commit: () => void; rollback: (reason: unknown) => void };
        done: Promise<unknown>;
      }
    | undefined;

  constructor(private readonly prisma: PrismaClientLike) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const client = this.transaction?.client ?? this.prisma;
    const parameters = compiledQuery.parameters as unknown[];
    if (RETURNS_ROWS.test(compiledQuery.sql)) {
      const rows = await client.$queryRawUnsafe<R[]>(compiledQuery.sql, ...parameters);
      return { rows, numAffectedRows: /^\s*(insert|update|delete|with)\b/i.test(compiledQuery.sql) ? BigInt(rows.length) : undefined };
    }
    const count = await client.$executeRawUnsafe(compiledQuery.sql, ...parameters);
    return { rows: [], numAffectedRows: BigInt(count) };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("kysely-workflow-persistence/prisma: streaming is not supported through Prisma");
  }
}
