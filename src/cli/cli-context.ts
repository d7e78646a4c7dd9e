import type { Kysely } from "kysely";
import type { Database } from "../database/database.js";
import { openDatabase, redactPassword } from "../database/open-database.js";
import { createQueryContext, type QueryContext } from "../database/query-context.js";
import type { Output } from "./output.js";

/** What every command gets: where the database is, how to print, and a lazily opened connection. */
export class CliContext {
  #db: Kysely<Database> | undefined;

  constructor(
    readonly url: string,
    readonly output: Output,
    readonly verbose: boolean,
  ) {}

  /** The URL without its password, for messages. */
  get label(): string {
    return redactPassword(this.url);
  }

  get db(): Kysely<Database> {
    this.#db ??= openDatabase(this.url);
    return this.#db;
  }

  queryContext(): QueryContext {
    return createQueryContext(this.db);
  }

  async close(): Promise<void> {
    await this.#db?.destroy();
    this.#db = undefined;
  }
}
