import { textProblem } from "./primitives.js";

/**
 * Serialises a value for a JSON column the way JSON.stringify (and so Prisma)
 * does for what callers mean: an object property whose value is `undefined` is
 * left out, an `undefined` array element (or a hole) becomes null. The engine
 * builds objects with optional fields left undefined (`{ temperature:
 * options.temperature }`), so refusing those would fail ordinary calls.
 * What JSON.stringify would drop or mangle with a real loss of information is
 * refused instead: functions and symbols (dropped), NaN and ±Infinity (turned
 * into null), BigInt and cycles (a bare TypeError), invalid Dates, NUL
 * characters. Values with `toJSON` (Dates) serialise as JSON.stringify would.
 */
export const MAX_JSON_DEPTH = 512;
/** Largest JSON document accepted for any column (PostgreSQL's jsonb stops near 256 MiB). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

export class JsonValueProblem extends Error {
  constructor(
    /** Path below the field, e.g. `["items", 3, "price"]`. */
    readonly path: (string | number)[],
    reason: string,
  ) {
    super(reason);
  }
}

export function toJsonText(value: unknown): string {
  const resolved = resolveJsonValue(value, "", [], new Set(), 0, false);
  if (resolved === OMITTED) throw new JsonValueProblem([], "undefined is not representable in JSON");
  // `resolved` is `value` itself unless a toJSON() (other than Date's) gave
  // something else: then the checked results are serialised, so a toJSON
  // that answers differently the second time cannot slip past the check.
  const text = JSON.stringify(resolved);
  // Characters ≤ bytes ≤ 3 × characters: measure only when it could matter.
  if (text.length * 3 > MAX_JSON_BYTES && utf8ByteLength(text) > MAX_JSON_BYTES) {
    throw new JsonValueProblem([], `is ${utf8ByteLength(text)} bytes of JSON; the limit is ${MAX_JSON_BYTES}`);
  }
  return text;
}

/** A property JSON.stringify leaves out (or an array element it writes as null). */
const OMITTED = Symbol("omitted");

/**
 * Walks the value once, as JSON.stringify would, and returns it with every
 * toJSON() result in place (the value itself, allocating nothing, when there
 * were none but Date's). The path is one shared stack, copied only when a
 * problem is reported.
 */
function resolveJsonValue(
  value: unknown,
  key: string,
  path: (string | number)[],
  ancestors: Set<object>,
  depth: number,
  fromToJSON: boolean,
): unknown {
  switch (typeof value) {
    case "string": {
      const problem = textProblem(value);
      if (problem) throw new JsonValueProblem([...path], problem);
      return value;
    }
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new JsonValueProblem([...path], `${value} is not representable in JSON`);
      return value;
    case "undefined":
      return OMITTED;
    case "function":
    case "symbol":
      throw new JsonValueProblem([...path], `a ${typeof value} is not representable in JSON`);
  }
  if (value === null) return null;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function" && !fromToJSON) {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw new JsonValueProblem([...path], "an invalid Date is not representable in JSON");
      return value; // Date's own toJSON: an ISO string, the same every time
    }
    let replaced: unknown;
    try {
      replaced = toJSON.call(value, key);
    } catch (error) {
      throw new JsonValueProblem([...path], `its toJSON() threw: ${(error as Error)?.message ?? String(error)}`);
    }
    return resolveJsonValue(replaced, key, path, ancestors, depth, true);
  }
  if (typeof value === "bigint") throw new JsonValueProblem([...path], "a BigInt is not representable in JSON (convert it to a string or number)");
  // JSON.stringify writes boxed primitives as the primitive.
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    const primitive = value.valueOf();
    const resolved = resolveJsonValue(primitive, key, path, ancestors, depth, true);
    return resolved === primitive ? value : resolved;
  }
  const object = value as object;
  if (depth >= MAX_JSON_DEPTH) throw new JsonValueProblem([...path], `nesting deeper than ${MAX_JSON_DEPTH} levels`);
  if (ancestors.has(object)) throw new JsonValueProblem([...path], "a circular reference is not representable in JSON");
  ancestors.add(object);
  let result: unknown = object;
  if (Array.isArray(object)) {
    // Holes and undefined elements become null, as JSON.stringify writes them.
    let copy: unknown[] | undefined;
    for (let index = 0; index < object.length; index++) {
      const element: unknown = object[index];
      path.push(index);
      const resolved = resolveJsonValue(element, String(index), path, ancestors, depth + 1, false);
      path.pop();
      const written = resolved === OMITTED ? null : resolved;
      if (copy === undefined && written !== element && !(element === undefined && written === null)) copy = object.slice(0, index);
      copy?.push(written);
    }
    if (copy) result = copy;
  } else {
    let copy: Record<string, unknown> | undefined;
    for (const name in object) {
      if (!Object.prototype.hasOwnProperty.call(object, name)) continue;
      const property: unknown = (object as Record<string, unknown>)[name];
      path.push(name);
      const keyProblem = textProblem(name);
      if (keyProblem) throw new JsonValueProblem([...path], `key ${keyProblem}`);
      // Left out of the document, as JSON.stringify leaves it out: "not set".
      const resolved = resolveJsonValue(property, name, path, ancestors, depth + 1, false);
      path.pop();
      // An undefined property resolves to OMITTED and is left out either way: no copy for it.
      const changed = resolved === OMITTED ? property !== undefined : resolved !== property;
      if (copy === undefined && changed) copy = copyUpTo(object as Record<string, unknown>, name);
      if (copy && resolved !== OMITTED) copy[name] = resolved;
    }
    if (copy) result = copy;
  }
  ancestors.delete(object);
  return result;
}

/**
 * The own enumerable properties of `object` before `stop`, in order, in an
 * object without a prototype (a "__proto__" key stays a key).
 */
function copyUpTo(object: Record<string, unknown>, stop: string): Record<string, unknown> {
  const copy = Object.create(null) as Record<string, unknown>;
  for (const name in object) {
    if (name === stop) break;
    if (Object.prototype.hasOwnProperty.call(object, name)) copy[name] = object[name];
  }
  return copy;
}

/** UTF-8 byte length of a string without allocating a Buffer for it. */
export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
