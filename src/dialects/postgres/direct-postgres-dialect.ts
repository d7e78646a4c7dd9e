import { PostgresDialect, type Driver, type PostgresPool, type QueryResult } from "kysely";
import type { DirectStatements } from "../../database/direct-statements.js";
import { DelegatingDriver } from "../delegating-driver.js";

/** Commands whose row count is a number of rows written (what Kysely reports as numAffectedRows). */
const WRITES = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

/**
 * Kysely's PostgreSQL dialect, whose prepared statements can also run on a
 * pooled connection directly: check out, query, release, as Kysely's driver
 * does, without its executor and connection provider around it (about 20 µs
 * per call, measured in bench/prisma-path/raw-call-overhead.ts; a lifecycle
 * run makes 52 such calls in a row). The pool queues callers as before.
 */
export class DirectPostgresDialect extends PostgresDialect implements DirectStatements {
  readonly #pool: PostgresPool;
  #driver: DelegatingDriver | undefined;

  constructor(config: { pool: PostgresPool }) {
    super(config);
    this.#pool = config.pool;
  }

  override createDriver(): Driver {
    return (this.#driver = new DelegatingDriver(super.createDriver()));
  }

  run<Row>(sql: string, parameters: readonly unknown[]): Promise<QueryResult<Row>> | undefined {
    if (!this.#driver?.inService) return undefined;
    return this.#runOnPool(sql, parameters);
  }

  async #runOnPool<Row>(sql: string, parameters: readonly unknown[]): Promise<QueryResult<Row>> {
    const client = await this.#pool.connect();
    try {
      const { command, rowCount, rows } = await client.query<Row>(sql, parameters);
      return { rows: rows ?? [], numAffectedRows: WRITES.has(command) ? BigInt(rowCount) : undefined };
    } finally {
      client.release();
    }
  }
}
