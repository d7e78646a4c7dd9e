// The code a driver's error carries, read the same way wherever errors are classified.

/** The SQLSTATE / SQLite code / system code a driver's error carries, also inside Prisma's wrapping. */
export function databaseCodeOf(error: unknown): string | undefined {
  const candidate = error as {
    code?: unknown;
    meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } };
  } | null;
  if (candidate === null || typeof candidate !== "object") return undefined;
  const prisma = candidate.meta?.driverAdapterError?.cause?.originalCode ?? candidate.meta?.code;
  if (typeof prisma === "string") return prisma;
  return typeof candidate.code === "string" ? candidate.code : undefined;
}
