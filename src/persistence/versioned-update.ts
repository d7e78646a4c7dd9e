import { NotFoundError } from "../errors.js";
import type { BoundSet } from "../database/bound-set.js";
import { parameter, PreparedQueriesByShape } from "../database/prepared-query.js";
import type { QueryContext } from "../database/query-context.js";

export interface VersionedUpdate {
  operation: string;
  table: "workflow_runs" | "workflow_stages";
  /** The row, by its key columns (id, or run id and stage id). */
  match: Record<string, string>;
  set: BoundSet;
  /** 0.12: write only if the row is at this version. */
  expectedVersion: number | undefined;
}

const ENTITY = { workflow_runs: "WorkflowRun", workflow_stages: "WorkflowStage" } as const;
const NOT_FOUND_ENTITY = { workflow_runs: "workflow run", workflow_stages: "workflow stage" } as const;

/** Built once per dialect and shape (table, contract, columns set, key columns, compare-and-set), then re-bound. */
const updates = new PreparedQueriesByShape<never>();

/**
 * One UPDATE of a run or stage. Under 0.12 every such write bumps `version`,
 * and with `expectedVersion` it is a compare-and-set: the version is part of
 * the WHERE clause, so the check and the write are one atomic step and of two
 * writers holding the same version exactly one succeeds. When no row changed,
 * a second read says why: no row at all (NotFoundError; with expectedVersion a
 * StaleVersionError with actual -1, as the engine's own implementation
 * reports it) or another version (StaleVersionError). Nothing was written
 * either way.
 */
export async function updateVersioned(ctx: QueryContext, update: VersionedUpdate): Promise<void> {
  const { table, match, expectedVersion, set } = update;
  for (const [column, expression] of Object.entries(ctx.contract.versionBump(table))) set.constant(column, expression, "version+1");
  const keyColumns = Object.keys(match);
  const shape = `${table}|${set.shape}|${keyColumns.join(",")}|${expectedVersion === undefined ? "" : "cas"}`;
  const prepared = updates.forShape(ctx.dialect, shape, (db) => {
    let query = db.updateTable(table).set(set.columns as any);
    for (const column of keyColumns) query = query.where(column as any, "=", parameter(`key.${column}`));
    if (expectedVersion !== undefined) query = query.where("version" as any, "=", parameter("expectedVersion"));
    return query;
  });
  const values = set.values; // this call's own set: bound in place
  for (const column of keyColumns) values[`key.${column}`] = match[column];
  if (expectedVersion !== undefined) values.expectedVersion = expectedVersion;
  const result = await prepared.execute(ctx, values);
  if (Number(result.numAffectedRows ?? 0n) > 0) return;

  const key = Object.values(match).join("/");
  if (expectedVersion === undefined) throw new NotFoundError(update.operation, NOT_FOUND_ENTITY[table], key);
  let read = ctx.db.selectFrom(table).select(["id", "version" as any]);
  for (const [column, value] of Object.entries(match)) read = read.where(column as any, "=", value);
  const current = (await read.executeTakeFirst()) as { id: unknown; version: unknown } | undefined;
  throw ctx.contract.staleVersion(
    ENTITY[table],
    current ? String(current.id) : key,
    expectedVersion,
    current ? Number(current.version) : -1,
  );
}
