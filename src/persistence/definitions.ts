import { sql } from "kysely";
import { db10 } from "../contracts/tables-1.0.js";
import type { QueryContext } from "../database/query-context.js";
import type {
  CreateDefinitionInput,
  DefinitionVersionCount,
  DefinitionVersionCountFilter,
  WorkflowDefinitionRecord,
} from "../interfaces/1.0/types.js";
import type { Status } from "../types.js";
import { createDefinitionSchema, definitionCountFilterSchema, definitionVersionSchema } from "../validation/input-schemas-1.0.js";
import { keySchema } from "../validation/input-schemas.js";
import { parseInput } from "../validation/parse-input.js";

// Definition versioning (1.0): the snapshot each run is pinned to, and the
// counts an operator reads to see whether a version has drained.

/**
 * Inserts the snapshot unless (workflowId, version) is stored, then reads
 * the stored row: the first registration wins, and a caller sees whether
 * an explicit version comes back with another structure. ON CONFLICT DO
 * NOTHING raises nothing, so a caller's PostgreSQL transaction stays usable.
 */
export async function insertDefinitionIfAbsent(ctx: QueryContext, input: CreateDefinitionInput): Promise<WorkflowDefinitionRecord | null> {
  const definition = parseInput("insertDefinitionIfAbsent", "input", createDefinitionSchema, input);
  const { dialect } = ctx;
  await db10(ctx)
    .insertInto("workflow_definitions")
    .values({
      workflowId: definition.workflowId,
      version: definition.version,
      createdAt: dialect.now(),
      snapshot: dialect.json(definition.snapshot),
      structureHash: definition.structureHash,
    })
    .onConflict((conflict) => conflict.columns(["workflowId", "version"]).doNothing())
    .execute();
  return readDefinition(ctx, definition.workflowId, definition.version);
}

export async function getDefinition(ctx: QueryContext, workflowId: string, version: string): Promise<WorkflowDefinitionRecord | null> {
  parseInput("getDefinition", "workflowId", keySchema, workflowId);
  parseInput("getDefinition", "version", definitionVersionSchema, version);
  return readDefinition(ctx, workflowId, version);
}

async function readDefinition(ctx: QueryContext, workflowId: string, version: string): Promise<WorkflowDefinitionRecord | null> {
  const { dialect } = ctx;
  const row = await db10(ctx)
    .selectFrom("workflow_definitions")
    .select(["workflowId", "version", "createdAt", "structureHash", dialect.selectJson("snapshot") as "snapshot"])
    .where("workflowId", "=", workflowId)
    .where("version", "=", version)
    .executeTakeFirst();
  if (!row) return null;
  return {
    workflowId: String(row.workflowId),
    version: String(row.version),
    createdAt: dialect.readDate(row.createdAt),
    snapshot: dialect.readJson(row.snapshot),
    structureHash: String(row.structureHash),
  };
}

/**
 * Run counts per (workflowId, definitionVersion, status), by the database,
 * ordered by workflow, then version (unpinned first), then status.
 */
export async function countRunsByDefinitionVersion(
  ctx: QueryContext,
  filter?: DefinitionVersionCountFilter,
): Promise<DefinitionVersionCount[]> {
  const parsed = parseInput("countRunsByDefinitionVersion", "filter", definitionCountFilterSchema, filter) ?? {};
  const { dialect } = ctx;
  let query = db10(ctx)
    .selectFrom("workflow_runs")
    .select(({ fn }) => [
      "workflowId",
      "definitionVersion",
      "status",
      fn.countAll().as("count"),
      fn.min("createdAt").as("oldestCreatedAt"),
    ])
    .groupBy(["workflowId", "definitionVersion", "status"]);
  if (parsed.workflowId !== undefined) query = query.where("workflowId", "=", parsed.workflowId);
  if (parsed.definitionVersion !== undefined) query = query.where("definitionVersion", "=", parsed.definitionVersion);
  if (parsed.status !== undefined) {
    if (parsed.status.length === 0) return [];
    query = query.where("status", "in", parsed.status.map((status) => dialect.enumValue("Status", status)));
  }
  const rows = await query
    .orderBy("workflowId")
    .orderBy(sql`case when ${sql.ref("definitionVersion")} is null then 0 else 1 end`)
    .orderBy("definitionVersion")
    .orderBy(sql`cast(${sql.ref("status")} as text)`)
    .execute();
  return rows.map((row) => ({
    workflowId: String(row.workflowId),
    definitionVersion: row.definitionVersion == null ? null : String(row.definitionVersion),
    status: row.status as Status,
    count: Number(row.count),
    oldestCreatedAt: row.oldestCreatedAt == null ? null : dialect.readDate(row.oldestCreatedAt),
  }));
}
