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
  checkJsonValue(value, [], new Set(), 0);
  const text = JSON.stringify(value);
  // Characters ≤ bytes ≤ 3 × characters: measure only when it could matter.
  if (text.length * 3 > MAX_JSON_BYTES && utf8ByteLength(text) > MAX_JSON_BYTES) {
    throw new JsonValueProblem([], `is ${utf8ByteLength(text)} bytes of JSON; the limit is ${MAX_JSON_BYTES}`);
  }
  return text;
}

/**
 * Walks the value once. The path is one shared stack (copied only when a
 * problem is reported), so checking allocates nothing on the happy path.
 */
function checkJsonValue(value: unknown, path: (string | number)[], ancestors: Set<object>, depth: number): void {
  switch (typeof value) {
    case "string":
      if (value.includes("\u0000")) throw new JsonValueProblem([...path], "contains a NUL character (\\u0000), which PostgreSQL cannot store");
      return;
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) throw new JsonValueProblem([...path], `${value} is not representable in JSON`);
      return;
    case "undefined":
      // Reached only at the top level: properties and elements are handled by the caller.
      throw new JsonValueProblem([...path], "undefined is not representable in JSON");
    case "bigint":
      throw new JsonValueProblem([...path], "a BigInt is not representable in JSON (convert it to a string or number)");
    case "function":
    case "symbol":
      throw new JsonValueProblem([...path], `a ${typeof value} is not representable in JSON`);
  }
  if (value === null) return;
  const object = value as object;
  if (typeof (object as { toJSON?: unknown }).toJSON === "function") {
    if (object instanceof Date && Number.isNaN(object.getTime())) {
      throw new JsonValueProblem([...path], "an invalid Date is not representable in JSON");
    }
    return;
  }
  if (depth >= MAX_JSON_DEPTH) throw new JsonValueProblem([...path], `nesting deeper than ${MAX_JSON_DEPTH} levels`);
  if (ancestors.has(object)) throw new JsonValueProblem([...path], "a circular reference is not representable in JSON");
  ancestors.add(object);
  if (Array.isArray(object)) {
    // Holes and undefined elements become null, as JSON.stringify writes them.
    for (let index = 0; index < object.length; index++) {
      const element: unknown = object[index];
      if (element === undefined) continue;
      path.push(index);
      checkJsonValue(element, path, ancestors, depth + 1);
      path.pop();
    }
  } else {
    for (const key in object) {
      if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
      const property: unknown = (object as Record<string, unknown>)[key];
      // Left out of the document, as JSON.stringify leaves it out: "not set".
      if (property === undefined) continue;
      path.push(key);
      if (key.includes("\u0000")) throw new JsonValueProblem([...path], "key contains a NUL character (\\u0000), which PostgreSQL cannot store");
      checkJsonValue(property, path, ancestors, depth + 1);
      path.pop();
    }
  }
  ancestors.delete(object);
}

/** UTF-8 byte length of a string without allocating a Buffer for it. */
export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
