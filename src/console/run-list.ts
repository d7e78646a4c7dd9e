import { sql } from "kysely";
import { ValidationError } from "../errors.js";
import { parseInput } from "../validation/parse-input.js";
import { runListQuerySchema } from "../validation/console-schemas.js";
import { clampLimit, decodeCursor, encodeCursor } from "./console-cursor.js";
import { runSummaryColumns, runSummaryOf, type ConsoleReader } from "./console-rows.js";
import type { RunListFilters, RunListPage, RunListQuery } from "./console-types.js";

/** The runs the filters select (the runs list's WHERE), with the summary's columns. */
export function filteredRuns(r: ConsoleReader, filters: Omit<RunListFilters, "status"> & { status?: readonly string[] }) {
  const { dialect } = r;
  let select = r.db.selectFrom("workflow_runs").select(runSummaryColumns(r) as any);
  if (filters.status?.length) select = select.where("status", "in", filters.status.map((status) => dialect.enumValue("Status", status)));
  if (filters.workflowId !== undefined) select = select.where("workflowId", "=", filters.workflowId);
  if (filters.workflowType !== undefined) select = select.where("workflowType", "=", filters.workflowType);
  if (filters.createdAfter !== undefined) select = select.where("createdAt", ">=", dialect.date(filters.createdAfter));
  if (filters.createdBefore !== undefined) select = select.where("createdAt", "<", dialect.date(filters.createdBefore));
  if (filters.definitionVersion !== undefined) select = select.where("definitionVersion", "=", filters.definitionVersion);
  return select;
}

/**
 * A page of runs, newest first, keyset-paged on (createdAt, id): the cursor
 * is a row-value comparison the (createdAt DESC, id DESC) index ranges over,
 * so page 400 costs what page 1 costs. One row past the limit says whether
 * there is a next page; nothing counts the table.
 */
export async function listRuns(r: ConsoleReader, query: RunListQuery): Promise<RunListPage> {
  const parsed = parseInput("listRuns", "query", runListQuerySchema, query);
  const cursor = parsed.cursor === undefined ? undefined : decodeCursor(parsed.cursor);
  if (cursor === null) throw new ValidationError("listRuns", "query.cursor", "is not a cursor this console wrote");
  const limit = clampLimit(parsed.limit);
  const filters = parsed.filters ?? {};
  // Before 1.0 no run has a definition version: a version filter matches none.
  if (filters.definitionVersion !== undefined && !r.features.definitionVersions) return { runs: [], nextCursor: null };

  let select = filteredRuns(r, filters);
  if (cursor) select = select.where(sql<boolean>`(${sql.ref("createdAt")}, ${sql.ref("id")}) < (${r.dialect.date(cursor.createdAt)}, ${cursor.id})`);
  const rows = await select.orderBy("createdAt", "desc").orderBy("id", "desc").limit(limit + 1).execute();

  const runs = rows.slice(0, limit).map((row) => runSummaryOf(r, row));
  const last = runs[runs.length - 1];
  return { runs, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
}
