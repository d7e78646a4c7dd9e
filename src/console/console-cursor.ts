/**
 * Page sizes and the runs list's cursor, in the console's own format: the
 * keyset `(createdAt, id)` as base64url of `<ISO time>|<id>`, so a cursor one
 * reader wrote pages another (this library's or the engine's).
 */

/** Page size of the runs list when the query names none. */
export const DEFAULT_RUN_LIMIT = 50;
/** The most rows any page returns, whatever it asks for. */
export const MAX_LIMIT = 200;

/** `requested` as a page size: the fallback when absent or not finite, else floored into 1..MAX_LIMIT. */
export function clampLimit(requested: number | undefined, fallback = DEFAULT_RUN_LIMIT): number {
  if (requested === undefined || !Number.isFinite(requested)) return fallback;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(requested)));
}

/** Where a page of runs ends: the last row's keyset. */
export interface RunCursor {
  createdAt: Date;
  id: string;
}

/** The opaque text of `cursor`, for RunListPage.nextCursor. */
export function encodeCursor(cursor: RunCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`, "utf8").toString("base64url");
}

/** The cursor `raw` encodes, or null when it is not one. */
export function decodeCursor(raw: string): RunCursor | null {
  if (!/^[A-Za-z0-9_-]*$/.test(raw)) return null;
  const decoded = Buffer.from(raw, "base64url").toString("utf8");
  const separator = decoded.indexOf("|");
  if (separator <= 0) return null;
  const createdAt = new Date(decoded.slice(0, separator));
  const id = decoded.slice(separator + 1);
  if (Number.isNaN(createdAt.getTime()) || id.length === 0) return null;
  return { createdAt, id };
}
