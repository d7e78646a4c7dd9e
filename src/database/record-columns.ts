import type { AliasedExpression } from "kysely";
import type { DialectSupport } from "../dialects/dialect-support.js";
import type { Database } from "./database.js";

type Table = "workflow_runs" | "workflow_stages" | "workflow_artifacts" | "workflow_logs";

/**
 * The columns a record is read from, per table. A list rather than `*`, so
 * that JSON columns are read the way the dialect can decode: through Prisma's
 * raw API they come back as text (`DialectSupport.selectJson`), because
 * Prisma's own decoder rejects values our codec reads fine (a bare float in a
 * SQLite JSONB column, stored as a REAL). Columns an application added to
 * workflow_runs are not records' fields and are not read.
 */
const RECORD_COLUMNS: { [T in Table]: { plain: Array<keyof Database[T] & string>; json: Array<keyof Database[T] & string> } } = {
  workflow_runs: {
    plain: [
      "id", "createdAt", "updatedAt", "workflowId", "workflowName", "workflowType", "status", "startedAt",
      "completedAt", "duration", "totalCost", "totalTokens", "priority",
    ],
    json: ["input", "output", "config"],
  },
  workflow_stages: {
    plain: [
      "id", "createdAt", "updatedAt", "workflowRunId", "stageId", "stageName", "stageNumber", "executionGroup",
      "status", "startedAt", "completedAt", "duration", "nextPollAt", "pollInterval", "maxWaitUntil", "errorMessage",
    ],
    json: ["inputData", "outputData", "config", "suspendedState", "resumeData", "metrics", "embeddingInfo"],
  },
  workflow_artifacts: {
    plain: ["id", "createdAt", "updatedAt", "workflowRunId", "workflowStageId", "key", "type", "size"],
    json: ["data", "metadata"],
  },
  workflow_logs: {
    plain: ["id", "createdAt", "workflowRunId", "workflowStageId", "level", "message"],
    json: ["metadata"],
  },
};

const cache = new WeakMap<DialectSupport, Map<Table, Array<string | AliasedExpression<unknown, string>>>>();

/**
 * The select (or RETURNING) list of `table`'s record for `dialect`; built once
 * per dialect and table. Pass it to `.select()` / `.returning()`.
 */
export function recordColumns(dialect: DialectSupport, table: Table): any[] {
  let byTable = cache.get(dialect);
  if (!byTable) cache.set(dialect, (byTable = new Map()));
  let columns = byTable.get(table);
  if (!columns) {
    const { plain, json } = RECORD_COLUMNS[table];
    columns = [...plain, ...json.map((column) => dialect.selectJson(column))];
    byTable.set(table, columns);
  }
  return columns;
}
