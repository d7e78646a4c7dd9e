import type { Kysely } from "kysely";
import type { Database } from "../database/database.js";
import { openDatabase, redactPassword } from "../database/open-database.js";
import { createQueryContext, type QueryContext } from "../database/query-context.js";
import type { Output } from "./output.js";
import type { ContractVersion } from "../database/migrations/contract-versions.js";
import { CONTRACT_0_1 } from "../contracts/contract-0.1.js";
import { contract012 } from "../contracts/contract-0.12.js";
import { contractOfDatabase } from "../database/database-contract.js";

/** The database when neither --url nor DATABASE_URL names one. */
export const DEFAULT_URL = "sqlite:./workflow.db";

/** What every command gets: where the database is, how to print, and a lazily opened connection. */
export class CliContext {
  #db: Kysely<Database> | undefined;
  #contract: ContractVersion | undefined;

  constructor(
    readonly url: string,
    readonly output: Output,
    readonly verbose: boolean,
    /**
     * "read": the command only reads, so a missing SQLite file is an error
     * rather than a new empty file. `readonly` (--readonly) opens the database
     * read-only: SQLite's read-only mode, PostgreSQL's read-only transactions.
     */
    readonly access: { reads: boolean; readonly: boolean; schema?: string } = { reads: false, readonly: false },
  ) {}

  /** The URL without its password, for messages. */
  get label(): string {
    return redactPassword(this.url);
  }

  /**
   * How to run `kwp` again on the same database, for hints a person can copy:
   * `npx kwp`, with `--url` unless it is the default or DATABASE_URL already
   * says it (a password stays out: the hint says where to put it).
   */
  commandPrefix(): string {
    if (this.url === DEFAULT_URL || this.url === process.env.DATABASE_URL) return "npx kwp";
    const quoted = `'${this.label.replace(/'/g, "'\\''")}'`;
    return `npx kwp --url ${quoted}`;
  }

  /** `--schema`, as openDatabase's option. */
  schemaOption(): { schema?: string } {
    return this.access.schema !== undefined ? { schema: this.access.schema } : {};
  }

  get db(): Kysely<Database> {
    this.#db ??= openDatabase(this.url, {
      ...this.schemaOption(),
      sqlite: { fileMustExist: this.access.reads || this.access.readonly, readonly: this.access.readonly },
      ...(this.access.readonly ? { postgres: { pool: { options: "-c default_transaction_read_only=on" } } } : {}),
    });
    return this.#db;
  }

  queryContext(): QueryContext {
    return createQueryContext(this.db);
  }

  /** The engine contract the database holds (read once). */
  async contract(): Promise<ContractVersion> {
    this.#contract ??= await contractOfDatabase(this.queryContext());
    return this.#contract;
  }

  /** A query context for the database's own contract, so records read with their 0.12 fields there. */
  async contractQueryContext(): Promise<QueryContext> {
    return createQueryContext(this.db, {}, (await this.contract()) === "0.12" ? contract012() : CONTRACT_0_1);
  }

  async close(): Promise<void> {
    await this.#db?.destroy();
    this.#db = undefined;
  }
}
