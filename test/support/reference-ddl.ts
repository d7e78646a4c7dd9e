import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseType } from "../../src/dialects/dialect-support.js";

/**
 * The DDL Prisma itself generates from the spec's schema lives outside this
 * repository (in the workplace's shared/reference/prisma-ddl, beside the clone),
 * and is never copied into it. KWP_PRISMA_REFERENCE_DDL points elsewhere.
 */
export const referenceDdlFolder: string | undefined = [
  process.env.KWP_PRISMA_REFERENCE_DDL,
  join(dirname(fileURLToPath(import.meta.url)), "../../../shared/reference/prisma-ddl"),
].find((folder): folder is string => !!folder && existsSync(join(folder, "postgresql.sql")));

/**
 * Prisma's DDL for one dialect, made applicable: Prisma prints SQLite's
 * `Json @default("{}")` unquoted (`DEFAULT {}`), which SQLite rejects; the
 * column default it means is the string '{}'.
 */
export function referenceDdl(databaseType: DatabaseType, contract: "0.1" | "0.12" | "1.0" = "0.1"): string {
  if (!referenceDdlFolder) throw new Error("Prisma reference DDL not found");
  // Later contracts' schemas sit beside the 0.1 one, in prisma-ddl-0.12 and prisma-ddl-1.0.
  const folder = contract === "0.1" ? referenceDdlFolder : `${referenceDdlFolder}-${contract}`;
  const text = readFileSync(join(folder, `${databaseType}.sql`), "utf8");
  return databaseType === "sqlite" ? text.replace(/DEFAULT \{\}/g, "DEFAULT '{}'") : text;
}
