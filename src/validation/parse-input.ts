import { z } from "zod";
import { ValidationError } from "../errors.js";
import { JsonValueProblem, toJsonText } from "./json-text.js";

/**
 * Validates `value` against `schema` before any SQL runs. The first problem
 * becomes a ValidationError naming the operation and the field's dotted path.
 */
export function parseInput<S extends z.ZodType>(operation: string, field: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [field, ...issue.path.map(String)].filter((part) => part !== "").join(".");
  throw new ValidationError(operation, path || field, describeIssue(issue, value));
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === "unrecognized_keys") return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined) return "is required";
  return issue.message;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * A value for a JSON column, serialised to text while it is validated (so it
 * is walked once). "required": `undefined` is an error (`null` is stored as
 * JSON null). "optional": `undefined` means "not given". "nullable": also
 * `null` means SQL NULL, which clears a nullable column.
 */
export function jsonColumn(mode: "required"): z.ZodType<string, unknown>;
export function jsonColumn(mode: "optional"): z.ZodType<string | undefined, unknown>;
export function jsonColumn(mode: "nullable"): z.ZodType<string | null | undefined, unknown>;
export function jsonColumn(mode: "required" | "optional" | "nullable"): z.ZodType<string | null | undefined, unknown> {
  const column = z.unknown().transform((value, ctx) => {
    if (value === undefined && mode !== "required") return undefined;
    if (value === null && mode === "nullable") return null;
    try {
      return toJsonText(value);
    } catch (error) {
      if (!(error instanceof JsonValueProblem)) throw error;
      ctx.addIssue({ code: "custom", message: error.message, path: error.path });
      return z.NEVER;
    }
  });
  // zod treats an object key as optional only when its schema says so.
  return mode === "required" ? column : column.optional();
}
