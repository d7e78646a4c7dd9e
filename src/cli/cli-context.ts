import type { Kysely } from "kysely";
import type { Database } from "../database/database.js";
import { openDatabase, redactPassword } from "../database/open-database.js";
import { createQueryContext, type QueryContext } from "../database/query-context.js";
import type { Output } from "./output.js";
import type { ContractVersion } from "../database/migrations/contract-versions.js";
import { contractSupportFor } from "../contracts/contract-for-version.js";
import { contractOfDatabase } from "../database/database-contract.js";
import { verifyWorkflowSchema } from "../database/migrations/verify-schema.js";
import { CONTRACT_0_1 } from "../contracts/contract-0.1.js";

/** The database when neither --url nor DATABASE_URL names one. */
export const DEFAULT_URL = "sqlite:./workflow.db";

/**
 * How a command uses the database: it only reads (a missing SQLite file is an
 * error, never created); it writes to an existing one (the same, and the
 * tables must be this library's: verifiedQueryContext); or it may create the
 * database (migrate, and the demo on its own file).
 */
export type CommandAccess = "read" | "write" | "create";

/** What every command gets: where the database is, how to print, and a lazily opened connection. */
export class CliContext {
  #db: Kysely<Database> | undefined;
  #contract: ContractVersion | undefined;

  constructor(
    readonly url: string,
    readonly output: Output,
    readonly verbose: boolean,
    /**
     * What the command does with the database (see CommandAccess). `readonly`
     * (--readonly) opens it read-only: SQLite's read-only mode, PostgreSQL's
     * read-only transactions.
     */
    readonly access: { mode: CommandAccess; readonly: boolean; schema?: string } = { mode: "create", readonly: false },
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
      sqlite: { fileMustExist: this.access.mode !== "create" || this.access.readonly, readonly: this.access.readonly },
      ...(this.access.readonly ? { postgres: { pool: { options: "-c default_transaction_read_only=on" } } } : {}),
    });
    return this.#db;
  }

  queryContext(): QueryContext {
    return createQueryContext(this.db, {}, CONTRACT_0_1);
  }

  /** The engine contract the database holds (read once). */
  async contract(): Promise<ContractVersion> {
    this.#contract ??= await contractOfDatabase(this.queryContext());
    return this.#contract;
  }

  /** A query context for the database's own contract, so records read with that contract's fields. */
  async contractQueryContext(): Promise<QueryContext> {
    return createQueryContext(this.db, {}, contractSupportFor(await this.contract()));
  }

  /**
   * For a command that writes: the query context of the database's contract,
   * once its tables are found to be this library's (verifyWorkflowSchema), so
   * nothing is written to an unmigrated database or to tables of the same
   * names that belong to something else.
   */
  async verifiedQueryContext(): Promise<QueryContext> {
    this.#contract = await verifyWorkflowSchema(this.queryContext());
    return this.contractQueryContext();
  }

  async close(): Promise<void> {
    await this.#db?.destroy();
    this.#db = undefined;
  }
}
