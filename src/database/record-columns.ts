import type { AliasedExpression } from "kysely";
import type { DialectSupport } from "../dialects/dialect-support.js";
import type { Database } from "./database.js";
import type { ContractSupport } from "../contracts/contract-support.js";

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

const cache = new WeakMap<DialectSupport, Map<string, Array<string | AliasedExpression<unknown, string>>>>();

/** What decides a record's columns: the dialect (how JSON is read) and the contract (which columns exist). */
export interface RecordContext {
  readonly dialect: DialectSupport;
  readonly contract: ContractSupport;
}

/**
 * The select (or RETURNING) list of `table`'s record; built once per dialect,
 * contract version and table. Pass it to `.select()` / `.returning()`.
 */
export function recordColumns({ dialect, contract }: RecordContext, table: Table): any[] {
  let byTable = cache.get(dialect);
  if (!byTable) cache.set(dialect, (byTable = new Map()));
  const key = `${contract.version}:${table}`;
  let columns = byTable.get(key);
  if (!columns) {
    const { plain, json } = RECORD_COLUMNS[table];
    const extra = table === "workflow_runs" || table === "workflow_stages" ? contract.extraColumns[table] : { plain: [], json: [] };
    columns = [...plain, ...extra.plain, ...[...json, ...extra.json].map((column) => dialect.selectJson(column))];
    byTable.set(key, columns);
  }
  return columns;
}
