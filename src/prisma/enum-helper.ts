import type { ARTIFACT_TYPES, LOG_LEVELS, STATUSES } from "../types.js";

/**
 * Resolves the schema's enum values for writes made with Prisma's model API:
 * Prisma 6 takes the label as a string, Prisma 7 clients expose typed values
 * under `$Enums`. The engine's Prisma module exports the same helper; this
 * library itself never needs it (its SQL carries the labels with casts).
 */
export interface PrismaEnumHelper {
  /** A value of `Status` (runs, stages and jobs share it). */
  status(value: (typeof STATUSES)[number] | (string & {})): unknown;
  /** A value of `ArtifactType`. */
  artifactType(value: (typeof ARTIFACT_TYPES)[number] | (string & {})): unknown;
  /** A value of `LogLevel`. */
  logLevel(value: (typeof LOG_LEVELS)[number] | (string & {})): unknown;
}

/** The helper for `prisma` (any client; only its `$Enums` is read). */
export function createEnumHelper(prisma: unknown): PrismaEnumHelper {
  const resolve = (enumName: string, value: string): unknown => {
    const enums = (prisma as { $Enums?: Record<string, Record<string, unknown> | undefined> } | null)?.$Enums;
    const values = enums?.[enumName];
    // The client's own value when it has one; the label itself otherwise (Prisma 6).
    return values && Object.prototype.hasOwnProperty.call(values, value) ? values[value] : value;
  };
  return {
    status: (value) => resolve("Status", value),
    artifactType: (value) => resolve("ArtifactType", value),
    logLevel: (value) => resolve("LogLevel", value),
  };
}
