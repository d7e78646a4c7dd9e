import type { Expression } from "kysely";
import { ValidationError } from "../errors.js";
import type { ContractCallContext } from "../contracts/contract-support.js";
import { JsonValueProblem, toJsonText } from "../validation/json-text.js";

/** The spec's own columns: metadata may not overwrite them. */
const SPEC_RUN_COLUMNS = new Set([
  "id", "createdAt", "updatedAt", "workflowId", "workflowName", "workflowType", "status", "startedAt",
  "completedAt", "duration", "input", "output", "config", "totalCost", "totalTokens", "priority",
]);

/** Keys that would reach Object.prototype if anything merged them into an object. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * `CreateRunInput.metadata` carries domain-specific fields that an application
 * stores in extra columns it added to `workflow_runs`. Keys are identifiers, so
 * they are checked against the table's real columns (read once, re-read once
 * when a key is not found, in case a column was added since) and never trusted.
 */
export class RunMetadataColumns {
  #columns: Set<string> | undefined;

  async toColumnValues(
    ctx: ContractCallContext,
    operation: string,
    metadata: Record<string, unknown> | undefined,
  ): Promise<Record<string, unknown>> {
    if (!metadata) return {};
    // An undefined value means "not set", as Prisma reads `data` (the engine leaves optional fields undefined).
    const keys = Object.keys(metadata).filter((key) => metadata[key] !== undefined);
    if (keys.length === 0) return {};
    let columns = await this.#load(ctx, false);
    if (keys.some((key) => !columns.has(key))) columns = await this.#load(ctx, true);

    const values: Record<string, unknown> = {};
    for (const key of keys) {
      const field = `data.metadata.${key}`;
      if (FORBIDDEN_KEYS.has(key)) {
        throw new ValidationError(operation, field, `"${key}" is not allowed as a key`);
      }
      if (SPEC_RUN_COLUMNS.has(key)) {
        throw new ValidationError(operation, field, `"${key}" is a workflow_runs column of the spec; pass it as its own field`);
      }
      if (!columns.has(key)) {
        throw new ValidationError(operation, field, `workflow_runs has no column "${key}" to store it in`);
      }
      values[key] = toColumnValue(ctx, operation, field, metadata[key]);
    }
    return values;
  }

  async #load(ctx: ContractCallContext, refresh: boolean): Promise<Set<string>> {
    if (!this.#columns || refresh) {
      this.#columns = new Set(await ctx.dialect.listColumns(ctx.db, "workflow_runs"));
    }
    return this.#columns;
  }
}

function toColumnValue(ctx: ContractCallContext, operation: string, field: string, value: unknown): Expression<any> | string | number | null {
  if (value === null) return value;
  if (typeof value === "string") {
    if (value.includes("\u0000")) throw new ValidationError(operation, field, "contains a NUL character (\\u0000), which PostgreSQL cannot store");
    return value;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ValidationError(operation, field, `${value} cannot be stored`);
    return value;
  }
  if (typeof value === "boolean") return ctx.dialect.boolean(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError(operation, field, "is an invalid Date");
    return ctx.dialect.date(value);
  }
  // Objects and arrays go in as JSON text, which a JSON or text column accepts.
  try {
    return toJsonText(value);
  } catch (error) {
    if (!(error instanceof JsonValueProblem)) throw error;
    throw new ValidationError(operation, [field, ...error.path].join("."), error.message);
  }
}
