import { sql } from "kysely";
import { ValidationError } from "../errors.js";
import { parseInput } from "../validation/parse-input.js";
import { runListQuerySchema } from "../validation/console-schemas.js";
import { clampLimit, decodeCursor, encodeCursor } from "./console-cursor.js";
import { runSummaryOf, type ConsoleReader } from "./console-rows.js";
import type { RunListQuery, RunSummary } from "./console-types.js";
import { filteredRuns } from "./run-list.js";

/** A page of runs before (newer than) a cursor: what a "previous page" link shows. */
export interface NewerRunsPage {
  /** Newest first, as listRuns' pages: the `limit` runs just newer than the cursor. */
  runs: RunSummary[];
  /** The cursor of this page's newest run when still newer runs exist (the page before this one); null at the start of the list. */
  newerCursor: string | null;
}

/**
 * The page of runs just before `query.cursor` in the runs list (the runs
 * newer than it, under the same filters), newest first: the list's keyset
 * read the other way, ascending on (createdAt, id) from the cursor with one
 * row past the limit to say whether an earlier page exists. Indexed and
 * bounded like listRuns (the (createdAt DESC, id DESC) index scanned
 * backwards).
 */
export async function listNewerRuns(r: ConsoleReader, query: RunListQuery & { cursor: string }): Promise<NewerRunsPage> {
  const parsed = parseInput("listNewerRuns", "query", runListQuerySchema, query);
  const cursor = decodeCursor(parsed.cursor ?? "");
  if (cursor === null) throw new ValidationError("listNewerRuns", "query.cursor", "is not a cursor this console wrote");
  const limit = clampLimit(parsed.limit);
  const filters = parsed.filters ?? {};
  if (filters.definitionVersion !== undefined && !r.features.definitionVersions) return { runs: [], newerCursor: null };
  const rows = await filteredRuns(r, filters)
    .where(sql<boolean>`(${sql.ref("createdAt")}, ${sql.ref("id")}) > (${r.dialect.date(cursor.createdAt)}, ${cursor.id})`)
    .orderBy("createdAt", "asc")
    .orderBy("id", "asc")
    .limit(limit + 1)
    .execute();
  const runs = rows.slice(0, limit).map((row) => runSummaryOf(r, row)).reverse();
  const newest = runs[0];
  return { runs, newerCursor: rows.length > limit && newest ? encodeCursor({ createdAt: newest.createdAt, id: newest.id }) : null };
}
