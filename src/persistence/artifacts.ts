import { NotFoundError, ValidationError } from "../errors.js";
import { missingReferenceError } from "./missing-reference-error.js";
import { mayViolateConstraint, type QueryContext } from "../database/query-context.js";
import type { SaveArtifactInput, WorkflowArtifactRecord } from "../types.js";
import { utf8ByteLength } from "../validation/json-text.js";
import { jsonColumn, parseInput } from "../validation/parse-input.js";
import { idSchema, MAX_KEY_BYTES, keySchema, saveArtifactSchema } from "../validation/input-schemas.js";
import { toArtifactRecord } from "./records.js";
import { recordColumns } from "../database/record-columns.js";
import { parameter, PreparedQueriesByShape } from "../database/prepared-query.js";

/**
 * Saves the artifact `key` of a run: one INSERT … ON CONFLICT (workflowRunId,
 * key) DO UPDATE. `size` defaults to the UTF-8 length of the stored JSON.
 *
 * On an existing key, what the call states replaces what is stored: `data`,
 * `size` and `type` always (type is required, so it is the caller's current
 * word; keeping a stale type, as the engine's Prisma module does, would label
 * new data wrongly); `workflowStageId` and `metadata` only when given, as
 * `undefined` leaves a field alone everywhere else in this library (`null`
 * clears metadata). A re-save by code that does not know the stage keeps the
 * artifact linked to it instead of unlinking it.
 */
export async function saveArtifact(ctx: QueryContext, data: SaveArtifactInput, maxBytes: number): Promise<void> {
  const input = parseInput("saveArtifact", "data", saveArtifactSchema, data);
  checkArtifactSize("saveArtifact", "data.data", input.data, maxBytes);
  const { dialect } = ctx;
  const now = dialect.now();
  const replaced = {
    type: ctx.contract.label(dialect, "ArtifactType", input.type),
    data: dialect.json(input.data),
    size: input.size ?? utf8ByteLength(input.data),
    updatedAt: now,
  };
  const workflowStageId = input.workflowStageId ?? null;
  const metadata = input.metadata == null ? null : dialect.json(input.metadata);
  const onUpdate = {
    ...replaced,
    ...(input.workflowStageId !== undefined ? { workflowStageId } : {}),
    ...(input.metadata !== undefined ? { metadata } : {}),
  };
  try {
    await mayViolateConstraint(ctx, () =>
      ctx.db
        .insertInto("workflow_artifacts")
        .values({ id: ctx.newId(), createdAt: now, workflowRunId: input.workflowRunId, key: input.key, workflowStageId, metadata, ...replaced })
        .onConflict((conflict) => conflict.columns(["workflowRunId", "key"]).doUpdateSet(onUpdate))
        .execute(),
    );
  } catch (error) {
    throw missingReferenceError(ctx, "saveArtifact", input, error);
  }
}

/** The stored JSON value, or `undefined` when the run has no such artifact. */
export async function loadArtifact(ctx: QueryContext, workflowRunId: string, key: string): Promise<unknown> {
  checkKey("loadArtifact", workflowRunId, key);
  const row = await artifactByKey(ctx, workflowRunId, key).select(ctx.dialect.selectJson("data") as "data").executeTakeFirst();
  return row ? ctx.dialect.readJson(row.data) : undefined;
}

export async function hasArtifact(ctx: QueryContext, workflowRunId: string, key: string): Promise<boolean> {
  checkKey("hasArtifact", workflowRunId, key);
  const row = await artifactByKey(ctx, workflowRunId, key).select("id").executeTakeFirst();
  return row !== undefined;
}

export async function deleteArtifact(ctx: QueryContext, workflowRunId: string, key: string): Promise<void> {
  checkKey("deleteArtifact", workflowRunId, key);
  const result = await ctx.db
    .deleteFrom("workflow_artifacts")
    .where("workflowRunId", "=", workflowRunId)
    .where("key", "=", key)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new NotFoundError("deleteArtifact", "artifact", `${workflowRunId}/${key}`);
}

/** Oldest first, then by key. */
export async function listArtifacts(ctx: QueryContext, workflowRunId: string): Promise<WorkflowArtifactRecord[]> {
  parseInput("listArtifacts", "workflowRunId", idSchema, workflowRunId);
  const rows = await ctx.db
    .selectFrom("workflow_artifacts")
    .select(recordColumns(ctx, "workflow_artifacts"))
    .where("workflowRunId", "=", workflowRunId)
    .orderBy("createdAt", "asc")
    .orderBy("key", "asc")
    .execute();
  return rows.map((row) => toArtifactRecord(row, ctx.dialect));
}

/** The database id of the stage row (workflowRunId, stageId), or null. */
export async function getStageIdForArtifact(ctx: QueryContext, workflowRunId: string, stageId: string): Promise<string | null> {
  parseInput("getStageIdForArtifact", "workflowRunId", idSchema, workflowRunId);
  parseInput("getStageIdForArtifact", "stageId", keySchema, stageId);
  const row = await ctx.db
    .selectFrom("workflow_stages")
    .select("id")
    .where("workflowRunId", "=", workflowRunId)
    .where("stageId", "=", stageId)
    .executeTakeFirst();
  return row ? String(row.id) : null;
}

/** Made once: building a zod schema costs more than parsing with it (it showed in the lifecycle's profile). */
const stageOutputSchema = jsonColumn("required");

/**
 * Stores a stage's output as the STAGE_OUTPUT artifact
 * `workflow-v2/{workflowType}/{runId}/{stageId}/output.json`, linked to the
 * stage row when it exists (looked up in the same statement), and returns the key.
 */
export async function saveStageOutput(
  ctx: QueryContext,
  workflowRunId: string,
  workflowType: string,
  stageId: string,
  output: unknown,
  maxBytes: number,
): Promise<string> {
  const operation = "saveStageOutput";
  parseInput(operation, "workflowRunId", idSchema, workflowRunId);
  parseInput(operation, "workflowType", keySchema, workflowType);
  parseInput(operation, "stageId", keySchema, stageId);
  const text = parseInput(operation, "output", stageOutputSchema, output);
  checkArtifactSize(operation, "output", text, maxBytes);
  const key = `workflow-v2/${workflowType}/${workflowRunId}/${stageId}/output.json`;
  // The key is made of three inputs: loadArtifact must be able to take it back.
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw new ValidationError(
      operation,
      "workflowType",
      `with workflowRunId and stageId makes the artifact key ${Buffer.byteLength(key, "utf8")} bytes of UTF-8; keys hold at most ${MAX_KEY_BYTES}`,
    );
  }
  // One statement, built once per dialect and contract (the type label differs), re-bound per call.
  const prepared = stageOutputUpserts.forShape(ctx.dialect, ctx.contract.version, (db, dialect) => {
    const stageRowId = db
      .selectFrom("workflow_stages")
      .select("id")
      .where("workflowRunId", "=", parameter("workflowRunId"))
      .where("stageId", "=", parameter("stageId"));
    const now = dialect.nowFrom(parameter("clock"));
    const stored = {
      workflowStageId: stageRowId,
      type: ctx.contract.label(dialect, "ArtifactType", "STAGE_OUTPUT"),
      data: dialect.json(parameter("data")),
      size: parameter("size"),
      updatedAt: now,
    };
    return db
      .insertInto("workflow_artifacts")
      .values({ id: parameter("id"), createdAt: now, workflowRunId: parameter("workflowRunId"), key: parameter("key"), metadata: null, ...stored })
      .onConflict((conflict) => conflict.columns(["workflowRunId", "key"]).doUpdateSet(stored));
  });
  const values = { id: ctx.newId(), workflowRunId, stageId, key, data: text, size: utf8ByteLength(text), clock: ctx.dialect.clockValue() };
  try {
    await mayViolateConstraint(ctx, () => prepared.execute(ctx, values));
  } catch (error) {
    throw missingReferenceError(ctx, operation, { workflowRunId }, error);
  }
  return key;
}

const stageOutputUpserts = new PreparedQueriesByShape<never>();

/** Artifacts are the large values; their limit is the persistence's `maxArtifactBytes`. */
export const DEFAULT_MAX_ARTIFACT_BYTES = 16 * 1024 * 1024;

function checkArtifactSize(operation: string, field: string, jsonText: string, maxBytes: number): void {
  if (jsonText.length * 3 <= maxBytes) return; // cannot exceed it: skip measuring
  const bytes = utf8ByteLength(jsonText);
  if (bytes > maxBytes) {
    throw new ValidationError(operation, field, `is ${bytes} bytes of JSON; the limit is ${maxBytes} (option maxArtifactBytes)`);
  }
}

function artifactByKey(ctx: QueryContext, workflowRunId: string, key: string) {
  return ctx.db.selectFrom("workflow_artifacts").where("workflowRunId", "=", workflowRunId).where("key", "=", key);
}

function checkKey(operation: string, workflowRunId: string, key: string): void {
  parseInput(operation, "workflowRunId", idSchema, workflowRunId);
  parseInput(operation, "key", keySchema, key);
}
