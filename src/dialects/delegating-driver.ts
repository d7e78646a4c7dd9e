import type { DatabaseConnection, Driver, QueryCompiler, TransactionSettings } from "kysely";
import { connectionFailureOf } from "../database/connection-failures.js";

/**
 * A Kysely driver that hands everything to the dialect's own driver and
 * knows whether that driver is in service: initialised by Kysely and not yet
 * destroyed. Statements run past Kysely's pipeline (DirectStatements) only
 * while it is, for two reasons: Kysely closes only a driver it initialised
 * (direct runs before the first query through Kysely would leave the
 * connections open after destroy()), and after destroy() Kysely answers with
 * its own error. Subclasses override what they change (the SQLite lock).
 */
export class DelegatingDriver implements Driver {
  #initialized = false;
  #destroyed = false;
  readonly #commitFailed = new WeakSet<DatabaseConnection>();

  constructor(protected readonly inner: Driver) {}

  get inService(): boolean {
    return this.#initialized && !this.#destroyed;
  }

  async init(): Promise<void> {
    await this.inner.init();
    this.#initialized = true;
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return this.inner.acquireConnection();
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    this.#commitFailed.delete(connection);
    return this.inner.beginTransaction(connection, settings);
  }

  /**
   * A COMMIT that failed ends the transaction on the server (or the
   * connection is gone): Kysely's ROLLBACK after it is skipped, so the error
   * the caller sees is the COMMIT's own (a lost connection then reads "outcome
   * unknown", never the ROLLBACK's "not queryable").
   */
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.commitTransaction(connection);
    } catch (error) {
      this.#commitFailed.add(connection);
      throw error;
    }
  }

  /**
   * A ROLLBACK on a connection that is gone fails too, and Kysely would throw
   * that instead of the error that made it roll back: the server has already
   * rolled back a transaction whose connection ended, so that failure is
   * dropped and the caller sees the first error.
   */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#commitFailed.delete(connection)) return;
    try {
      await this.inner.rollbackTransaction(connection);
    } catch (error) {
      const failure = connectionFailureOf(error);
      if (failure !== "lost" && failure !== "unavailable") throw error;
    }
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.inner.savepoint!(connection, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.inner.rollbackToSavepoint!(connection, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    return this.inner.releaseSavepoint!(connection, name, compile);
  }

  destroy(): Promise<void> {
    this.#destroyed = true;
    return this.inner.destroy();
  }
}
