import type { DatabaseConnection, Driver, QueryCompiler, TransactionSettings } from "kysely";

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
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
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
