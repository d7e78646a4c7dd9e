import type { Catalog } from "./schema-catalog.js";

/**
 * The catalog entries found in only one of two catalogs, as readable lines
 * (`- …` only in `expected`, `+ …` only in `actual`). Empty when they are equal.
 */
export function catalogDiff(expected: Catalog, actual: Catalog): string[] {
  const lines: string[] = [];
  const left = flatten(expected);
  const right = flatten(actual);
  for (const entry of left) if (!right.has(entry)) lines.push(`- ${entry}`);
  for (const entry of right) if (!left.has(entry)) lines.push(`+ ${entry}`);
  return lines;
}

/**
 * The catalog without column positions (PostgreSQL's ordinal_position, SQLite's
 * cid): a migrated table keeps its column order where a fresh one has Prisma's.
 */
export function ignoringColumnOrder(catalog: Catalog): Catalog {
  return JSON.parse(JSON.stringify(catalog), (key, value) => (key === "ordinal_position" || key === "cid" ? undefined : value));
}

/** Each leaf collection entry as `path: json`, so that order-insensitive set comparison works. */
function flatten(value: unknown, path = ""): Set<string> {
  const entries = new Set<string>();
  if (Array.isArray(value)) {
    for (const item of value) entries.add(`${path}[]: ${JSON.stringify(item)}`);
  } else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      for (const entry of flatten(child, path ? `${path}.${key}` : key)) entries.add(entry);
    }
  } else {
    entries.add(`${path}: ${JSON.stringify(value)}`);
  }
  return entries;
}
