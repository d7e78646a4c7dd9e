import type { Kysely } from "kysely";
import type { Database012 } from "../contracts/tables-0.12.js";
import type { Database10 } from "../contracts/tables-1.0.js";
import { openDatabase as openAnyDatabase, type OpenDatabaseOptions } from "./open-database.js";

// Each contract's entry hands out handles typed with that contract's tables,
// so `db.selectFrom("workflow_steps")` typechecks from /v1 without a cast.
// The handle is the same object either way: only its type differs.

/**
 * Opens a `Kysely<Database012>` (the engine's 0.12 tables) for a PostgreSQL
 * URL or a SQLite file: the package root's `openDatabase`, typed for 0.12.
 *
 * @example
 * ```ts
 * const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db");
 * await migrateToLatest(db, { target: "0.12" });
 * const events = await db.selectFrom("outbox_events").selectAll().execute();
 * ```
 */
export function openDatabase012(url: string, options?: OpenDatabaseOptions): Kysely<Database012> {
  return openAnyDatabase(url, options) as unknown as Kysely<Database012>;
}

/**
 * Opens a `Kysely<Database10>` (the engine's 1.0 tables) for a PostgreSQL
 * URL or a SQLite file: the package root's `openDatabase`, typed for 1.0.
 *
 * @example
 * ```ts
 * const db = openDatabase(process.env.DATABASE_URL ?? "sqlite:./workflow.db");
 * await migrateToLatest(db, { target: "1.0" });
 * const steps = await db.selectFrom("workflow_steps").select(["stepId", "status"]).execute();
 * ```
 */
export function openDatabase10(url: string, options?: OpenDatabaseOptions): Kysely<Database10> {
  return openAnyDatabase(url, options) as unknown as Kysely<Database10>;
}
