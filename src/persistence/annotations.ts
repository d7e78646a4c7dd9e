import { sql } from "kysely";
import { db012 } from "../contracts/tables-0.12.js";
import { inWriteTransaction, mayViolateConstraint, type QueryContext } from "../database/query-context.js";
import type { DialectSupport } from "../dialects/dialect-support.js";
import type { AnnotationFilters, CreateAnnotationInput, WorkflowAnnotationRecord } from "../interfaces/0.12/types.js";
import { idSchema } from "../validation/input-schemas.js";
import { annotationFiltersSchema, createAnnotationsSchema } from "../validation/input-schemas-0.12.js";
import { parseInput } from "../validation/parse-input.js";
import { missingReferenceError } from "./missing-reference-error.js";

const DEFAULT_LIST_LIMIT = 1_000;
// 15 bind parameters a row: well under both databases' per-statement limits.
const MAX_ROWS_PER_INSERT = 1_000;

/**
 * One INSERT … ON CONFLICT DO NOTHING per 1,000 rows (in one transaction when
 * there are more). The unique (workflowRunId, key, idempotencyKey) index is
 * the conflict target: a row repeating an existing one, or an earlier row of
 * the same batch, is skipped by the database without an error, so a caller's
 * PostgreSQL transaction is never aborted by a duplicate. Rows without an
 * idempotencyKey never conflict (NULLs are distinct).
 */
export async function appendAnnotations(ctx: QueryContext, inputs: CreateAnnotationInput[]): Promise<void> {
  const parsed = parseInput("appendAnnotations", "inputs", createAnnotationsSchema, inputs);
  if (parsed.length === 0) return;
  const { dialect } = ctx;
  const now = dialect.now();
  const rows = parsed.map((input) => ({
    id: ctx.newId(),
    createdAt: now,
    workflowRunId: input.workflowRunId,
    workflowStageRecordId: input.workflowStageRecordId ?? null,
    attempt: input.attempt ?? 0,
    scope: input.scope,
    scopeId: input.scopeId ?? null,
    actorKind: input.actor?.kind ?? null,
    actorId: input.actor?.id ?? null,
    actorVersion: input.actor?.version ?? null,
    key: input.key,
    value: dialect.json(input.value),
    payload: input.payload == null ? null : dialect.json(input.payload),
    idempotencyKey: input.idempotencyKey ?? null,
  }));
  const insert = (c: QueryContext, chunk: typeof rows) =>
    db012(c)
      .insertInto("workflow_annotations")
      .values(chunk)
      .onConflict((conflict) => conflict.columns(["workflowRunId", "key", "idempotencyKey"]).doNothing())
      .execute();
  try {
    if (rows.length <= MAX_ROWS_PER_INSERT) {
      await mayViolateConstraint(ctx, () => insert(ctx, rows));
    } else {
      // Joins the caller's transaction when there is one (a second BEGIN would fail).
      await inWriteTransaction(ctx, async (tx) => {
        for (let start = 0; start < rows.length; start += MAX_ROWS_PER_INSERT) {
          await insert(tx, rows.slice(start, start + MAX_ROWS_PER_INSERT));
        }
      });
    }
  } catch (error) {
    throw annotationReferenceError(ctx, parsed, error);
  }
}

/**
 * A foreign-key failure names the runs and stages the batch refers to: the
 * database does not say which one is missing, and a PostgreSQL transaction of
 * the caller's is aborted by then, so it cannot be asked.
 */
function annotationReferenceError(
  ctx: QueryContext,
  parsed: Array<{ workflowRunId: string; workflowStageRecordId?: string | null | undefined }>,
  error: unknown,
): unknown {
  const runs = [...new Set(parsed.map((input) => input.workflowRunId))];
  const stages = [...new Set(parsed.flatMap((input) => (input.workflowStageRecordId ? [input.workflowStageRecordId] : [])))];
  return missingReferenceError(
    ctx,
    "appendAnnotations",
    { workflowRunId: runs.join(","), workflowStageId: stages.length > 0 ? stages.join(",") : undefined },
    error,
  );
}

/**
 * The run's annotations matching every filter given (AND), by createdAt then
 * id (ids are time-ordered, so rows written in one millisecond keep their
 * order). `keyPrefix` is literal and case-sensitive on both databases.
 */
export async function listAnnotations(
  ctx: QueryContext,
  workflowRunId: string,
  filters?: AnnotationFilters,
): Promise<WorkflowAnnotationRecord[]> {
  parseInput("listAnnotations", "workflowRunId", idSchema, workflowRunId);
  const f = parseInput("listAnnotations", "filters", annotationFiltersSchema, filters) ?? {};
  const { dialect } = ctx;
  let query = db012(ctx)
    .selectFrom("workflow_annotations")
    .select([
      "id", "createdAt", "workflowRunId", "workflowStageRecordId", "attempt", "scope", "scopeId", "actorKind",
      "actorId", "actorVersion", "key", "idempotencyKey",
      dialect.selectJson("value") as "value", dialect.selectJson("payload") as "payload",
    ])
    .where("workflowRunId", "=", workflowRunId);
  if (f.key !== undefined) query = query.where("key", "=", f.key);
  if (f.keyPrefix !== undefined) query = query.where(dialect.startsWith("key", f.keyPrefix));
  if (f.scope !== undefined) query = query.where("scope", "=", f.scope);
  if (f.scopeId === null) query = query.where("scopeId", "is", null);
  else if (f.scopeId !== undefined) query = query.where("scopeId", "=", f.scopeId);
  if (f.actorId !== undefined) query = query.where("actorId", "=", f.actorId);
  if (f.actorKind !== undefined) query = query.where("actorKind", "=", f.actorKind);
  if (f.attempt !== undefined) query = query.where("attempt", "=", f.attempt);
  if (f.since !== undefined) query = query.where("createdAt", ">=", dialect.date(f.since));
  if (f.until !== undefined) query = query.where("createdAt", "<=", dialect.date(f.until));
  const rows = await query
    .orderBy("createdAt", "asc")
    .orderBy("id", "asc")
    .limit(sql.lit(f.limit ?? DEFAULT_LIST_LIMIT))
    .execute();
  return rows.map((row) => toAnnotationRecord(row as Record<string, unknown>, dialect));
}

function toAnnotationRecord(row: Record<string, unknown>, dialect: DialectSupport): WorkflowAnnotationRecord {
  const text = (value: unknown) => (value == null ? null : String(value));
  return {
    id: String(row.id),
    createdAt: dialect.readDate(row.createdAt),
    workflowRunId: String(row.workflowRunId),
    workflowStageRecordId: text(row.workflowStageRecordId),
    attempt: Number(row.attempt),
    scope: String(row.scope),
    scopeId: text(row.scopeId),
    actorKind: text(row.actorKind),
    actorId: text(row.actorId),
    actorVersion: text(row.actorVersion),
    key: String(row.key),
    value: dialect.readJson(row.value),
    payload: row.payload == null ? null : dialect.readJson(row.payload),
    idempotencyKey: text(row.idempotencyKey),
  };
}
