import { sql } from "kysely";
import { db012 } from "../contracts/tables-0.12.js";
import { NotFoundError, ValidationError } from "../errors.js";
import type { QueryContext } from "../database/query-context.js";
import type { AcquireIdempotencyKeyOptions, AcquireIdempotencyKeyResult } from "../interfaces/0.12/types.js";
import {
  acquireOptionsSchema,
  commandResultSchema,
  commandTypeSchema,
  idempotencyKeySchema,
} from "../validation/input-schemas-0.12.js";
import { parseInput } from "../validation/parse-input.js";

/**
 * What a key's `result` holds while its command runs: the engine's own marker,
 * so a database either implementation wrote reads the same. A completed
 * command's result replaces it.
 */
const IN_PROGRESS_FIELD = "__workflowEngineState";
const IN_PROGRESS_MARKER = JSON.stringify({ [IN_PROGRESS_FIELD]: "in_progress" });

const isInProgress = (result: unknown) =>
  typeof result === "object" && result !== null && (result as Record<string, unknown>)[IN_PROGRESS_FIELD] === "in_progress";

/** A release can race an acquisition between its INSERT and its read; try again this often. */
const ATTEMPTS = 3;

/**
 * Each step is one statement whose WHERE decides the race, so exactly one
 * caller wins however many race, on both databases, without a caught unique
 * violation (which would abort a caller's PostgreSQL transaction):
 *
 * 1. INSERT … ON CONFLICT DO NOTHING with the in-progress marker and the
 *    caller's `now` as createdAt: a row inserted means "acquired".
 * 2. Otherwise read the row: a completed result means "replay".
 * 3. In progress, with `staleInProgressAfterMs`: UPDATE the row to a new id
 *    and createdAt = now WHERE it still has the id just read, is still in
 *    progress and createdAt <= now - threshold. Of callers racing to take a
 *    stale key over, the first changes the id and createdAt, and the others'
 *    WHERE no longer matches (a caller that reads after the takeover sees a
 *    fresh key): one "acquired", the rest "in_progress". Ages are measured
 *    with the caller's clock (createdAt was written from it). Nothing
 *    references the row's id.
 */
export async function acquireIdempotencyKey(
  ctx: QueryContext,
  key: string,
  commandType: string,
  options?: AcquireIdempotencyKeyOptions,
): Promise<AcquireIdempotencyKeyResult> {
  parseInput("acquireIdempotencyKey", "key", idempotencyKeySchema, key);
  parseInput("acquireIdempotencyKey", "commandType", commandTypeSchema, commandType);
  const parsed = parseInput("acquireIdempotencyKey", "options", acquireOptionsSchema, options) ?? {};
  const now = parsed.now ?? new Date();
  const { dialect } = ctx;
  const db = db012(ctx);

  for (let attempt = 1; ; attempt++) {
    const inserted = await db
      .insertInto("idempotency_keys")
      .values({ id: ctx.newId(), createdAt: dialect.date(now), key, commandType, result: dialect.json(IN_PROGRESS_MARKER) })
      .onConflict((conflict) => conflict.columns(["key", "commandType"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { status: "acquired" };

    const row = await db
      .selectFrom("idempotency_keys")
      .select(["id", dialect.selectJson("result") as "result"])
      .where("key", "=", key)
      .where("commandType", "=", commandType)
      .executeTakeFirst();
    if (!row) {
      if (attempt < ATTEMPTS) continue; // released in between: the INSERT may win now
      return { status: "in_progress" };
    }
    const result = dialect.readJson(row.result);
    if (!isInProgress(result)) return { status: "replay", result };
    if (parsed.staleInProgressAfterMs === undefined) return { status: "in_progress" };

    const staleBefore = new Date(now.getTime() - parsed.staleInProgressAfterMs);
    const taken = await db
      .updateTable("idempotency_keys")
      .set({ id: ctx.newId(), createdAt: dialect.date(now) })
      .where("id", "=", row.id)
      .where("createdAt", "<=", dialect.date(staleBefore))
      .where(sql<boolean>`${dialect.jsonTextField("result", IN_PROGRESS_FIELD)} = ${sql.lit("in_progress")}`)
      .executeTakeFirst();
    if (taken.numUpdatedRows > 0n) return { status: "acquired" };
    return { status: "in_progress" };
  }
}

/** Replaces the in-progress marker with the command's result (`undefined` is stored as null). */
export async function completeIdempotencyKey(
  ctx: QueryContext,
  key: string,
  commandType: string,
  result: unknown,
): Promise<void> {
  parseInput("completeIdempotencyKey", "key", idempotencyKeySchema, key);
  parseInput("completeIdempotencyKey", "commandType", commandTypeSchema, commandType);
  const text = parseInput("completeIdempotencyKey", "result", commandResultSchema, result);
  // Stored, it would read as "still in progress": the key would never replay.
  if (text.includes(IN_PROGRESS_FIELD) && isInProgress(JSON.parse(text))) {
    throw new ValidationError("completeIdempotencyKey", "result", `is the engine's in-progress marker (${IN_PROGRESS_FIELD}: "in_progress"), which no command result may be`);
  }
  const { numUpdatedRows } = await db012(ctx)
    .updateTable("idempotency_keys")
    .set({ result: ctx.dialect.json(text) })
    .where("key", "=", key)
    .where("commandType", "=", commandType)
    .executeTakeFirst();
  if (numUpdatedRows === 0n) throw new NotFoundError("completeIdempotencyKey", "idempotency key", `${commandType}/${key}`);
}

/**
 * Deletes the key so the command can be tried again. A key that is already
 * gone (released twice, or never acquired) is not an error: a release runs
 * on a command's failure path, where a second error would hide the first.
 */
export async function releaseIdempotencyKey(ctx: QueryContext, key: string, commandType: string): Promise<void> {
  parseInput("releaseIdempotencyKey", "key", idempotencyKeySchema, key);
  parseInput("releaseIdempotencyKey", "commandType", commandTypeSchema, commandType);
  await db012(ctx).deleteFrom("idempotency_keys").where("key", "=", key).where("commandType", "=", commandType).execute();
}
