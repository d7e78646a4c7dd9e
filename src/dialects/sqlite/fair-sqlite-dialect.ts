import { SqliteDialect, type DatabaseConnection, type Driver, type QueryResult, type SqliteDatabase } from "kysely";
import type { DirectStatements } from "../../database/direct-statements.js";
import { DelegatingDriver } from "../delegating-driver.js";

/**
 * Kysely's SQLite dialect, with its one connection handed out in the order it
 * was asked for. Kysely's own lock lets whoever asks at the moment it is
 * released take it (a barging lock): in one process, a worker whose next
 * request comes a few promise steps after its last (completeAndDequeue, which
 * completes and then claims) lost that race every time and was starved while
 * complete + dequeue workers took every job. Here waiters queue, first come
 * first served, and Kysely's lock only ever sees one caller.
 */
export class FairSqliteDialect extends SqliteDialect implements DirectStatements {
  readonly #database: SqliteDatabase;
  #driver: FairSqliteDriver | undefined;

  constructor(config: { database: SqliteDatabase }) {
    super(config);
    this.#database = config.database;
  }

  override createDriver(): Driver {
    return (this.#driver = new FairSqliteDriver(super.createDriver()));
  }

  /**
   * Runs the statement now when the lock is free: the run is synchronous, so
   * no other caller can take the connection while it lasts, and waiters
   * queued behind the lock are not overtaken (a free lock has none).
   */
  run<Row>(sql: string, parameters: readonly unknown[]): QueryResult<Row> | undefined {
    if (!this.#driver?.inService || this.#driver.held) return undefined;
    const statement = this.#database.prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters) as Row[] };
    const { changes } = statement.run(parameters);
    return { rows: [], numAffectedRows: BigInt(changes) };
  }
}

class FairSqliteDriver extends DelegatingDriver {
  readonly #queue = new FifoLock();

  /** True while a caller holds the connection (or waits for it). */
  get held(): boolean {
    return this.#queue.held;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#queue.acquire();
    try {
      return await this.inner.acquireConnection();
    } catch (error) {
      this.#queue.release();
      throw error;
    }
  }

  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      this.#queue.release();
    }
  }
}

/** A lock handed to waiters in arrival order; a release goes straight to the next waiter. */
class FifoLock {
  #held = false;
  readonly #waiters: Array<() => void> = [];

  get held(): boolean {
    return this.#held;
  }

  acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held = false;
  }
}
